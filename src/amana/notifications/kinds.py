"""The kinds of notification and their sentences.

Each kind has two sentences: the one the app shows (it may name the case number and
agencies: the recipient may open that case or referral anyway), and the neutral one an
e-mail carries (nothing about the case: e-mail leaves Amana's protection). Both are
translated when shown, in the reader's language, never stored translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The parameters a sentence may use; anything else is dropped before it is stored.
ALLOWED_PARAMS = frozenset({"case", "sender", "recipient"})


@dataclass(frozen=True)
class Kind:
    shown: Promise  # in the app, with %(case)s, %(sender)s, %(recipient)s
    emailed: Promise  # in an e-mail: no parameters


REFERRAL_RECEIVED = "referral.received"
REFERRAL_ACCEPTED = "referral.accepted"
REFERRAL_DECLINED = "referral.declined"
REFERRAL_OVERDUE_SENT = "referral.overdue_sent"
REFERRAL_OVERDUE_RECEIVED = "referral.overdue_received"
REFERRAL_REVOKED = "referral.revoked"
REFERRAL_CONSENT_WITHDRAWN = "referral.consent_withdrawn"
APPROVAL_REQUESTED = "approval.requested"
APPROVAL_APPROVED = "approval.approved"
APPROVAL_RETURNED = "approval.returned"
TASK_ASSIGNED = "task.assigned"
TASK_OVERDUE = "task.overdue"
CONSENT_WITHDRAWN = "consent.withdrawn"

KINDS: dict[str, Kind] = {
    REFERRAL_RECEIVED: Kind(
        _("A referral from %(sender)s is waiting for an answer."),
        _("A referral is waiting for an answer."),
    ),
    REFERRAL_ACCEPTED: Kind(
        _("%(recipient)s accepted the referral for case %(case)s."),
        _("A referral you sent was accepted."),
    ),
    REFERRAL_DECLINED: Kind(
        _("%(recipient)s declined the referral for case %(case)s."),
        _("A referral you sent was declined."),
    ),
    REFERRAL_OVERDUE_SENT: Kind(
        _("%(recipient)s has not answered the referral for case %(case)s in time."),
        _("A referral you sent has not been answered in time."),
    ),
    REFERRAL_OVERDUE_RECEIVED: Kind(
        _("The referral from %(sender)s is overdue for an answer."),
        _("A referral is overdue for an answer."),
    ),
    REFERRAL_REVOKED: Kind(
        _("%(sender)s withdrew a referral: consent was withdrawn."),
        _("A referral was withdrawn."),
    ),
    REFERRAL_CONSENT_WITHDRAWN: Kind(
        _("Consent was withdrawn for a referral from %(sender)s that your agency accepted."),
        _("Consent was withdrawn for a referral your agency accepted."),
    ),
    APPROVAL_REQUESTED: Kind(
        _("A form of case %(case)s is waiting for your approval."),
        _("A form is waiting for your approval."),
    ),
    APPROVAL_APPROVED: Kind(
        _("Your form on case %(case)s was approved."),
        _("A form you submitted was approved."),
    ),
    APPROVAL_RETURNED: Kind(
        _("Your form on case %(case)s was returned with a note."),
        _("A form you submitted was returned with a note."),
    ),
    TASK_ASSIGNED: Kind(
        _("A new task on case %(case)s is yours."),
        _("A new task was assigned to you."),
    ),
    TASK_OVERDUE: Kind(
        _("A task on case %(case)s is overdue."),
        _("A task assigned to you is overdue."),
    ),
    CONSENT_WITHDRAWN: Kind(
        _("Consent was withdrawn on case %(case)s."),
        _("Consent was withdrawn on a case you follow."),
    ),
}

FALLBACK_PARAM = "—"


def clean_params(params: dict[str, Any]) -> dict[str, str]:
    """Keep only the parameters sentences use, as strings."""
    return {key: str(value) for key, value in params.items() if key in ALLOWED_PARAMS}


def shown_text(kind: str, params: dict[str, Any]) -> str:
    """The in-app sentence, in the active language."""
    found = KINDS.get(kind)
    if found is None:
        return str(_("Something needs your attention."))
    values = {key: FALLBACK_PARAM for key in ALLOWED_PARAMS} | clean_params(params)
    return str(found.shown) % values


def emailed_text(kind: str) -> str:
    """The neutral e-mail sentence, in the active language."""
    found = KINDS.get(kind)
    return str(found.emailed if found else _("Something needs your attention."))

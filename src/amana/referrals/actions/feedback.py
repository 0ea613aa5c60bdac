"""Service feedback (rules.md R4.4): what the receiving service provided, told back to the
referring agency only with the consent on record — a disclosure from the recipient to the
sender, decided by the engine like any other. Allowed: stored on the referral (encrypted) for
the sender to read. Denied: only the ledger entry remains.

Process feedback (pending / accepted / rejected) needs no consent and flows on its own
(`respond._record_process_feedback`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry
from amana.audit.models import Outcome
from amana.referrals.models import Referral
from amana.referrals.policy import can_answer_referral
from amana.referrals.vocabulary import SERVICE_STATUSES
from amana.sharing import disclosure
from amana.sharing.disclosure import Disclosure, Intent

SUMMARY_MAX = 2000
ELEMENT_OF = {
    "status": "service_status",
    "date": "service_date",
    "outcome_summary": "outcome_summary",
}


@dataclass
class FeedbackResult:
    disclosure: Disclosure
    stored: bool

    @property
    def decision(self) -> dict[str, Any]:
        return self.disclosure.explained


def _check(referral: Referral, status: str, date: object, outcome_summary: str) -> dt.date:
    if referral.status != Referral.Status.ACCEPTED:
        raise ActionError("status", _("Service feedback follows an accepted referral only."))
    if status not in SERVICE_STATUSES:
        raise ActionError("service_status", _("Choose what became of the service from the list."))
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise ActionError("date", _("Give the date of the service."))
    if date > timezone.localdate():
        raise ActionError("date", _("The date cannot be in the future."))
    if date < timezone.localtime(referral.sent_at).date():
        raise ActionError("date", _("The date cannot be before the referral was sent."))
    if not isinstance(outcome_summary, str) or len(outcome_summary) > SUMMARY_MAX:
        raise ActionError("outcome_summary", _("Keep the outcome under 2000 characters."))
    return date


@transaction.atomic(durable=True)
def do_send_service_feedback(
    *,
    referral: Referral,
    status: str,
    date: dt.date,
    outcome_summary: str,
    origin: str = "",
    actor: User,
) -> FeedbackResult:
    """The recipient agency tells the referring agency what was provided, if the engine allows."""
    if not can_answer_referral(actor, referral):
        raise NotAllowed(Perm.REFERRAL_RECEIVE.value)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    day = _check(referral, status, date, outcome_summary)
    given = {"status": status, "date": day.isoformat(), "outcome_summary": outcome_summary.strip()}
    elements = [ELEMENT_OF[key] for key, value in given.items() if value]
    intent = Intent(
        recipient=referral.sender.slug,
        purpose="feedback_service",
        legal_basis="consent",
        elements=tuple(elements),
        service=referral.service or None,
    )
    decided = disclosure.decide(referral.case, intent, sender=referral.recipient.slug)
    entry = disclosure.record(decided, actor=actor)
    stored = decided.allowed
    if stored:
        shared = set(decided.shared)
        kept = {key: value for key, value in given.items() if ELEMENT_OF[key] in shared}
        referral.service_feedback = json.dumps(kept)
        referral.service_feedback_at = timezone.now()
        referral.save(update_fields=["service_feedback", "service_feedback_at"])
    write_entry(
        actor=actor,
        action="referral.service_feedback",
        object_type="referral",
        object_id=referral.pk,
        outcome=Outcome.OK if stored else Outcome.DENIED,
        origin=origin,
        details={"to": referral.sender.slug, "ledger": str(entry.pk)},
    )
    return FeedbackResult(disclosure=decided, stored=stored)

"""Service feedback (rules.md R4.4): what the receiving service provided, told back to the
referring agency only with the consent on record — a disclosure from the recipient to the
sender, decided by the engine like any other. Allowed: stored on the referral (encrypted) for
the sender to read. Denied: only the ledger entry remains.

Process feedback (pending / accepted / rejected) needs no consent and flows on its own
(`actions._record_process_feedback`).
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
from amana.protocol import evaluate
from amana.protocol.loading import parse_request
from amana.protocols.access import engine_protocol
from amana.protocols.choice import protocol_in_force
from amana.referrals.models import Referral
from amana.referrals.vocabulary import SERVICE_STATUSES
from amana.sharing.facts import request_from_case
from amana.sharing.ledger import record_disclosure

SUMMARY_MAX = 2000
ELEMENT_OF = {
    "status": "service_status",
    "date": "service_date",
    "outcome_summary": "outcome_summary",
}


@dataclass
class FeedbackResult:
    decision: dict[str, Any]
    stored: bool


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


def _decide(referral: Referral, elements: list[str]) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The engine's decision on telling the sender; consents come from the case's records."""
    today = timezone.localdate()
    request = request_from_case(
        referral.case,
        recipient=referral.sender.slug,
        purpose="feedback_service",
        service=referral.service or None,
        legal_basis="consent",
        elements=elements,
        at=today,
    ) | {"from": referral.recipient.slug}
    version = protocol_in_force(referral.recipient.slug, today, referral.sender.slug)
    if version is None:
        from amana.sharing.actions import unknown_protocol_decision

        return request, unknown_protocol_decision("none", "en"), "none"
    decision = evaluate(engine_protocol(version), parse_request(request)).to_dict()
    return request, decision, version.reference


@transaction.atomic
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
    if not actor.has_permission(Perm.REFERRAL_RECEIVE) or actor.agency_id != referral.recipient_id:
        raise NotAllowed(Perm.REFERRAL_RECEIVE.value)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    day = _check(referral, status, date, outcome_summary)
    given = {"status": status, "date": day.isoformat(), "outcome_summary": outcome_summary.strip()}
    elements = [ELEMENT_OF[key] for key, value in given.items() if value]
    request, decision, protocol = _decide(referral, elements)
    entry = record_disclosure(
        case=referral.case, request=request, decision=decision, protocol=protocol, actor=actor
    )
    stored = decision["decision"] == "allow"
    if stored:
        shared = set(decision["share"])
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
    return FeedbackResult(decision=decision, stored=stored)

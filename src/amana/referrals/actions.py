"""The only write path for referrals. No byte of a child's data leaves its agency without a
protocol decision; every attempt — sent or refused — is in the sharing ledger."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.models import Agency, User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry
from amana.audit.models import Outcome
from amana.cases.access import can_see
from amana.cases.models import Case
from amana.protocol import evaluate
from amana.protocol.loading import parse_request
from amana.protocols.access import engine_protocol
from amana.protocols.models import ProtocolVersion
from amana.referrals.elements import known_elements, packet_values
from amana.referrals.models import Referral
from amana.sharing.facts import request_from_case
from amana.sharing.ledger import record_disclosure


@dataclass
class ReferralInput:
    recipient: str
    service: str
    legal_basis: str
    elements: list[str]
    written: dict[str, str]
    label: str = ""
    contact_method: str = ""


@dataclass
class SendResult:
    decision: dict[str, Any]
    referral: Referral | None


def protocol_for(agency: Agency) -> ProtocolVersion | None:
    """The newest stored protocol that lists the agency as a participant."""
    for version in ProtocolVersion.objects.order_by("-loaded_at", "-version"):
        ids = {p.get("id") for p in version.document.get("participants", [])}
        if agency.slug in ids:
            return version
    return None


def _check_input(data: ReferralInput) -> Agency:
    unknown = sorted(set(data.elements) - known_elements())
    if unknown:
        raise ActionError("elements", _("Unknown data element: %(name)s") % {"name": unknown[0]})
    if not data.elements:
        raise ActionError("elements", _("Choose what to send."))
    recipient = Agency.objects.filter(slug=data.recipient).first()
    if recipient is None:
        raise ActionError("recipient", _("Unknown agency."))
    return recipient


def decide_referral(case: Case, data: ReferralInput, at: date) -> tuple[dict[str, Any], str]:
    """The engine's decision on this referral, from the case's stored facts (no side effects)."""
    version = protocol_for(case.agency)
    request = request_from_case(
        case,
        recipient=data.recipient,
        purpose="referral_immediate",
        service=data.service,
        legal_basis=data.legal_basis,
        elements=data.elements,
        at=at,
        label=data.label or None,
        contact_method=data.contact_method or None,
    )
    if version is None:
        from amana.sharing.actions import unknown_protocol_decision

        return unknown_protocol_decision("none", "en") | {"request": request}, "none"
    decision = evaluate(engine_protocol(version), parse_request(request)).to_dict()
    return decision | {"request": request}, version.reference


@transaction.atomic
def do_send_referral(
    *, case: Case, data: ReferralInput, origin: str = "", actor: User
) -> SendResult:
    """Decide, then either freeze the allowed elements into a packet or record the refusal."""
    if not actor.has_permission(Perm.REFERRAL_SEND) or not can_see(actor, case):
        raise NotAllowed(Perm.REFERRAL_SEND.value)
    recipient = _check_input(data)
    decision, protocol = decide_referral(case, data, timezone.localdate())
    request = decision.pop("request")
    entry = record_disclosure(
        case=case, request=request, decision=decision, protocol=protocol, actor=actor
    )
    referral = None
    if decision["decision"] == "allow":
        referral = Referral.objects.create(
            case=case,
            sender=case.agency,
            recipient=recipient,
            service=data.service,
            legal_basis=data.legal_basis,
            label=decision.get("label") or "",
            contact_method=data.contact_method,
            packet=json.dumps(packet_values(case, decision["share"], data.written), default=str),
            shared_elements=decision["share"],
            ledger=entry,
            sent_by=actor,
        )
    write_entry(
        actor=actor,
        action="referral.send",
        object_type="case",
        object_id=case.pk,
        outcome=Outcome.OK if referral else Outcome.DENIED,
        origin=origin,
        details={"to": data.recipient, "service": data.service, "ledger": str(entry.pk)},
    )
    return SendResult(decision=decision, referral=referral)


@transaction.atomic
def do_respond_referral(
    *, referral: Referral, accept: bool, reason: str = "", origin: str = "", actor: User
) -> Referral:
    """The recipient accepts or rejects; the sender sees the status (process feedback)."""
    if not actor.has_permission(Perm.REFERRAL_RECEIVE) or actor.agency_id != referral.recipient_id:
        raise NotAllowed(Perm.REFERRAL_RECEIVE.value)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != Referral.Status.PENDING:
        raise ActionError("status", _("This referral was already answered."))
    if not accept and not reason.strip():
        raise ActionError("reason", _("Say why the referral is rejected."))
    referral.status = Referral.Status.ACCEPTED if accept else Referral.Status.REJECTED
    referral.responded_by, referral.responded_at = actor, timezone.now()
    referral.response_reason = reason.strip()[:300]
    referral.save()
    _record_process_feedback(referral, actor)
    write_entry(
        actor=actor,
        action="referral.accept" if accept else "referral.reject",
        object_type="referral",
        object_id=referral.pk,
        origin=origin,
    )
    return referral


def _record_process_feedback(referral: Referral, actor: User) -> None:
    """The answer travels back to the referring agency as process feedback, on the ledger."""
    case = referral.case
    request = request_from_case(
        case,
        recipient=referral.sender.slug,
        purpose="feedback_process",
        service=None,
        legal_basis="consent",
        elements=["referral_status", "status_date"],
        at=timezone.localdate(),
    ) | {"from": referral.recipient.slug, "consents": []}
    version = protocol_for(referral.recipient)
    if version is None:
        return
    decision = evaluate(engine_protocol(version), parse_request(request)).to_dict()
    record_disclosure(
        case=case, request=request, decision=decision, protocol=version.reference, actor=actor
    )

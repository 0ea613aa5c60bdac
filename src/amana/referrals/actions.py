"""The only write path for referrals. No byte of a child's data leaves its agency without a
protocol decision; every attempt — sent or refused — is in the sharing ledger."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
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
from amana.protocols.choice import protocol_in_force
from amana.protocols.models import ProtocolVersion
from amana.referrals.elements import known_elements, packet_values
from amana.referrals.models import RecipientNotice, Referral
from amana.referrals.received import check_can_receive, receive_transfer
from amana.referrals.vocabulary import CLOSED_CASE_PURPOSES, CONTACT_METHODS, TRANSFER
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
    purpose: str = Referral.Purpose.REFERRAL_IMMEDIATE.value


@dataclass
class SendResult:
    decision: dict[str, Any]
    referral: Referral | None


def protocol_for(
    agency: Agency, *, on: date | None = None, recipient: str | None = None
) -> ProtocolVersion | None:
    """The protocol the agency shares under on `on` (today by default), with `recipient` when
    given: the one in force, else a running interim draft, else the newest listing them."""
    return protocol_in_force(agency.slug, on or timezone.localdate(), recipient)


def _check_input(data: ReferralInput) -> Agency:
    if data.purpose not in Referral.Purpose.values:
        raise ActionError("purpose", _("Choose a purpose from the list."))
    unknown = sorted(set(data.elements) - known_elements())
    if unknown:
        raise ActionError("elements", _("Unknown data element: %(name)s") % {"name": unknown[0]})
    if not data.elements:
        raise ActionError("elements", _("Choose what to send."))
    if data.purpose == TRANSFER and "full_name" not in data.elements:
        raise ActionError("elements", _("A transfer must include the child's name."))
    if data.contact_method and data.contact_method not in CONTACT_METHODS:
        raise ActionError(
            "contact_method",
            _("Choose how the service will contact the child or family from the list."),
        )
    recipient = Agency.objects.filter(slug=data.recipient).first()
    if recipient is None:
        raise ActionError("recipient", _("Unknown agency."))
    return recipient


def check_referral(case: Case, data: ReferralInput) -> Agency:
    """The checks sending makes before asking the engine, so a preview fails as sending would:
    the input, the recipient, and what the case's status allows. Returns the recipient."""
    recipient = _check_input(data)
    if data.purpose == TRANSFER and recipient.pk == case.agency_id:
        raise ActionError("recipient", _("Choose another agency."))
    _check_case(case, data)
    return recipient


def _check_case(case: Case, data: ReferralInput) -> None:
    """What the case's status allows: transferred cases send nothing more; closed-case
    purposes need a closed case; a transfer needs an open case and no other transfer waiting.
    The status is read afresh (and locked for a transfer): the case may have moved on since."""
    rows = Case.objects.filter(pk=case.pk)
    if data.purpose == TRANSFER and transaction.get_connection().in_atomic_block:
        rows = rows.select_for_update()
    status = rows.values_list("status", flat=True).get()
    if status == Case.Status.TRANSFERRED:
        raise ActionError("case", _("This case was transferred to another agency."))
    if data.purpose in CLOSED_CASE_PURPOSES and status != Case.Status.CLOSED:
        raise ActionError("purpose", _("Only a closed case can be shared for this purpose."))
    if data.purpose != TRANSFER:
        return
    if status != Case.Status.OPEN:
        raise ActionError("case", _("Only an open case can be transferred."))
    waiting = Referral.objects.filter(
        case=case, purpose=TRANSFER, status=Referral.Status.PENDING
    ).exists()
    if waiting:
        raise ActionError("case", _("This case already has a transfer waiting for an answer."))


def engine_language() -> str:
    """The active interface language as one the engine explains in (en, fr, ar)."""
    code = (get_language() or "en").split("-")[0]
    return code if code in {"en", "fr", "ar"} else "en"


def decide_referral(case: Case, data: ReferralInput, at: date) -> tuple[dict[str, Any], str]:
    """The engine's decision on this referral, from the case's stored facts (no side effects),
    explained in the language of the page (English, French or Arabic). The send-time checks
    run first (`check_referral`): a preview refuses what sending would refuse."""
    check_referral(case, data)
    return _decide(case, data, at)


def _decide(case: Case, data: ReferralInput, at: date) -> tuple[dict[str, Any], str]:
    language = engine_language()
    request = request_from_case(
        case,
        recipient=data.recipient,
        purpose=data.purpose,
        service=data.service or None,
        legal_basis=data.legal_basis,
        elements=data.elements,
        at=at,
        label=data.label or None,
        contact_method=data.contact_method or None,
    )
    version = protocol_in_force(case.agency.slug, at, data.recipient)
    if version is None:
        from amana.sharing.actions import unknown_protocol_decision

        return unknown_protocol_decision("none", language) | {"request": request}, "none"
    decision = evaluate(engine_protocol(version), parse_request(request)).to_dict(language)
    return decision | {"request": request}, version.reference


@transaction.atomic
def do_send_referral(
    *, case: Case, data: ReferralInput, origin: str = "", actor: User
) -> SendResult:
    """Decide, then either freeze the allowed elements into a packet or record the refusal."""
    if not actor.has_permission(Perm.REFERRAL_SEND) or not can_see(actor, case):
        raise NotAllowed(Perm.REFERRAL_SEND.value)
    recipient = check_referral(case, data)
    decision, protocol = _decide(case, data, timezone.localdate())
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
            purpose=data.purpose,
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
        details={
            "to": data.recipient,
            "purpose": data.purpose,
            "service": data.service,
            "ledger": str(entry.pk),
        },
    )
    return SendResult(decision=decision, referral=referral)


@transaction.atomic
def do_respond_referral(
    *, referral: Referral, accept: bool, reason: str = "", origin: str = "", actor: User
) -> Referral:
    """The recipient accepts or rejects; the sender sees the status (process feedback).

    Accepting a transfer also opens the recipient's own case from the packet, assigned to the
    actor, and closes the sender's case as transferred — in this same transaction.
    """
    if not actor.has_permission(Perm.REFERRAL_RECEIVE) or actor.agency_id != referral.recipient_id:
        raise NotAllowed(Perm.REFERRAL_RECEIVE.value)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != Referral.Status.PENDING:
        raise ActionError("status", _("This referral was already answered."))
    if not accept and not reason.strip():
        raise ActionError("reason", _("Say why the referral is rejected."))
    transfer = accept and referral.purpose == TRANSFER
    if transfer:
        check_can_receive(referral, actor)
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
        details={"purpose": referral.purpose},
    )
    if transfer:
        receive_transfer(referral, actor=actor, origin=origin)
    return referral


@transaction.atomic
def do_mark_notice_read(*, notice: RecipientNotice, origin: str = "", actor: User) -> None:
    """A user of the recipient agency has read a notice (consent withdrawn …)."""
    if not actor.has_permission(Perm.REFERRAL_RECEIVE) or actor.agency_id != notice.recipient_id:
        raise NotAllowed(Perm.REFERRAL_RECEIVE.value)
    updated = RecipientNotice.objects.filter(pk=notice.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if updated:
        write_entry(
            actor=actor,
            action="referral.notice_read",
            object_type="referral",
            object_id=notice.referral_id,
            origin=origin,
            details={"notice": str(notice.pk), "kind": notice.kind},
        )


def _record_process_feedback(referral: Referral, actor: User) -> None:
    """The answer travels back to the referring agency as process feedback, on the ledger."""
    case, today = referral.case, timezone.localdate()
    request = request_from_case(
        case,
        recipient=referral.sender.slug,
        purpose="feedback_process",
        service=None,
        legal_basis="consent",
        elements=["referral_status", "status_date"],
        at=today,
    ) | {"from": referral.recipient.slug, "consents": []}
    version = protocol_in_force(referral.recipient.slug, today, referral.sender.slug)
    if version is None:
        return
    decision = evaluate(engine_protocol(version), parse_request(request)).to_dict()
    record_disclosure(
        case=case, request=request, decision=decision, protocol=version.reference, actor=actor
    )

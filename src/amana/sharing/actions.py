"""Asking the protocol engine, on the record, and recording the legitimate basis of exceptional
sharing. Each check and each record is audited without personal data."""

from __future__ import annotations

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
from amana.protocols.access import find_version
from amana.sharing import disclosure
from amana.sharing.models import ExceptionalCircumstance

TEXT_MAX = 4000


@transaction.atomic(durable=True)
def do_check_sharing(
    *, protocol_ref: str, request_data: Any, language: str, origin: str, actor: User
) -> dict[str, Any]:
    """Decide one proposed disclosure typed by a person or sent by a client, against a stored
    protocol, and audit the check (without personal data). Raises ContractError for a
    malformed request."""
    if not actor.has_permission(Perm.SHARING_CHECK):
        raise NotAllowed(Perm.SHARING_CHECK.value)
    version = find_version(actor, protocol_ref)
    request, decision = disclosure.check_request(version, protocol_ref, request_data, language)
    write_entry(
        actor=actor,
        action="sharing.check",
        object_type="protocol",
        object_id=decision["protocol"],
        outcome=Outcome.OK if decision["decision"] == "allow" else Outcome.DENIED,
        origin=origin,
        details={
            "from": request.sender,
            "to": request.recipient,
            "purpose": request.purpose,
            "service": request.service,
            "basis": request.legal_basis,
            "decision": decision["decision"],
            "codes": sorted({r["code"] for r in decision["reasons"]}),
            "share": decision["share"],
        },
    )
    return decision


def _text(value: object, field: str, missing: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ActionError(field, missing)
    if len(text) > TEXT_MAX:
        raise ActionError(field, _("Keep it under 4000 characters."))
    return text


@transaction.atomic(durable=True)
def do_record_exceptional_circumstance(
    *,
    case: Case,
    kind: str,
    description: str,
    risk_assessment: str,
    recipient: str,
    recipient_assessed_safe: bool,
    origin: str = "",
    actor: User,
) -> ExceptionalCircumstance:
    """Record an exceptional circumstance on a case, pending a supervisor's approval.

    Needs CONSENT_RECORD and that the actor works on the case. Nothing is shared on it until a
    supervisor approves it (`do_approve_exceptional_circumstance`).
    """
    if not actor.has_permission(Perm.CONSENT_RECORD) or not can_see(actor, case):
        raise NotAllowed(Perm.CONSENT_RECORD.value)
    if kind not in ExceptionalCircumstance.Kind.values:
        raise ActionError("kind", _("Choose the kind of circumstance."))
    clean_description = _text(
        description, "description", _("Describe the immediate danger or threat.")
    )
    clean_assessment = _text(
        risk_assessment,
        "risk_assessment",
        _("Record the benefit and risk assessment: sharing without it is not allowed."),
    )
    slug = recipient.strip() if isinstance(recipient, str) else ""
    if not slug or not Agency.objects.filter(slug=slug).exists():
        raise ActionError("recipient", _("Choose the recipient agency."))
    if slug == case.agency.slug:
        raise ActionError("recipient", _("Choose another agency: this is the case's own."))
    if not isinstance(recipient_assessed_safe, bool):
        raise ActionError("recipient_assessed_safe", _("Say whether the recipient is safe."))
    record = ExceptionalCircumstance.objects.create(
        case=case,
        kind=kind,
        description=clean_description,
        risk_assessment=clean_assessment,
        recipient=slug,
        recipient_assessed_safe=recipient_assessed_safe,
        requested_by=actor,
    )
    write_entry(
        actor=actor,
        action="exceptional.record",
        object_type="case",
        object_id=case.pk,
        origin=origin,
        details={
            "record": str(record.pk),
            "kind": kind,
            "recipient": slug,
            "recipient_assessed_safe": recipient_assessed_safe,
        },
    )
    return record


@transaction.atomic(durable=True)
def do_approve_exceptional_circumstance(
    *,
    record: ExceptionalCircumstance,
    approve: bool,
    note: str = "",
    origin: str = "",
    actor: User,
) -> ExceptionalCircumstance:
    """A supervisor approves or rejects a pending record (the consent override, server side).

    Needs CONSENT_OVERRIDE, the case's agency, that the actor works on the case, and that the
    actor did not record it. A rejection says why.
    """
    allowed = (
        actor.has_permission(Perm.CONSENT_OVERRIDE)
        and actor.is_active
        and actor.agency_id == record.case.agency_id
        and record.requested_by_id != actor.pk
        and can_see(actor, record.case)
    )
    if not allowed:
        raise NotAllowed(Perm.CONSENT_OVERRIDE.value)
    locked = ExceptionalCircumstance.objects.select_for_update().get(pk=record.pk)
    if locked.status != ExceptionalCircumstance.Status.PENDING:
        raise ActionError("status", _("This circumstance was already decided."))
    text = note.strip() if isinstance(note, str) else ""
    if not approve and not text:
        raise ActionError("note", _("Say why it is rejected."))
    if len(text) > TEXT_MAX:
        raise ActionError("note", _("Keep it under 4000 characters."))
    locked.status = (
        ExceptionalCircumstance.Status.APPROVED
        if approve
        else ExceptionalCircumstance.Status.REJECTED
    )
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = text
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    write_entry(
        actor=actor,
        action="exceptional.decide",
        object_type="exceptional",
        object_id=locked.pk,
        origin=origin,
        details={
            "case": str(locked.case_id),
            "status": locked.status,
            "kind": locked.kind,
            "recipient": locked.recipient,
        },
    )
    return locked

"""Sending a referral (immediate, future services, closed case, transfer): checked, decided
on the one disclosure path (`sharing.disclosure`), then either frozen into a packet or
refused — every attempt is in the sharing ledger."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.models import Agency, User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry
from amana.audit.models import Outcome
from amana.cases.models import Case
from amana.referrals.elements import known_elements, packet_values
from amana.referrals.models import Referral
from amana.referrals.notices import referral_received
from amana.referrals.policy import can_send_referral
from amana.referrals.vocabulary import (
    CLOSED_CASE_PURPOSES,
    CONTACT_METHODS,
    CONTACT_NEEDS,
    TRANSFER,
)
from amana.sharing import disclosure
from amana.sharing.disclosure import Disclosure, Intent


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

    def intent(self) -> Intent:
        """What the disclosure path decides on (the written texts stay here). The element the
        contact method needs (the caregiver's contact, "through the caregiver") is asked for
        too: the engine sends it only if the protocol agrees it."""
        needed = CONTACT_NEEDS.get(self.contact_method)
        elements = [*self.elements, needed] if needed and needed not in self.elements else []
        return Intent(
            recipient=self.recipient,
            purpose=self.purpose,
            legal_basis=self.legal_basis,
            elements=tuple(elements or self.elements),
            service=self.service or None,
            label=self.label or None,
            contact_method=self.contact_method or None,
        )


@dataclass
class SendResult:
    disclosure: Disclosure
    referral: Referral | None

    @property
    def decision(self) -> dict[str, Any]:
        """The decision as the page and the API show it."""
        return self.disclosure.explained


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


def decide_referral(case: Case, data: ReferralInput, at: date | None = None) -> Disclosure:
    """The engine's decision on this referral, from the case's stored facts (no side effects),
    explained in the language of the page. The send-time checks run first (`check_referral`):
    a preview refuses what sending would refuse."""
    check_referral(case, data)
    return disclosure.decide(case, data.intent(), at=at)


@transaction.atomic(durable=True)
def do_send_referral(
    *, case: Case, data: ReferralInput, origin: str = "", actor: User
) -> SendResult:
    """Decide, then either freeze the allowed elements into a packet or record the refusal."""
    if not can_send_referral(actor, case):
        raise NotAllowed(Perm.REFERRAL_SEND.value)
    recipient = check_referral(case, data)
    decided = disclosure.decide(case, data.intent())
    entry = disclosure.record(decided, actor=actor)
    referral = None
    if decided.allowed:
        referral = Referral.objects.create(
            case=case,
            sender=case.agency,
            recipient=recipient,
            purpose=data.purpose,
            service=data.service,
            legal_basis=data.legal_basis,
            label=decided.decision.label or "",
            contact_method=data.contact_method,
            packet=json.dumps(packet_values(case, decided.shared, data.written), default=str),
            shared_elements=decided.shared,
            ledger=entry,
            sent_by=actor,
        )
        # The recipient agency's receivers are notified (and e-mailed, once this commits).
        referral_received(referral, actor=actor)
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
    return SendResult(disclosure=decided, referral=referral)

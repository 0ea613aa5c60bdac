"""The receiving side of a transfer: a new case at the recipient agency, built from the packet.

Called by `respond.do_respond_referral` inside its transaction when a transfer is accepted. The
new case is registered through the cases app's own write path, as the step `register_case`
(assigned to the accepting user); the sender's case is closed as transferred (the step
`close_transferred`). Consent is not carried over: the consent records
stay with the sender's case, so the new case shows consent re-verification due
(`consent.access.reverification_due`).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry
from amana.cases.actions import (
    CONCERNS,
    CaseInput,
    ChildInput,
    PersonInput,
    close_transferred,
    register_case,
)
from amana.cases.models import Case, Child, RelatedPerson
from amana.refdata.models import Location, Lookup
from amana.referrals.models import Referral
from amana.referrals.policy import can_open_transferred_case


def check_can_receive(referral: Referral, actor: User) -> None:
    """Before anything changes: the actor may open cases and the sender's case is still open."""
    if not can_open_transferred_case(actor):
        raise NotAllowed(Perm.CASE_CREATE.value)
    if referral.case.status != Case.Status.OPEN:
        raise ActionError("case", _("The sending agency's case is no longer open."))
    if not _values(referral).get("full_name"):
        raise ActionError("packet", _("The packet has no name: a case cannot be opened from it."))


def receive_transfer(
    referral: Referral, *, actor: User, assignee: User | None = None, origin: str = ""
) -> Case:
    """Open the recipient's case from the packet; close the sender's as transferred."""
    values = _values(referral)
    summary = values.get("case_summary") or {}
    new_case = register_case(
        child=packet_child(values),
        people=packet_people(values.get("related_people")),
        case=packet_case(values, summary),
        assignee=assignee,
        origin=origin,
        actor=actor,
    )
    referral.received_case = new_case
    referral.save(update_fields=["received_case"])
    new_case.received_at = timezone.now()
    new_case.save(update_fields=["received_at"])
    old_case = Case.objects.select_for_update().get(pk=referral.case_id)
    close_transferred(old_case)
    details = {"referral": str(referral.pk), "from": referral.sender.slug}
    write_entry(
        actor=actor,
        action="case.transfer_in",
        object_type="case",
        object_id=new_case.pk,
        origin=origin,
        details=details | {"from_case": old_case.case_number},
    )
    write_entry(
        actor=actor,
        action="case.transfer_out",
        object_type="case",
        object_id=old_case.pk,
        origin=origin,
        details={"referral": str(referral.pk), "to": referral.recipient.slug},
    )
    return new_case


def _values(referral: Referral) -> dict[str, Any]:
    values: dict[str, Any] = json.loads(referral.packet or "{}")
    return values


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _birth_date(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def packet_child(values: dict[str, Any]) -> ChildInput:
    sex = values.get("sex")
    return ChildInput(
        full_name=_text(values.get("full_name")),
        sex=sex if sex in Child.Sex.values else Child.Sex.UNKNOWN,
        date_of_birth=_birth_date(values.get("date_of_birth")),
        individual_id=_text(values.get("individual_id")),
        contact_phone=_text(values.get("contact_phone")),
    )


def packet_people(people: object) -> list[PersonInput]:
    if not isinstance(people, list):
        return []
    found: list[PersonInput] = []
    for person in people:
        if not isinstance(person, dict) or not _text(person.get("full_name")):
            continue
        relationship = person.get("relationship")
        found.append(
            PersonInput(
                relationship=relationship
                if relationship in RelatedPerson.Relationship.values
                else RelatedPerson.Relationship.OTHER,
                full_name=_text(person.get("full_name")),
                contact_phone=_text(person.get("contact_phone")),
                is_caregiver=bool(person.get("is_caregiver")),
                lives_with_child=bool(person.get("lives_with_child", True)),
            )
        )
    return found


def packet_case(values: dict[str, Any], summary: dict[str, Any]) -> CaseInput:
    """The case's facts as far as the packet tells them. An unknown risk level starts high:
    the receiving agency assesses the child again, and sooner is safer."""
    codes = values.get("concerns") or values.get("specific_needs_codes") or []
    known = Lookup.objects.filter(kind=CONCERNS, active=True, code__in=list(codes))
    risk = summary.get("risk_level")
    care = values.get("care_arrangement") or summary.get("care_arrangement") or ""
    location = summary.get("location") or ""
    return CaseInput(
        risk_level=risk if risk in Case.Risk.values else Case.Risk.HIGH,
        concerns=sorted(known.values_list("code", flat=True)),
        care_arrangement=care if care in Case.CareArrangement.values else "",
        location=location if Location.objects.filter(code=location).exists() else "",
    )

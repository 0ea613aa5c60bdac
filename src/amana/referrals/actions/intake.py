"""The receiving side of an accepted referral: a case at the recipient agency to work it from.

Called by `respond.do_respond_referral` inside its transaction when a referral (not a transfer:
`received.py`) is accepted. Either a new case is registered from the packet through the cases
app's own write path (`register_case`: encrypted like any case, assigned to the accepting user
or to the caseworker they chose), or — when the duplicate check finds the child already known
to the agency and the user picks that case — the referral is linked to it. Nothing of the
sender's case is read: only the packet, which holds what the disclosure allowed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry
from amana.cases.actions import register_case
from amana.cases.duplicates import DuplicateCandidate, possible_duplicates
from amana.cases.models import Case
from amana.referrals.actions.received import packet_case, packet_child, packet_people
from amana.referrals.models import Referral
from amana.referrals.policy import can_open_transferred_case

NEW_CASE = "new"
# The purposes a recipient works a case for. A closed case shared for access or archiving is
# kept as its packet: accepting it opens nothing.
INTAKE_PURPOSES = frozenset({Referral.Purpose.REFERRAL_IMMEDIATE, Referral.Purpose.REFERRAL_FUTURE})


@dataclass(frozen=True)
class Intake:
    """What the accepting user chose: `case` is NEW_CASE or the id of one of the agency's
    cases the duplicate check offered; `assignee` works the new case (default: the actor)."""

    case: str = NEW_CASE
    assignee: User | None = None


def packet_values(referral: Referral) -> dict[str, Any]:
    values: dict[str, Any] = json.loads(referral.packet or "{}")
    return values


def packet_duplicates(values: dict[str, Any], actor: User) -> list[DuplicateCandidate]:
    """The actor's agency's children who may be the child of the packet (its `values`), best
    match first: the registration duplicate check, on the packet's name, birth year and
    caregivers."""
    child = packet_child(values)
    if not child.full_name:
        return []
    year = child.date_of_birth.year if child.date_of_birth else None
    people = packet_people(values.get("related_people") or values.get("caregiver_contact"))
    carers = [p.full_name for p in people if p.is_caregiver]
    found = possible_duplicates(
        agency=actor.agency, full_name=child.full_name, birth_year=year, caregiver_names=carers
    )
    return [candidate for candidate in found if candidate.case_id is not None]


def check_intake(referral: Referral, actor: User, intake: Intake) -> Case | None:
    """Before anything changes. Returns the existing case to link to, or None for a new one
    (or none at all: a purpose no case is worked for, or a packet without the child's name).
    The chosen caseworker is checked for a transfer too, which opens its case itself."""
    assignee = intake.assignee
    if assignee is not None and not _may_work(assignee, actor):
        raise ActionError("assignee", _("Choose an active caseworker of your agency."))
    if referral.purpose not in INTAKE_PURPOSES:
        return None
    if intake.case != NEW_CASE:
        offered = {str(c.case_id) for c in packet_duplicates(packet_values(referral), actor)}
        if intake.case not in offered:
            raise ActionError("case", _("Choose one of the cases the duplicate check found."))
        return Case.objects.get(pk=intake.case, agency_id=actor.agency_id)
    if not packet_child(packet_values(referral)).full_name:
        return None
    if not can_open_transferred_case(actor):
        raise NotAllowed(Perm.CASE_CREATE.value)
    return None


def _may_work(user: User, actor: User) -> bool:
    return (
        user.is_active
        and user.agency_id == actor.agency_id
        and user.has_permission(Perm.CASE_VIEW)
        and user.has_permission(Perm.CASE_EDIT)
    )


def take_in(
    referral: Referral, *, intake: Intake, link: Case | None, actor: User, origin: str = ""
) -> Case | None:
    """Link the referral to `link`, or open the recipient's case from the packet."""
    if link is not None:
        referral.received_case = link
        referral.save(update_fields=["received_case"])
        _audit(referral, link, "case.referral_linked", actor, origin)
        return link
    values = packet_values(referral)
    child = packet_child(values)
    if referral.purpose not in INTAKE_PURPOSES or not child.full_name:
        return None
    new_case = register_case(
        child=child,
        people=packet_people(values.get("related_people") or values.get("caregiver_contact")),
        case=packet_case(values, values.get("case_summary") or {}),
        assignee=intake.assignee,
        origin=origin,
        actor=actor,
    )
    new_case.received_at = timezone.now()
    new_case.save(update_fields=["received_at"])
    referral.received_case = new_case
    referral.save(update_fields=["received_case"])
    _audit(referral, new_case, "case.referral_in", actor, origin)
    return new_case


def _audit(referral: Referral, case: Case, action: str, actor: User, origin: str) -> None:
    write_entry(
        actor=actor,
        action=action,
        object_type="case",
        object_id=case.pk,
        origin=origin,
        details={"referral": str(referral.pk), "from": referral.sender.slug},
    )

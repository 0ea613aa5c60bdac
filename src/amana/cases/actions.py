"""The only write path for cases. Each action asks its predicate of `policy.py` (the one the
case pages ask too), runs in one transaction and writes its audit entry in that transaction.
Personal data never goes into the audit details.

The forms of a case are saved, submitted and decided by `amana.caseforms.actions`, which moves
the case on through `lifecycle`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from amana.accounts.models import Agency, User
from amana.accounts.roles import Perm, Role
from amana.audit.log import write_entry
from amana.audit.models import AuditEntry
from amana.cases import policy
from amana.cases.deadlines import due_after
from amana.cases.errors import ActionError, EditConflict, NotAllowed
from amana.cases.models import (
    Case,
    CaseAssignment,
    CaseNumberCounter,
    Child,
    NameToken,
    RelatedPerson,
    Task,
)
from amana.cases.names import caregiver_token, name_tokens
from amana.crypto.keys import index_for
from amana.refdata.models import Location, Lookup

CONCERNS = "protection_concerns"
EDITABLE_FIELDS = ("risk_level", "care_arrangement", "location", "is_refugee", "concerns")


@dataclass
class ChildInput:
    full_name: str
    sex: str = Child.Sex.UNKNOWN
    date_of_birth: date | None = None
    other_names: str = ""
    nationality: str = ""
    individual_id: str = ""
    contact_phone: str = ""
    address: str = ""
    birth_year: int | None = None  # an estimate, when the date of birth is not known


@dataclass
class PersonInput:
    relationship: str
    full_name: str
    contact_phone: str = ""
    is_caregiver: bool = False
    lives_with_child: bool = True


@dataclass
class CaseInput:
    risk_level: str
    concerns: list[str] = field(default_factory=list)
    care_arrangement: str = ""
    location: str = ""
    is_refugee: bool = False


def refuse_unless(allowed: bool, perm: Perm) -> None:
    """Refuse unless the policy predicate (`amana.cases.policy`) allowed the action."""
    if not allowed:
        raise NotAllowed(perm.value)


def _check_child(child: ChildInput) -> None:
    if not child.full_name.strip():
        raise ActionError("full_name", _("Enter the child's name."))
    if child.sex not in Child.Sex.values:
        raise ActionError("sex", _("Choose one of the listed values."))
    if child.date_of_birth and child.date_of_birth > timezone.localdate():
        raise ActionError("date_of_birth", _("The date of birth cannot be in the future."))
    this_year = timezone.localdate().year
    if child.birth_year is not None and not this_year - 25 <= child.birth_year <= this_year:
        raise ActionError("birth_year", _("Give a year of birth within the last 25 years."))


def _check_case(data: CaseInput) -> tuple[list[Lookup], Location | None]:
    if data.risk_level not in Case.Risk.values:
        raise ActionError("risk_level", _("Choose high, medium or low."))
    if data.care_arrangement and data.care_arrangement not in Case.CareArrangement.values:
        raise ActionError("care_arrangement", _("Choose one of the listed values."))
    concerns = list(Lookup.objects.filter(kind=CONCERNS, code__in=data.concerns, active=True))
    if len(concerns) != len(set(data.concerns)):
        raise ActionError("concerns", _("Unknown protection concern."))
    location = None
    if data.location:
        location = Location.objects.filter(code=data.location).first()
        if location is None:
            raise ActionError("location", _("Unknown location."))
    return concerns, location


def _next_case_number(agency: Agency) -> str:
    year = timezone.localdate().year
    counter, _created = CaseNumberCounter.objects.select_for_update().get_or_create(
        agency=agency, year=year
    )
    counter.last = F("last") + 1
    counter.save(update_fields=["last"])
    counter.refresh_from_db(fields=["last"])
    prefix = agency.case_prefix or agency.slug.upper()
    return f"{prefix}-{year}-{counter.last:06d}"


def _store_child(agency: Agency, data: ChildInput) -> Child:
    child = Child(
        agency=agency,
        full_name=data.full_name.strip(),
        other_names=data.other_names.strip(),
        date_of_birth=data.date_of_birth.isoformat() if data.date_of_birth else "",
        birth_year=data.date_of_birth.year if data.date_of_birth else data.birth_year,
        sex=data.sex,
        nationality=data.nationality,
        individual_id=data.individual_id.strip(),
        individual_id_index=index_for("individual-id", data.individual_id)
        if data.individual_id.strip()
        else "",
        contact_phone=data.contact_phone.strip(),
        address=data.address.strip(),
    )
    child.save()
    tokens = set(name_tokens(data.full_name)) | set(name_tokens(data.other_names))
    NameToken.objects.bulk_create([NameToken(child=child, token=t) for t in sorted(tokens)])
    return child


def _store_people(child: Child, people: list[PersonInput]) -> None:
    for index, person in enumerate(people):
        if not person.full_name.strip():
            raise ActionError(f"people[{index}].full_name", _("Enter the person's name."))
        if person.relationship not in RelatedPerson.Relationship.values:
            raise ActionError(f"people[{index}].relationship", _("Choose a relationship."))
        RelatedPerson.objects.create(
            child=child,
            relationship=person.relationship,
            full_name=person.full_name.strip(),
            contact_phone=person.contact_phone.strip(),
            is_caregiver=person.is_caregiver,
            lives_with_child=person.lives_with_child,
            name_token=caregiver_token(person.full_name),
        )


def _supervisor_for(agency: Agency, supervisor: User | None) -> User | None:
    if supervisor is None:
        return None
    if supervisor.agency_id != agency.pk or Role.SUPERVISOR not in supervisor.roles:
        raise ActionError("supervisor", _("Choose a supervisor of your agency."))
    return supervisor


@transaction.atomic
def do_register_case(
    *,
    child: ChildInput,
    people: list[PersonInput],
    case: CaseInput,
    supervisor: User | None = None,
    dismissed_duplicates: list[str] | None = None,
    origin: str = "",
    actor: User,
) -> Case:
    """Register a child at risk: the child, the people around them, and an open case.

    `dismissed_duplicates`: case numbers the caseworker checked and found to be other children.
    """
    refuse_unless(policy.can_register_case(actor), Perm.CASE_CREATE)
    _check_child(child)
    concerns, location = _check_case(case)
    agency = actor.agency
    stored_child = _store_child(agency, child)
    _store_people(stored_child, people)
    now = timezone.now()
    record = Case.objects.create(
        case_number=_next_case_number(agency),
        agency=agency,
        child=stored_child,
        risk_level=case.risk_level,
        care_arrangement=case.care_arrangement,
        location=location,
        is_refugee=case.is_refugee,
        supervisor=_supervisor_for(agency, supervisor),
        registered_at=now,
        next_due_at=due_after(now, case.risk_level, "initial_assessment"),
    )
    record.concerns.set(concerns)
    CaseAssignment.objects.create(case=record, user=actor)
    _add_task(record, Task.Kind.INITIAL_ASSESSMENT, record.next_due_at, actor)
    write_entry(
        actor=actor,
        action="case.register",
        object_type="case",
        object_id=record.pk,
        origin=origin,
        details={
            "case_number": record.case_number,
            "risk_level": record.risk_level,
            "dismissed_duplicates": sorted(dismissed_duplicates or []),
        },
    )
    return record


def _add_task(case: Case, kind: str, due: Any, assignee: User | None) -> Task:
    return Task.objects.create(case=case, kind=kind, due_at=due, assigned_to=assignee)


def _last_change(case: Case) -> tuple[str, list[str], str]:
    entry = (
        AuditEntry.objects.filter(object_type="case", object_id=str(case.pk), action="case.update")
        .order_by("-id")
        .first()
    )
    if entry is None:
        return ("", [], "")
    return (entry.actor, list(entry.details.get("fields", [])), entry.at.isoformat())


@transaction.atomic
def do_update_case(
    *, case: Case, changes: dict[str, Any], expected_version: int, origin: str = "", actor: User
) -> Case:
    """Change the case's own facts. A save based on an old version is refused, never merged."""
    refuse_unless(policy.can_edit_case(actor, case), Perm.CASE_EDIT)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ActionError(unknown[0], _("This field cannot be changed here."))
    current = Case.objects.select_for_update().get(pk=case.pk)
    if current.version != expected_version:
        raise EditConflict(*_last_change(current))
    merged = CaseInput(
        risk_level=changes.get("risk_level", current.risk_level),
        concerns=changes.get("concerns", [c.code for c in current.concerns.all()]),
        care_arrangement=changes.get("care_arrangement", current.care_arrangement),
        location=changes.get("location", current.location.code if current.location else ""),
        is_refugee=changes.get("is_refugee", current.is_refugee),
    )
    concerns, location = _check_case(merged)
    current.risk_level = merged.risk_level
    current.care_arrangement = merged.care_arrangement
    current.location = location
    current.is_refugee = merged.is_refugee
    current.version += 1
    current.save()
    current.concerns.set(concerns)
    write_entry(
        actor=actor,
        action="case.update",
        object_type="case",
        object_id=current.pk,
        origin=origin,
        details={"fields": sorted(changes), "version": current.version},
    )
    return current


@transaction.atomic
def do_assign_case(
    *, case: Case, user: User, role: str = CaseAssignment.Role.CASEWORKER, actor: User
) -> CaseAssignment:
    """A supervisor gives the case to a colleague of the same agency."""
    refuse_unless(policy.can_assign_case(actor, case), Perm.CASE_ASSIGN)
    if user.agency_id != case.agency_id or not user.is_active:
        raise ActionError("user", _("Choose an active colleague of the case's agency."))
    if role not in CaseAssignment.Role.values:
        raise ActionError("role", _("Choose one of the listed values."))
    assignment, _created = CaseAssignment.objects.get_or_create(
        case=case, user=user, defaults={"role": role}
    )
    write_entry(
        actor=actor,
        action="case.assign",
        object_type="case",
        object_id=case.pk,
        details={"user": str(user.pk), "role": role},
    )
    return assignment


@transaction.atomic
def do_unassign_case(*, case: Case, user: User, actor: User) -> None:
    refuse_unless(policy.can_assign_case(actor, case), Perm.CASE_ASSIGN)
    CaseAssignment.objects.filter(case=case, user=user).delete()
    write_entry(
        actor=actor,
        action="case.unassign",
        object_type="case",
        object_id=case.pk,
        details={"user": str(user.pk)},
    )


@transaction.atomic
def do_set_supervisor(*, case: Case, supervisor: User, actor: User) -> Case:
    """The case's caseworker or current supervisor names its supervisor."""
    refuse_unless(policy.can_edit_case(actor, case), Perm.CASE_EDIT)
    case.supervisor = _supervisor_for(case.agency, supervisor)
    case.save(update_fields=["supervisor", "updated_at"])
    write_entry(
        actor=actor,
        action="case.set_supervisor",
        object_type="case",
        object_id=case.pk,
        details={"supervisor": str(supervisor.pk)},
    )
    return case


@transaction.atomic
def do_reopen_case(*, case: Case, reason: str, origin: str = "", actor: User) -> Case:
    """A closed case opens again (new concerns, a failed closure); the supervisor decides."""
    refuse_unless(policy.can_reopen_case(actor, case), Perm.CASE_CLOSE)
    if not policy.is_closed(case):
        raise ActionError("case", _("Only a closed case can be reopened."))
    if not reason.strip():
        raise ActionError("reason", _("Say why the case is reopened."))
    case.status, case.stage, case.closed_at = Case.Status.OPEN, Case.Stage.IMPLEMENTATION, None
    case.next_due_at = due_after(timezone.now(), case.risk_level, "follow_up")
    case.version += 1
    case.save()
    assignee = case.assignments.order_by("assigned_at").first()
    _add_task(case, Task.Kind.FOLLOW_UP, case.next_due_at, assignee.user if assignee else None)
    write_entry(
        actor=actor,
        action="case.reopen",
        object_type="case",
        object_id=case.pk,
        origin=origin,
        details={"reason_given": True},
    )
    return case

"""Registering a child at risk: the child, the people around them, an open case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from amana.accounts.models import Agency, User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry
from amana.cases import policy
from amana.cases.actions.common import (
    CaseInput,
    add_task,
    check_case,
    refuse_unless,
    supervisor_for,
)
from amana.cases.deadlines import due_after
from amana.cases.errors import ActionError
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
from amana.core import limits
from amana.crypto.keys import index_for


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


def _check_child(child: ChildInput) -> None:
    if not child.full_name.strip():
        raise ActionError("full_name", _("Enter the child's name."))
    if child.sex not in Child.Sex.values:
        raise ActionError("sex", _("Choose one of the listed values."))
    if child.date_of_birth and child.date_of_birth > timezone.localdate():
        raise ActionError("date_of_birth", _("The date of birth cannot be in the future."))
    problem = limits.date_problem(child.date_of_birth, birth=True)
    if problem:
        raise ActionError("date_of_birth", problem)
    nationality_max = Child._meta.get_field("nationality").max_length or limits.CODE_MAX
    if len(child.nationality) > nationality_max:
        raise ActionError(
            "nationality",
            _("Use at most %(n)d characters.") % {"n": nationality_max},
        )
    this_year = timezone.localdate().year
    if child.birth_year is not None and not this_year - 25 <= child.birth_year <= this_year:
        raise ActionError("birth_year", _("Give a year of birth within the last 25 years."))


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


def register_case(
    *,
    child: ChildInput,
    people: list[PersonInput],
    case: CaseInput,
    supervisor: User | None = None,
    dismissed_duplicates: list[str] | None = None,
    assignee: User | None = None,
    origin: str = "",
    actor: User,
) -> Case:
    """Register a child at risk: the child, the people around them, and an open case. A step:
    it runs in the caller's transaction (`do_register_case`, or accepting a referral).

    `dismissed_duplicates`: case numbers the caseworker checked and found to be other children.
    `assignee`: the caseworker of the new case and its first task (default: the actor); the
    caller checks they are an active colleague.
    """
    refuse_unless(policy.can_register_case(actor), Perm.CASE_CREATE)
    _check_child(child)
    concerns, location = check_case(case)
    agency = actor.agency
    stored_child = _store_child(agency, child)
    _store_people(stored_child, people)
    now = timezone.now()
    due = due_after(now, case.risk_level, "initial_assessment")
    record = Case.objects.create(
        case_number=_next_case_number(agency),
        agency=agency,
        child=stored_child,
        risk_level=case.risk_level,
        care_arrangement=case.care_arrangement,
        location=location,
        is_refugee=case.is_refugee,
        supervisor=supervisor_for(agency, supervisor),
        registered_at=now,
        next_due_at=due,
    )
    record.concerns.set(concerns)
    worker = assignee or actor
    CaseAssignment.objects.create(case=record, user=worker)
    add_task(record, Task.Kind.INITIAL_ASSESSMENT, due, worker, actor=actor)
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


@transaction.atomic(durable=True)
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
    """Register a child at risk (`register_case`) in a transaction of its own."""
    return register_case(
        child=child,
        people=people,
        case=case,
        supervisor=supervisor,
        dismissed_duplicates=dismissed_duplicates,
        origin=origin,
        actor=actor,
    )

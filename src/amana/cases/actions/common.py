"""What the case actions share: the case's own facts as input, their checks, the refusal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from amana.accounts.models import Agency, User
from amana.accounts.roles import Perm, Role
from amana.cases.errors import ActionError, NotAllowed
from amana.cases.models import Case, Task
from amana.cases.notices import task_assigned
from amana.refdata.models import Location, Lookup

CONCERNS = "protection_concerns"


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


def check_case(data: CaseInput) -> tuple[list[Lookup], Location | None]:
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


def supervisor_for(agency: Agency, supervisor: User | None) -> User | None:
    if supervisor is None:
        return None
    if supervisor.agency_id != agency.pk or Role.SUPERVISOR not in supervisor.roles:
        raise ActionError("supervisor", _("Choose a supervisor of your agency."))
    return supervisor


def add_task(
    case: Case, kind: str, due: datetime, assignee: User | None, *, actor: User | None = None
) -> Task:
    """A new task of the case; its assignee is notified unless they are the actor."""
    task = Task.objects.create(case=case, kind=kind, due_at=due, assigned_to=assignee)
    task_assigned(task, actor=actor)
    return task

"""The only read path for cases: need-to-know, field by field, every read audited.

A case is visible to its assigned caseworkers, its supervisor and users explicitly assigned to
it — never agency-wide, never to another agency. What each of them sees of it depends on their
roles' visibility per sensitivity class. The forms of a visible case are read through
`amana.caseforms.access`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from amana.accounts.models import User
from amana.accounts.roles import classes_for
from amana.audit.log import write_read_entry
from amana.audit.lookup import fetch_or_not_found
from amana.cases.models import Case, Sensitivity, Task

PAGE_SIZE = 50


class CaseNotFound(Http404):
    """No such case for this user — whether it does not exist or is not theirs to see."""


def visible_cases(actor: User) -> QuerySet[Case]:
    """Cases the actor may open: assigned to them, or supervised by them, in their agency."""
    if not actor.is_active:
        return Case.objects.none()
    # One id list from both indexes (assignments by user, cases by supervisor), so that the
    # database starts from the actor's few cases instead of scanning the agency's.
    user_id = User._meta.pk.get_db_prep_value(actor.pk, connection)
    mine = RawSQL(
        "SELECT case_id FROM cases_caseassignment WHERE user_id = %s"
        " UNION SELECT id FROM cases_case WHERE supervisor_id = %s",
        (user_id, user_id),
    )
    return Case.objects.filter(agency_id=actor.agency_id, id__in=mine)


# Set on a case read through `access_case`: the id of the actor it was read for. The case was
# found among that actor's visible cases, so the request need not ask the database again.
VISIBLE_TO = "_amana_visible_to"


def can_see(actor: User, case: Case) -> bool:
    if actor.is_active and case.__dict__.get(VISIBLE_TO) == actor.pk:
        return True
    return visible_cases(actor).filter(pk=case.pk).exists()


def forget_visibility(case: Case) -> None:
    """For the actions that change who may open a case (unassign, a new supervisor): the
    next `can_see` on this object asks the database again."""
    case.__dict__.pop(VISIBLE_TO, None)


def team_cases(actor: User) -> QuerySet[Case]:
    """A supervisor's team view: the cases they supervise."""
    return visible_cases(actor).filter(supervisor=actor)


def visible_classes(actor: User) -> frozenset[Sensitivity]:
    """Which sensitivity classes of a visible case's data the actor sees unmasked: the
    `reads` column of the roles table (`amana.accounts.roles.ROLES`)."""
    return frozenset(Sensitivity(value) for value in classes_for(actor.roles))


def access_case(actor: User, case_id: object, *, origin: str = "") -> Case:
    """One visible case, its read audited; CaseNotFound otherwise (also audited)."""
    case = fetch_or_not_found(
        actor,
        visible_cases(actor).select_related("child", "agency", "supervisor", "location"),
        case_id,
        action="case.view",
        object_type="case",
        origin=origin,
        error=CaseNotFound,
    )
    case.__dict__[VISIBLE_TO] = actor.pk
    write_read_entry(
        actor=actor, action="case.view", object_type="case", object_id=case.pk, origin=origin
    )
    return case


def audited_page(
    actor: User, cases: QuerySet[Case], page_number: str | int | None, *, origin: str = ""
) -> Page[Case]:
    """A page of a case list; the cases shown are recorded in the audit log."""
    paginator = Paginator(cases, PAGE_SIZE)
    page = paginator.get_page(page_number)
    _audit_list(actor, [case.case_number for case in page.object_list], origin)
    return page


def _audit_list(actor: User, case_numbers: Iterable[str], origin: str) -> None:
    shown = list(case_numbers)
    write_read_entry(
        actor=actor,
        action="case.list",
        object_type="case",
        object_id=f"{len(shown)} cases",
        origin=origin,
        details={"cases": shown},
    )


def _open_tasks_due(actor: User, days: int) -> QuerySet[Task]:
    until = timezone.now() + timedelta(days=days)
    return Task.objects.filter(assigned_to=actor, done_at__isnull=True, due_at__lte=until)


def due_tasks(actor: User, days: int = 7) -> QuerySet[Task]:
    """The actor's open tasks due within `days`, overdue ones included, on visible cases."""
    return (
        _open_tasks_due(actor, days)
        .filter(case__in=visible_cases(actor))
        .select_related("case")
        .order_by("due_at")
    )


def due_cases(actor: User, days: int = 7) -> QuerySet[Case]:
    """The visible cases on which the actor has a task open and due within `days` (overdue
    ones included): `due_tasks`' cases, with visibility applied once (applied inside the task
    query as well, PostgreSQL re-ran it for every task)."""
    return visible_cases(actor).filter(pk__in=_open_tasks_due(actor, days).values("case_id"))

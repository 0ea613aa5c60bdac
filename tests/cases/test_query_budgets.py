"""Query budgets of the pages a caseworker opens all day: the case page, my cases, a name
search, what is due this week and the team view — each a fixed number of SQL queries, the
same with a few rows as with three times as many (docs/performance.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from amana.accounts.models import User
from amana.accounts.roles import Role
from amana.caseforms.actions import do_save_form
from amana.cases.actions.common import add_task
from amana.cases.models import Case, RelatedPerson, Task
from tests.cases.helpers import register
from tests.core.queries import flat, queries
from tests.e2e.helpers import simple_forms
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db
FEW = 2  # rows shown first; then three times as many

# Budgets: the counts measured on PostgreSQL (docs/performance.md). Every request pays 2: the
# session, and the user with their agency, roles and whether they have a two-factor device
# (the session is written only when it changed or is due for renewal, once a minute). A read
# audited pays 3 for its audit entry (the insert in a savepoint of the test's transaction).
CASE_PAGE = 15  # + the case with child, place, agency and supervisor, its audited read,
#                   concerns, people, tasks, forms, consents, referrals, ledger, who works on
#                   the case, the supervisors (and colleagues) the forms offer
CASE_LIST = 7  # + the count, the page with child and place, its audited read
SEARCH = 8  # + the children whose names match, then as the list
DUE_LIST = 8  # + the count, the page, its audited read, the page's tasks
TEAM_LIST = 8  # + as the list, the caseworkers of the page's cases (one query)
HOME = 2  # nothing more: the agency and roles come with the user


@dataclass
class World:
    worker: User
    boss: User
    peer: User
    case: Case


@pytest.fixture
def world() -> World:
    agency = AgencyFactory(slug="ngo-a", name="NGO Alpha", case_prefix="NGA")
    worker = UserFactory(roles=[Role.CASEWORKER], agency=agency, username="worker.a")
    boss = UserFactory(roles=[Role.SUPERVISOR], agency=agency, username="boss.a")
    peer = UserFactory(roles=[Role.CASEWORKER], agency=agency, username="peer.a")
    simple_forms()
    case = _supervised(register(worker), boss)
    return World(worker, boss, peer, case)


def _supervised(case: Case, boss: User) -> Case:
    case.supervisor = boss
    case.save()
    return case


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def more_cases(world: World, count: int, start: int = 0) -> None:
    """`count` more cases of the worker, supervised by the boss, each with a task due."""
    for number in range(start, start + count):
        case = register(world.worker, name=f"Amina Number{number}", risk="medium")
        _supervised(case, world.boss)


def fill_case(world: World, count: int, start: int = 0) -> None:
    """`count` more of each kind of row the case page lists: tasks, people, forms."""
    case = world.case
    soon = timezone.now() + timedelta(days=2)
    for number in range(start, start + count):
        add_task(case, Task.Kind.FOLLOW_UP, soon + timedelta(hours=number), world.peer)
        RelatedPerson.objects.create(
            child=case.child, relationship="relative", full_name=f"Aunt Number{number}"
        )
        form_id = ("initial_assessment", "case_plan", "follow_up")[number % 3]
        do_save_form(
            case=case,
            form_id=form_id,
            data={"summary": f"n{number}"},
            submit=False,
            actor=world.worker,
        )


def test_case_page(world):
    client = logged_in(world.worker)
    url = f"/cases/{world.case.pk}/"
    fill_case(world, FEW)
    few = queries(lambda: client.get(url))
    fill_case(world, 2 * FEW, start=FEW)
    flat(few, queries(lambda: client.get(url)), CASE_PAGE, "case page")
    page = client.get(url)
    assert len(page.context["tasks"]) == 1 + 3 * FEW
    assert len(page.context["people"]) == 1 + 3 * FEW
    assert len(page.context["records"]) == 3 * FEW


def test_case_page_of_the_supervisor(world):
    """The supervisor also gets the team section: who works on the case, assign a colleague."""
    client = logged_in(world.boss)
    url = f"/cases/{world.case.pk}/"
    fill_case(world, FEW)
    few = queries(lambda: client.get(url))
    fill_case(world, 2 * FEW, start=FEW)
    flat(few, queries(lambda: client.get(url)), CASE_PAGE, "case page (supervisor)")


def test_my_cases(world):
    client = logged_in(world.worker)
    more_cases(world, FEW)
    few = queries(lambda: client.get("/cases/"))
    more_cases(world, 2 * FEW, start=FEW)
    flat(few, queries(lambda: client.get("/cases/")), CASE_LIST, "my cases")
    assert len(client.get("/cases/").context["rows"]) == 1 + 3 * FEW


def test_my_cases_filtered(world):
    client = logged_in(world.worker)
    url = "/cases/?risk=medium&location=XX-C1&concern=neglect&due=week"
    more_cases(world, FEW)
    few = queries(lambda: client.get(url))
    more_cases(world, 2 * FEW, start=FEW)
    flat(few, queries(lambda: client.get(url)), CASE_LIST, "my cases, filtered")


def test_name_search(world):
    client = logged_in(world.worker)

    def search():
        return client.post("/cases/", {"q": "Amina"})

    more_cases(world, FEW)
    few = queries(search)
    more_cases(world, 2 * FEW, start=FEW)
    flat(few, queries(search), SEARCH, "name search")
    assert len(search().context["rows"]) == 1 + 3 * FEW


def test_due_this_week(world):
    client = logged_in(world.worker)
    more_cases(world, FEW)
    few = queries(lambda: client.get("/cases/due/"))
    more_cases(world, 2 * FEW, start=FEW)
    flat(few, queries(lambda: client.get("/cases/due/")), DUE_LIST, "due this week")
    assert len(client.get("/cases/due/").context["rows"]) == 1 + 3 * FEW


def test_team_view(world):
    client = logged_in(world.boss)
    more_cases(world, FEW)
    few = queries(lambda: client.get("/cases/team/"))
    more_cases(world, 2 * FEW, start=FEW)
    flat(few, queries(lambda: client.get("/cases/team/")), TEAM_LIST, "team view")
    assert len(client.get("/cases/team/").context["rows"]) == 1 + 3 * FEW


def test_home(world):
    client = logged_in(world.worker)
    few = queries(lambda: client.get("/"))
    more_cases(world, 2 * FEW)
    flat(few, queries(lambda: client.get("/")), HOME, "home")

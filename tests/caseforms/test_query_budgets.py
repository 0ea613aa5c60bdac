"""Query budgets of the case form pages: the supervisor's approvals inbox and a case form —
a fixed number of SQL queries, the same with a few rows as with three times as many
(docs/performance.md)."""

from __future__ import annotations

import pytest

from amana.accounts.roles import Role
from amana.caseforms import actions
from amana.caseforms.models import FormRecord
from tests.caseforms.test_views import World
from tests.cases.helpers import register
from tests.core.queries import flat, queries, within
from tests.e2e.helpers import simple_forms
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db
FEW = 2  # forms waiting first; then three times as many

# Budgets: the counts measured on PostgreSQL (docs/performance.md); every request pays 2 for
# the session and the user (with their agency, roles and two-factor devices).
APPROVALS = 3  # + the forms with case, definition and author
FORM_NEW = 8  # + the case and its audited read (4), the form's definition (twice)
FORM_RECORD = 8  # + the case and its audited read (4), the record, its definition


@pytest.fixture
def ready() -> World:
    """NGO Alpha: a caseworker and their supervisor, a case, a short form for every step."""
    agency = AgencyFactory(slug="ngo-a", name="NGO Alpha", case_prefix="NGA")
    worker = UserFactory(roles=[Role.CASEWORKER], agency=agency, username="worker.a")
    boss = UserFactory(roles=[Role.SUPERVISOR], agency=agency, username="boss.a")
    peer = UserFactory(roles=[Role.CASEWORKER], agency=agency, username="peer.a")
    stranger = UserFactory(roles=[Role.CASEWORKER], agency=AgencyFactory(slug="ngo-b"))
    case = register(worker)
    case.supervisor = boss
    case.save()
    simple_forms()
    return World(worker, boss, peer, stranger, case)


def submitted(world: World, count: int) -> list[FormRecord]:
    """`count` forms waiting for the supervisor, each on its own case."""
    waiting = []
    for number in range(count):
        case = register(world.worker, name=f"Child Number{number}")
        case.supervisor = world.boss
        case.save()
        form_id = ("bia", "bid")[number % 2]
        waiting.append(
            actions.do_save_form(
                case=case,
                form_id=form_id,
                data={"summary": "ok"},
                submit=True,
                actor=world.worker,
            )
        )
    return waiting


def test_approvals_inbox(client, ready):
    client.force_login(ready.boss)
    submitted(ready, FEW)
    few = queries(lambda: client.get("/cases/approvals/"))
    submitted(ready, 2 * FEW)
    flat(few, queries(lambda: client.get("/cases/approvals/")), APPROVALS, "approvals inbox")
    assert len(client.get("/cases/approvals/").context["rows"]) == 3 * FEW


def test_case_form_pages(client, ready):
    client.force_login(ready.worker)
    url = f"/cases/{ready.case.pk}/forms/initial_assessment/"
    within(queries(lambda: client.get(url)), FORM_NEW, "case form (new)")
    record = actions.do_save_form(
        case=ready.case,
        form_id="initial_assessment",
        data={"summary": "first"},
        submit=False,
        actor=ready.worker,
    )
    url = f"{url}{record.pk}/"
    within(queries(lambda: client.get(url)), FORM_RECORD, "case form (a draft)")

"""Query budgets of the sharing pages: "Can I share?", a case's exceptional circumstances and
the supervisor's inbox of them — a fixed number of SQL queries, the same with a few rows as
with three times as many (docs/performance.md)."""

from __future__ import annotations

import pytest
from django.test import Client

from amana.accounts.models import User
from amana.accounts.roles import Role
from amana.cases.models import Case
from amana.protocol.bench import demo_protocol_path
from amana.protocols.actions import do_load_protocol, load_protocol_file
from amana.sharing.actions import do_record_exceptional_circumstance
from tests.cases.helpers import register
from tests.consent.helpers import World, make_world
from tests.core.queries import flat, queries, within
from tests.factories import AgencyFactory, UserFactory
from tests.sharing.test_can_i_share import CAMP, FORM, URL

pytestmark = pytest.mark.django_db
FEW = 2  # rows shown first; then three times as many

# Budgets: the counts measured on PostgreSQL (docs/performance.md); every request pays 2 for
# the session and the user (with their agency, roles and two-factor devices).
CAN_I_SHARE_GET = 3  # + the protocols (newest of each)
CAN_I_SHARE_POST = 8  # + the version asked for, its status, the check's audit entry
EXCEPTIONAL_CASE = 8  # + the case and its audited read (4), agencies, records
EXCEPTIONAL_INBOX = 3  # + the records with case and recorder


@pytest.fixture
def world() -> World:
    load_protocol_file(str(demo_protocol_path()), actor=None)
    return make_world()


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def record(world: World, count: int, case: Case | None = None) -> None:
    for number in range(count):
        do_record_exceptional_circumstance(
            case=case or world.case,
            kind="vital_interests",
            description=f"Held at the checkpoint tonight ({number})",
            risk_assessment="Sharing the name gets the child out; the recipient keeps it.",
            recipient="ngo-psy",
            recipient_assessed_safe=True,
            actor=world.worker,
        )


def supervised_case(world: World) -> Case:
    case = register(world.worker, name="Rania Saleh")
    case.supervisor = world.boss
    case.save()
    return case


def test_can_i_share_form_and_answer(world):
    do_load_protocol(source_text=CAMP.read_text(), filename="camp.yaml", actor=None)
    client = logged_in(UserFactory(roles=[Role.CASEWORKER], agency=AgencyFactory(slug="ngo-a")))
    within(queries(lambda: client.get(URL)), CAN_I_SHARE_GET, "Can I share? (form)")
    within(queries(lambda: client.post(URL, FORM)), CAN_I_SHARE_POST, "Can I share? (answer)")


def test_exceptional_circumstances_of_a_case(world):
    client = logged_in(world.worker)
    url = f"/sharing/cases/{world.case.pk}/exceptional/"
    record(world, FEW)
    few = queries(lambda: client.get(url))
    record(world, 2 * FEW)
    flat(few, queries(lambda: client.get(url)), EXCEPTIONAL_CASE, "exceptional (case)")
    assert len(client.get(url).context["records"]) == 3 * FEW


def test_supervisors_exceptional_inbox(world):
    client = logged_in(world.boss)
    record(world, FEW)
    few = queries(lambda: client.get("/sharing/exceptional/"))
    record(world, FEW)
    record(world, FEW, supervised_case(world))  # and on more cases
    many = queries(lambda: client.get("/sharing/exceptional/"))
    flat(few, many, EXCEPTIONAL_INBOX, "exceptional inbox")
    assert len(client.get("/sharing/exceptional/").context["records"]) == 3 * FEW

"""amana.cases.policy: each predicate allowed and denied, and the page and the action agreeing
with it — the page offers the form exactly when the predicate says yes, the action refuses
(NotAllowed) exactly when it says no."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from amana.accounts.models import User
from amana.accounts.roles import Role
from amana.caseforms.actions import do_decide_form, do_save_form
from amana.caseforms.models import FormRecord
from amana.cases import policy
from amana.cases.actions import (
    do_assign_case,
    do_register_case,
    do_reopen_case,
    do_set_supervisor,
    do_update_case,
)
from amana.cases.errors import ActionError, NotAllowed
from amana.cases.models import Case, CaseAssignment
from tests.caseforms.test_lifecycle import _form
from tests.cases.helpers import ensure_lookups, register
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

# Who each actor is to the case, and what they hold.
ACTORS = [
    "worker",  # caseworker, assigned (registered it)
    "boss",  # supervisor, the case's named supervisor
    "other_boss",  # supervisor of the agency, not on the case
    "assigned_boss",  # supervisor, assigned to the case but not its named supervisor
    "officer",  # information management officer, explicitly assigned
    "peer",  # caseworker of the agency, not on the case
    "stranger",  # caseworker of another agency
]
SEE_THE_CASE = ["worker", "boss", "assigned_boss", "officer"]


@dataclass
class World:
    users: dict[str, User]
    case: Case

    def __getitem__(self, name: str) -> User:
        return self.users[name]


@pytest.fixture
def world() -> World:
    agency = AgencyFactory(slug="ngo-p", case_prefix="NGP")

    def user(role: str, **kwargs: object) -> User:
        return UserFactory(roles=[role], agency=kwargs.pop("agency", agency), **kwargs)

    users = {
        "worker": user(Role.CASEWORKER),
        "boss": user(Role.SUPERVISOR),
        "other_boss": user(Role.SUPERVISOR),
        "assigned_boss": user(Role.SUPERVISOR),
        "officer": user(Role.IM_OFFICER),
        "peer": user(Role.CASEWORKER),
        "stranger": user(Role.CASEWORKER, agency=AgencyFactory(slug="ngo-q")),
    }
    case = register(users["worker"])
    case.supervisor = users["boss"]
    case.save()
    CaseAssignment.objects.create(case=case, user=users["assigned_boss"])
    CaseAssignment.objects.create(case=case, user=users["officer"], role=CaseAssignment.Role.OTHER)
    return World(users, case)


def _closed(case: Case) -> Case:
    case.status, case.closed_at = Case.Status.CLOSED, case.updated_at
    case.save()
    return case


# --- The predicates, allowed and denied ---------------------------------------------------

EXPECTED = {
    "can_edit_case": {"worker", "boss", "assigned_boss"},
    "can_assign_case": {"boss"},
    "can_approve_case_forms": {"boss"},
    "can_reopen_case": {"boss"},
}


@pytest.mark.parametrize("predicate", sorted(EXPECTED))
@pytest.mark.parametrize("name", ACTORS)
def test_case_predicates(world, predicate, name):
    allowed = getattr(policy, predicate)(world[name], world.case)
    assert allowed == (name in EXPECTED[predicate])


@pytest.mark.parametrize("name", ACTORS)
def test_can_register_case(world, name):
    assert policy.can_register_case(world[name]) == (name != "officer")


def test_the_supervisors_rights_need_the_permission_as_well_as_the_relation(world):
    """A caseworker named as supervisor (not possible through the actions) still may not
    assign, approve or reopen: the predicate asks for both."""
    case, worker = world.case, world["worker"]
    case.supervisor = worker
    case.save()
    assert policy.supervises(worker, case)
    assert not policy.can_assign_case(worker, case)
    assert not policy.can_approve_case_forms(worker, case)
    assert not policy.can_reopen_case(worker, case)


def test_a_deactivated_actor_may_do_nothing(world):
    boss = world["boss"]
    boss.is_active = False
    for predicate in EXPECTED:
        assert not getattr(policy, predicate)(boss, world.case)
    assert not policy.can_register_case(boss)


def test_state_predicates(world):
    assert policy.is_open(world.case) and not policy.is_closed(world.case)
    _closed(world.case)
    assert policy.is_closed(world.case) and not policy.is_open(world.case)


# --- The case page shows a form exactly when its predicate allows ----------------------------


def _page(client, user: User, case: Case) -> str:
    client.force_login(user)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _offers(page: str, route: str, *args: object) -> bool:
    return f'action="{reverse(route, args=args)}"' in page


@pytest.mark.parametrize("name", SEE_THE_CASE)
def test_open_case_page_offers_what_the_policy_allows(client, world, name):
    actor, case = world[name], world.case
    page = _page(client, actor, case)
    may_edit = policy.can_edit_case(actor, case)
    assert _offers(page, "cases:edit", case.pk) == may_edit
    assert _offers(page, "cases:supervisor", case.pk) == may_edit
    assert _offers(page, "cases:assign", case.pk) == policy.can_assign_case(actor, case)
    assert _offers(page, "cases:unassign", case.pk) == policy.can_assign_case(actor, case)
    assert not _offers(page, "cases:reopen", case.pk)  # open: nothing to reopen


@pytest.mark.parametrize("name", SEE_THE_CASE)
def test_closed_case_page_offers_reopening_as_the_policy_allows(client, world, name):
    actor, case = world[name], _closed(world.case)
    page = _page(client, actor, case)
    assert _offers(page, "cases:reopen", case.pk) == policy.can_reopen_case(actor, case)
    assert not _offers(page, "cases:edit", case.pk)  # closed: facts are not edited


@pytest.mark.parametrize("name", SEE_THE_CASE)
def test_form_page_offers_the_decision_as_the_policy_allows(client, world, name):
    _form("bia", "supervisor")
    case = world.case
    record = do_save_form(
        case=case, form_id="bia", data={"summary": "ok"}, submit=True, actor=world["worker"]
    )
    actor = world[name]
    client.force_login(actor)
    url = reverse("cases:form_record", args=[case.pk, "bia", record.pk])
    page = client.get(url).content.decode()
    offered = _offers(page, "cases:decide", record.pk)
    assert offered == policy.can_approve_case_forms(actor, case)


@pytest.mark.parametrize("name", ["worker", "officer"])
def test_post_to_assign_is_forbidden_when_the_policy_says_no(client, world, name):
    client.force_login(world[name])
    response = client.post(
        reverse("cases:assign", args=[world.case.pk]), {"user": str(world["peer"].pk)}
    )
    assert response.status_code == 403
    assert not CaseAssignment.objects.filter(case=world.case, user=world["peer"]).exists()


def test_post_to_edit_is_forbidden_when_the_policy_says_no(client, world):
    client.force_login(world["officer"])
    response = client.post(reverse("cases:edit", args=[world.case.pk]), {"risk_level": "low"})
    assert response.status_code == 403
    world.case.refresh_from_db()
    assert world.case.risk_level == "high"


# --- The actions refuse exactly when the predicate says no ---------------------------------


def _refused(call) -> bool:
    try:
        call()
    except NotAllowed:
        return True
    except ActionError:
        return False  # allowed, then refused for its input: not a permission matter
    return False


@pytest.mark.parametrize("name", ACTORS)
def test_update_refuses_as_the_policy_says(world, name):
    actor, case = world[name], world.case
    allowed = policy.can_edit_case(actor, case)
    refused = _refused(
        lambda: do_update_case(
            case=case, changes={"risk_level": "low"}, expected_version=case.version, actor=actor
        )
    )
    assert refused == (not allowed)


@pytest.mark.parametrize("name", ACTORS)
def test_set_supervisor_refuses_as_the_policy_says(world, name):
    actor, case = world[name], world.case
    allowed = policy.can_edit_case(actor, case)
    refused = _refused(
        lambda: do_set_supervisor(case=case, supervisor=world["other_boss"], actor=actor)
    )
    assert refused == (not allowed)


@pytest.mark.parametrize("name", ACTORS)
def test_save_form_refuses_as_the_policy_says(world, name):
    _form("initial_assessment")
    actor, case = world[name], world.case
    allowed = policy.can_edit_case(actor, case)
    refused = _refused(
        lambda: do_save_form(
            case=case, form_id="initial_assessment", data={}, submit=False, actor=actor
        )
    )
    assert refused == (not allowed)


@pytest.mark.parametrize("name", ACTORS)
def test_assign_refuses_as_the_policy_says(world, name):
    actor, case = world[name], world.case
    allowed = policy.can_assign_case(actor, case)
    refused = _refused(lambda: do_assign_case(case=case, user=world["peer"], actor=actor))
    assert refused == (not allowed)
    assert CaseAssignment.objects.filter(case=case, user=world["peer"]).exists() == allowed


@pytest.mark.parametrize("name", ACTORS)
def test_decide_refuses_as_the_policy_says(world, name):
    _form("bia", "supervisor")
    case = world.case
    record = do_save_form(
        case=case, form_id="bia", data={"summary": "ok"}, submit=True, actor=world["worker"]
    )
    actor = world[name]
    allowed = policy.can_approve_case_forms(actor, case)
    refused = _refused(lambda: do_decide_form(record=record, approve=True, actor=actor))
    assert refused == (not allowed)
    record.refresh_from_db()
    expected = FormRecord.Status.APPROVED if allowed else FormRecord.Status.SUBMITTED
    assert record.status == expected


@pytest.mark.parametrize("name", ACTORS)
def test_reopen_refuses_as_the_policy_says(world, name):
    actor, case = world[name], _closed(world.case)
    allowed = policy.can_reopen_case(actor, case)
    refused = _refused(lambda: do_reopen_case(case=case, reason="new concern", actor=actor))
    assert refused == (not allowed)
    case.refresh_from_db()
    assert policy.is_open(case) == allowed


def test_reopening_an_open_case_is_an_input_error_not_a_refusal(world):
    with pytest.raises(ActionError):
        do_reopen_case(case=world.case, reason="again", actor=world["boss"])


@pytest.mark.parametrize("name", ACTORS)
def test_register_refuses_as_the_policy_says(world, name):
    from amana.cases.actions import CaseInput, ChildInput

    ensure_lookups()
    actor = world[name]
    refused = _refused(
        lambda: do_register_case(
            child=ChildInput(full_name="Sara Ali"),
            people=[],
            case=CaseInput(risk_level="low"),
            actor=actor,
        )
    )
    assert refused == (not policy.can_register_case(actor))

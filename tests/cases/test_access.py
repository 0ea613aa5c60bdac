"""Need-to-know: a matrix of roles x relation to the case x action, and list/detail agreement."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.cases import access
from amana.cases.actions import do_assign_case, do_update_case
from amana.cases.errors import NotAllowed
from amana.cases.models import CaseAssignment, Sensitivity
from tests.cases.helpers import register
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = [Role.CASEWORKER, Role.SUPERVISOR, Role.DP_FOCAL_POINT, Role.IM_OFFICER,
         Role.COORDINATOR, Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN]  # fmt: skip
RELATIONS = ["assigned", "supervisor", "explicit", "same_agency", "other_agency"]
SEES = {"assigned", "supervisor", "explicit"}
EDITORS = {Role.CASEWORKER, Role.SUPERVISOR}


@pytest.fixture
def world():
    agency = AgencyFactory(slug="ngo-one", case_prefix="ONE")
    owner = UserFactory(roles=[Role.CASEWORKER], agency=agency)
    boss = UserFactory(roles=[Role.SUPERVISOR], agency=agency)
    case = register(owner)
    case.supervisor = boss
    case.save()
    return agency, owner, boss, case


def _actor_with(relation, role, world):
    agency, _owner, _boss, case = world
    if relation == "other_agency":
        return UserFactory(roles=[role], agency=AgencyFactory())
    actor = UserFactory(roles=[role], agency=agency)
    if relation == "assigned":
        CaseAssignment.objects.create(case=case, user=actor)
    elif relation == "explicit":
        CaseAssignment.objects.create(case=case, user=actor, role=CaseAssignment.Role.OTHER)
    elif relation == "supervisor":
        case.supervisor = actor
        case.save()
    return actor


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_view_and_list_matrix(world, role, relation):
    case = world[3]
    actor = _actor_with(relation, role, world)
    expected = relation in SEES
    assert (case in access.visible_cases(actor)) is expected
    if expected:
        assert access.access_case(actor, case.pk) == case
    else:
        with pytest.raises(access.CaseNotFound):
            access.access_case(actor, case.pk)
    outcome = "ok" if expected else "not_found"
    assert AuditEntry.objects.filter(
        action="case.view", actor=actor.username, outcome=outcome
    ).exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_edit_matrix(world, role, relation):
    case = world[3]
    actor = _actor_with(relation, role, world)
    allowed = relation in SEES and role in EDITORS
    change = {"risk_level": "low"}
    if allowed:
        assert (
            do_update_case(
                case=case, changes=change, expected_version=case.version, actor=actor
            ).risk_level
            == "low"
        )
    else:
        with pytest.raises(NotAllowed):
            do_update_case(case=case, changes=change, expected_version=case.version, actor=actor)
        case.refresh_from_db()
        assert case.risk_level == "high"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_assign_matrix(world, role, relation):
    agency, _owner, _boss, case = world
    actor = _actor_with(relation, role, world)
    colleague = UserFactory(roles=[Role.CASEWORKER], agency=agency)
    allowed = relation == "supervisor" and role == Role.SUPERVISOR
    if allowed:
        do_assign_case(case=case, user=colleague, actor=actor)
        assert case in access.visible_cases(colleague)
    else:
        with pytest.raises(NotAllowed):
            do_assign_case(case=case, user=colleague, actor=actor)
        assert case not in access.visible_cases(colleague)


@pytest.mark.parametrize(
    ("role", "classes"),
    [
        (Role.CASEWORKER, set(Sensitivity)),
        (Role.SUPERVISOR, set(Sensitivity)),
        (Role.DP_FOCAL_POINT, {Sensitivity.PROCESS, Sensitivity.PROTECTION}),
        (Role.IM_OFFICER, {Sensitivity.PROCESS}),
        (Role.COORDINATOR, {Sensitivity.PROCESS}),
    ],
)
def test_field_visibility_by_role(role, classes):
    assert access.visible_classes(UserFactory(roles=[role])) == classes


def test_supervisor_cannot_give_a_case_to_another_agency(world):
    _agency, _owner, boss, case = world
    outsider = UserFactory(roles=[Role.CASEWORKER], agency=AgencyFactory())
    from amana.cases.errors import ActionError

    with pytest.raises(ActionError):
        do_assign_case(case=case, user=outsider, actor=boss)
    assert case not in access.visible_cases(outsider)


def test_deactivated_user_sees_nothing(world):
    owner = world[1]
    owner.is_active = False
    owner.save()
    assert not access.visible_cases(owner).exists()


def test_unknown_and_malformed_ids_are_not_found_and_audited(world):
    owner = world[1]
    for bad in (uuid.uuid4(), "not-a-uuid", "1 OR 1=1"):
        with pytest.raises(access.CaseNotFound):
            access.access_case(owner, bad)
    assert AuditEntry.objects.filter(action="case.view", outcome="not_found").count() == 3


def test_list_page_is_audited_with_the_cases_shown(world):
    owner, case = world[1], world[3]
    page = access.audited_page(owner, access.visible_cases(owner).order_by("case_number"), 1)
    assert list(page.object_list) == [case]
    entry = AuditEntry.objects.get(action="case.list", actor=owner.username)
    assert entry.details == {"cases": [case.case_number]}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    links=st.lists(
        st.tuples(
            st.integers(0, 3), st.integers(0, 4), st.sampled_from(["assign", "supervise", "none"])
        ),
        max_size=12,
    )
)
def test_list_and_detail_always_agree(links):
    """A case is in visible_cases(actor) exactly when access_case(actor, id) succeeds."""
    from django.db import transaction

    # A savepoint, not atomic(): the actions the helpers call are durable and refuse to run
    # inside an atomic block of the test's own.
    savepoint = transaction.savepoint()
    try:
        agencies = [AgencyFactory(), AgencyFactory()]
        users = [
            UserFactory(roles=[role], agency=agencies[i % 2])
            for i, role in enumerate(
                [Role.CASEWORKER, Role.SUPERVISOR, Role.IM_OFFICER, Role.CASEWORKER]
            )
        ]
        owners = [u for u in users if Role.CASEWORKER in u.roles]
        cases = [register(owners[i % 2], name=f"Child {i}") for i in range(5)]
        for user_index, case_index, link in links:
            user, case = users[user_index], cases[case_index]
            if link == "assign":
                CaseAssignment.objects.get_or_create(case=case, user=user)
            elif link == "supervise":
                case.supervisor = user
                case.save()
        for user in users:
            listed = set(access.visible_cases(user))
            for case in cases:
                try:
                    access.access_case(user, case.pk)
                    opened = True
                except access.CaseNotFound:
                    opened = False
                assert opened is (case in listed)
    finally:
        transaction.savepoint_rollback(savepoint)


# --- A case read through access_case remembers whom it was read for --------------------------


def test_a_case_read_for_its_caseworker_is_not_checked_again(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _agency, owner, _boss, case = world
    read = access.access_case(owner, case.pk)
    with CaptureQueriesContext(connection) as captured:
        assert access.can_see(owner, read)
    assert len(captured) == 0


def test_what_a_case_remembers_is_for_its_reader_only(world):
    agency, owner, _boss, case = world
    read = access.access_case(owner, case.pk)
    colleague = UserFactory(roles=[Role.CASEWORKER], agency=agency)
    assert not access.can_see(colleague, read)


def test_a_reader_unassigned_or_deactivated_is_checked_again(world):
    from amana.cases.actions import do_set_supervisor, do_unassign_case

    agency, owner, boss, case = world
    read = access.access_case(owner, case.pk)
    do_unassign_case(case=read, user=owner, actor=boss)
    assert not access.can_see(owner, read)

    other_boss = UserFactory(roles=[Role.SUPERVISOR], agency=agency)
    read = access.access_case(boss, case.pk)
    do_set_supervisor(case=read, supervisor=other_boss, actor=boss)
    assert not access.can_see(boss, read)

    read = access.access_case(other_boss, case.pk)
    other_boss.is_active = False
    assert not access.can_see(other_boss, read)

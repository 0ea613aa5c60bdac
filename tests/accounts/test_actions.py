"""The write path for users: who may create and change accounts, and what is refused."""

from __future__ import annotations

import pytest

from amana.accounts import actions
from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.models import User
from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from tests.factories import PASSWORD, AgencyFactory

pytestmark = pytest.mark.django_db

# role of the actor → may create an account in: own agency, another agency
CREATE_MATRIX = [
    (Role.AGENCY_ADMIN, True, False),
    (Role.SYSTEM_ADMIN, True, True),
    (Role.CASEWORKER, False, False),
    (Role.SUPERVISOR, False, False),
    (Role.DP_FOCAL_POINT, False, False),
    (Role.IM_OFFICER, False, False),
    (Role.COORDINATOR, False, False),
]


@pytest.mark.parametrize(("role", "own_ok", "other_ok"), CREATE_MATRIX)
@pytest.mark.parametrize("target", ["own", "other"])
def test_create_user_matrix(make_user, role, own_ok, other_ok, target):
    actor = make_user(role)
    agency = actor.agency if target == "own" else AgencyFactory()
    expected = own_ok if target == "own" else other_ok
    call = lambda: actions.do_create_user(  # noqa: E731
        agency=agency, username="new.user", password=PASSWORD, roles=["caseworker"], actor=actor
    )
    if expected:
        user = call()
        assert user.agency == agency
        assert user.roles == {"caseworker"}
        assert AuditEntry.objects.filter(action="user.create", object_id=str(user.pk)).exists()
    else:
        with pytest.raises(NotAllowed):
            call()
        assert not User.objects.filter(username="new.user").exists()


def test_agency_admin_cannot_grant_system_admin(make_user):
    admin = make_user(Role.AGENCY_ADMIN)
    with pytest.raises(ActionError) as err:
        actions.do_create_user(
            agency=admin.agency,
            username="x.y",
            password=PASSWORD,
            roles=["system_admin"],
            actor=admin,
        )
    assert err.value.field == "roles"


def test_system_admin_can_grant_system_admin(make_user):
    root = make_user(Role.SYSTEM_ADMIN)
    user = actions.do_create_user(
        agency=root.agency, username="x.y", password=PASSWORD, roles=["system_admin"], actor=root
    )
    assert Role.SYSTEM_ADMIN in user.roles


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("password", {"password": "short"}),
        ("password", {"password": "12345678901234"}),
        ("username", {"username": "no spaces allowed"}),
        ("roles", {"roles": []}),
        ("roles", {"roles": ["emperor"]}),
        ("email", {"email": "not-an-email"}),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(make_user, field, kwargs):
    admin = make_user(Role.AGENCY_ADMIN)
    args = {"username": "fresh.user", "password": PASSWORD, "roles": ["caseworker"]} | kwargs
    before = AuditEntry.objects.count()
    with pytest.raises(ActionError) as err:
        actions.do_create_user(agency=admin.agency, actor=admin, **args)
    assert err.value.field == field
    assert User.objects.count() == 1
    assert AuditEntry.objects.count() == before


def test_duplicate_username_is_refused_case_insensitively(make_user):
    admin = make_user(Role.AGENCY_ADMIN, username="Grace")
    with pytest.raises(ActionError) as err:
        actions.do_create_user(
            agency=admin.agency,
            username="grace",
            password=PASSWORD,
            roles=["caseworker"],
            actor=admin,
        )
    assert err.value.field == "username"


def test_set_roles_in_own_agency_and_denied_elsewhere(make_user):
    admin = make_user(Role.AGENCY_ADMIN)
    colleague = make_user(Role.CASEWORKER, agency=admin.agency)
    stranger = make_user(Role.CASEWORKER)
    actions.do_set_user_roles(user=colleague, roles=["supervisor"], actor=admin)
    colleague.forget_roles()
    assert colleague.roles == {"supervisor"}
    entry = AuditEntry.objects.get(action="user.set_roles")
    assert entry.details == {"before": ["caseworker"], "after": ["supervisor"]}
    with pytest.raises(NotAllowed):
        actions.do_set_user_roles(user=stranger, roles=["supervisor"], actor=admin)
    stranger.forget_roles()
    assert stranger.roles == {"caseworker"}


def test_deactivated_user_loses_every_permission(make_user):
    admin = make_user(Role.AGENCY_ADMIN)
    worker = make_user(Role.SUPERVISOR, agency=admin.agency)
    assert worker.permissions
    actions.do_deactivate_user(user=worker, actor=admin)
    worker.refresh_from_db()
    assert not worker.is_active
    assert worker.permissions == frozenset()


def test_admin_cannot_deactivate_self(make_user):
    admin = make_user(Role.AGENCY_ADMIN)
    with pytest.raises(ActionError):
        actions.do_deactivate_user(user=admin, actor=admin)


def test_nobody_is_a_django_superuser():
    assert not hasattr(User, "is_superuser")
    assert not hasattr(User, "is_staff")


def test_create_agency_with_its_case_prefix(make_user):
    root = make_user(Role.SYSTEM_ADMIN)
    agency = actions.do_create_agency(
        slug="ngo-x", name="NGO X", kind="national_ngo", case_prefix="NGX", actor=root
    )
    agency.refresh_from_db()
    assert agency.case_prefix == "NGX"
    assert AuditEntry.objects.filter(action="agency.create", object_id="ngo-x").exists()
    with pytest.raises(ActionError) as error:
        actions.do_create_agency(
            slug="ngo-y", name="NGO Y", kind="national_ngo", case_prefix="X" * 13, actor=root
        )
    assert error.value.field == "case_prefix"

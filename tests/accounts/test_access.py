"""The read path for accounts: agency scope, and not-found for what is not visible."""

from __future__ import annotations

import uuid

import pytest
from django.http import Http404

from amana.accounts import access
from amana.accounts.roles import ROLE_PERMISSIONS, Perm, Role, permissions_for

pytestmark = pytest.mark.django_db

# role → sees own agency's users, sees other agencies' users
VIEW_MATRIX = [
    (Role.AGENCY_ADMIN, True, False),
    (Role.SUPERVISOR, True, False),
    (Role.DP_FOCAL_POINT, True, False),
    (Role.SYSTEM_ADMIN, True, True),
    (Role.CASEWORKER, False, False),
    (Role.IM_OFFICER, False, False),
    (Role.COORDINATOR, False, False),
]


@pytest.mark.parametrize(("role", "own", "other"), VIEW_MATRIX)
def test_visible_users_matrix(make_user, role, own, other):
    actor = make_user(role)
    colleague = make_user(Role.CASEWORKER, agency=actor.agency)
    stranger = make_user(Role.CASEWORKER)
    visible = set(access.visible_users(actor))
    assert (colleague in visible) is own
    assert (stranger in visible) is other
    for user, expected in ((colleague, own), (stranger, other)):
        if expected:
            assert access.access_user(actor, user.pk) == user
        else:
            with pytest.raises(Http404):
                access.access_user(actor, user.pk)


def test_access_user_unknown_and_malformed_ids_are_not_found(make_user):
    actor = make_user(Role.SYSTEM_ADMIN)
    for bad in (uuid.uuid4(), "not-a-uuid", 42):
        with pytest.raises(Http404):
            access.access_user(actor, bad)


def test_manageable_users_scope(make_user):
    admin = make_user(Role.AGENCY_ADMIN)
    colleague = make_user(Role.CASEWORKER, agency=admin.agency)
    stranger = make_user(Role.CASEWORKER)
    assert set(access.manageable_users(admin)) == {admin, colleague}
    assert stranger not in set(access.manageable_users(make_user(Role.SUPERVISOR)))


def test_every_role_has_permissions_from_the_enum():
    assert set(ROLE_PERMISSIONS) == set(Role.values)
    for perms in ROLE_PERMISSIONS.values():
        assert perms and all(isinstance(p, Perm) for p in perms)


def test_permissions_are_the_union_of_roles():
    both = permissions_for({Role.CASEWORKER, Role.AGENCY_ADMIN})
    assert Perm.CASE_VIEW in both and Perm.USER_MANAGE in both
    assert Perm.USER_MANAGE not in permissions_for({Role.CASEWORKER})
    assert permissions_for(set()) == frozenset()

"""The roles table, cell by cell, through the real predicates.

Generated from `amana.accounts.roles.ROLES`: every role x every permission and every role x
every sensitivity class. The cells the table grants are asserted allowed, the cells of its
complement denied, for a user created by the factories with that one role (nobody is a
superuser). Every allowed cell also has its denied twin: the same user, the role taken away.
"""

from __future__ import annotations

import pytest

from amana.accounts.models import RoleGrant, User
from amana.accounts.roles import ROLES, SENSITIVITY_CLASSES, Perm, Role
from amana.cases.access import visible_classes
from amana.cases.models import Sensitivity
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GRANTED = [(role, perm) for role in Role for perm in Perm if perm in ROLES[role].permissions]
NOT_GRANTED = [
    (role, perm) for role in Role for perm in Perm if perm not in ROLES[role].permissions
]
READ = [(role, c) for role in Role for c in Sensitivity if c.value in ROLES[role].reads]
NOT_READ = [(role, c) for role in Role for c in Sensitivity if c.value not in ROLES[role].reads]


def _cell_id(cell: object) -> str:
    return str(getattr(cell, "value", cell))


def _user_with(role: str) -> User:
    user = UserFactory(roles=[role])
    fresh = User.objects.get(pk=user.pk)  # roles read from the database, not the factory's cache
    assert fresh.roles == frozenset({role})
    assert not getattr(fresh, "is_superuser", False)
    return fresh


def _without_roles(user: User) -> User:
    RoleGrant.objects.filter(user=user).delete()
    fresh = User.objects.get(pk=user.pk)
    assert fresh.roles == frozenset()
    return fresh


def test_the_table_names_every_role_and_only_known_classes():
    assert set(ROLES) == set(Role.values)
    assert set(Sensitivity.values) == SENSITIVITY_CLASSES
    for rights in ROLES.values():
        assert rights.permissions <= set(Perm)
        assert rights.reads <= SENSITIVITY_CLASSES


def test_the_generated_cells_cover_the_whole_matrix():
    assert len(GRANTED) + len(NOT_GRANTED) == len(Role) * len(Perm)
    assert len(READ) + len(NOT_READ) == len(Role) * len(Sensitivity)
    assert set(GRANTED).isdisjoint(NOT_GRANTED) and set(READ).isdisjoint(NOT_READ)
    assert GRANTED and NOT_GRANTED and READ and NOT_READ


def test_every_permission_is_denied_to_some_role():
    for perm in Perm:
        assert any((role, perm) in NOT_GRANTED for role in Role), perm


@pytest.mark.parametrize(("role", "perm"), GRANTED, ids=_cell_id)
def test_role_grants_permission(role, perm):
    user = _user_with(role)
    assert user.has_permission(perm)
    assert perm in user.permissions


@pytest.mark.parametrize(("role", "perm"), GRANTED, ids=_cell_id)
def test_granted_permission_is_denied_without_the_role_or_when_deactivated(role, perm):
    user = _user_with(role)
    user.is_active = False
    assert not user.has_permission(perm)
    assert not _without_roles(user).has_permission(perm)


@pytest.mark.parametrize(("role", "perm"), NOT_GRANTED, ids=_cell_id)
def test_role_does_not_grant_permission(role, perm):
    user = _user_with(role)
    assert not user.has_permission(perm)
    assert perm not in user.permissions


@pytest.mark.parametrize(("role", "cls"), READ, ids=_cell_id)
def test_role_reads_class(role, cls):
    assert cls in visible_classes(_user_with(role))


@pytest.mark.parametrize(("role", "cls"), READ, ids=_cell_id)
def test_read_class_is_masked_without_the_role(role, cls):
    assert cls not in visible_classes(_without_roles(_user_with(role)))


@pytest.mark.parametrize(("role", "cls"), NOT_READ, ids=_cell_id)
def test_role_does_not_read_class(role, cls):
    assert cls not in visible_classes(_user_with(role))


def test_roles_add_up():
    user = UserFactory(roles=[Role.IM_OFFICER, Role.AGENCY_ADMIN])
    both = ROLES[Role.IM_OFFICER].permissions | ROLES[Role.AGENCY_ADMIN].permissions
    assert user.permissions == both
    assert {c.value for c in visible_classes(user)} == (
        ROLES[Role.IM_OFFICER].reads | ROLES[Role.AGENCY_ADMIN].reads
    )

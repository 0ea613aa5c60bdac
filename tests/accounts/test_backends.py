"""The user of each request is read in one query with their agency, roles and whether they
have a confirmed two-factor device — the same answers the separate reads gave."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from amana.accounts.backends import AccountBackend
from amana.accounts.models import User
from amana.accounts.roles import Role

pytestmark = pytest.mark.django_db


def read(user: User) -> User:
    found = AccountBackend().get_user(user.pk)
    assert found is not None
    return found


def test_roles_agency_and_devices_come_in_one_query(make_user):
    user = make_user(Role.CASEWORKER, Role.SUPERVISOR)
    with CaptureQueriesContext(connection) as captured:
        found = read(user)
        assert found.roles == {Role.CASEWORKER, Role.SUPERVISOR}
        assert found.agency.slug == user.agency.slug
        assert found.has_confirmed_device is False  # type: ignore[attr-defined]
    assert len(captured) == 1


@pytest.mark.parametrize("roles", [[], [Role.CASEWORKER], list(Role.values)])
def test_the_roles_are_those_granted_and_no_others(make_user, roles):
    user = make_user(*roles)
    make_user(Role.SYSTEM_ADMIN, agency=user.agency)  # a colleague's roles are not theirs
    found = read(user)
    fresh = User.objects.get(pk=user.pk)
    assert found.roles == fresh.roles == frozenset(roles)
    assert found.permissions == fresh.permissions


@pytest.mark.parametrize(
    ("device", "confirmed"),
    [(None, False), (TOTPDevice, False), (TOTPDevice, True), (StaticDevice, True)],
)
def test_a_device_counts_only_when_confirmed(make_user, device, confirmed):
    user = make_user(Role.CASEWORKER)
    if device is not None:
        device.objects.create(user=user, name="phone", confirmed=confirmed)
    make_user(Role.CASEWORKER).totpdevice_set.create(name="theirs", confirmed=True)
    found = read(user)
    assert found.has_confirmed_device is user_has_device(user) is confirmed  # type: ignore[attr-defined]


def test_an_inactive_or_missing_user_is_nobody(make_user):
    user = make_user(Role.CASEWORKER, is_active=False)
    assert AccountBackend().get_user(user.pk) is None
    user.delete()
    assert AccountBackend().get_user(user.pk) is None

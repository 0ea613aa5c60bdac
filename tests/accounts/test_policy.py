"""amana.accounts.policy: each predicate allowed and denied; the user page and the actions
agreeing with it. And the second-factor writes, now actions: enrolment and confirmation."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from amana.accounts import policy
from amana.accounts.actions import (
    do_confirm_totp_device,
    do_create_agency,
    do_create_user,
    do_deactivate_user,
    do_set_user_roles,
    do_start_totp_enrolment,
)
from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.models import Agency, User
from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from tests.factories import PASSWORD, AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSPHRASE = "a-long-enough-passphrase"


@pytest.fixture
def people() -> dict[str, User]:
    home, away = AgencyFactory(slug="home"), AgencyFactory(slug="away")
    return {
        "admin": UserFactory(roles=[Role.AGENCY_ADMIN], agency=home),
        "sysadmin": UserFactory(roles=[Role.SYSTEM_ADMIN], agency=away),
        "supervisor": UserFactory(roles=[Role.SUPERVISOR], agency=home),
        "worker": UserFactory(roles=[Role.CASEWORKER], agency=home),
        "away_admin": UserFactory(roles=[Role.AGENCY_ADMIN], agency=away),
    }


MANAGES_HOME = {"admin", "sysadmin"}
VIEWS_USERS = {"admin", "sysadmin", "supervisor", "away_admin"}
NAMES = ["admin", "sysadmin", "supervisor", "worker", "away_admin"]


@pytest.mark.parametrize("name", NAMES)
def test_user_predicates(people, name):
    actor, target = people[name], people["worker"]
    assert policy.can_view_users(actor) == (name in VIEWS_USERS)
    assert policy.can_manage_users(actor) == (name in {"admin", "sysadmin", "away_admin"})
    assert policy.can_manage_agency_users(actor, target.agency_id) == (name in MANAGES_HOME)
    assert policy.can_manage_user(actor, target) == (name in MANAGES_HOME)
    assert policy.can_create_agency(actor) == (name == "sysadmin")
    assert policy.is_system_admin(actor) == (name == "sysadmin")
    assert policy.can_grant_role(actor, Role.CASEWORKER)
    assert policy.can_grant_role(actor, Role.SYSTEM_ADMIN) == (name == "sysadmin")


def test_a_deactivated_admin_manages_nobody(people):
    admin = people["admin"]
    admin.is_active = False
    assert not policy.can_manage_user(admin, people["worker"])
    assert not policy.can_view_users(admin)


@pytest.mark.parametrize("name", NAMES)
def test_users_page_offers_account_creation_as_the_policy_allows(client, people, name):
    actor = people[name]
    client.force_login(actor)
    response = client.get(reverse("accounts:users"))
    if not policy.can_view_users(actor):
        assert response.status_code == 403
        return
    offered = "Create account" in response.content.decode()
    assert offered == policy.can_manage_agency_users(actor, actor.agency_id)


def _refused(call) -> bool:
    try:
        call()
    except NotAllowed:
        return True
    except ActionError:
        return False
    return False


@pytest.mark.parametrize("name", NAMES)
def test_create_user_refuses_as_the_policy_says(people, name):
    actor, home = people[name], people["worker"].agency
    refused = _refused(
        lambda: do_create_user(
            agency=home, username=f"new.{name}", password=PASSPHRASE, roles=["caseworker"],
            actor=actor,
        )
    )  # fmt: skip
    assert refused == (not policy.can_manage_agency_users(actor, home.pk))
    assert User.objects.filter(username=f"new.{name}").exists() == (not refused)


@pytest.mark.parametrize("name", NAMES)
def test_set_roles_and_deactivate_refuse_as_the_policy_says(people, name):
    actor, target = people[name], people["worker"]
    allowed = policy.can_manage_user(actor, target)
    assert _refused(lambda: do_set_user_roles(user=target, roles=["supervisor"], actor=actor)) == (
        not allowed
    )
    assert _refused(lambda: do_deactivate_user(user=target, actor=actor)) == (not allowed)
    assert User.objects.get(pk=target.pk).is_active == (not allowed)


@pytest.mark.parametrize("name", NAMES)
def test_create_agency_refuses_as_the_policy_says(people, name):
    actor = people[name]
    refused = _refused(
        lambda: do_create_agency(slug=f"new-{name}", name="New", kind="national_ngo", actor=actor)
    )
    assert refused == (not policy.can_create_agency(actor))
    assert Agency.objects.filter(slug=f"new-{name}").exists() == (not refused)


def test_only_a_system_admin_grants_the_system_admin_role(people):
    with pytest.raises(ActionError):
        do_set_user_roles(user=people["worker"], roles=["system_admin"], actor=people["admin"])
    do_set_user_roles(user=people["worker"], roles=["system_admin"], actor=people["sysadmin"])
    assert User.objects.get(pk=people["worker"].pk).roles == {"system_admin"}


# --- Second factor: enrolment and confirmation are actions ---------------------------------


def _start(**kwargs: object) -> TOTPDevice:
    """Enrolment as the page runs it: moments after the password was re-typed."""
    return do_start_totp_enrolment(reauthenticated_at=time.time(), **kwargs)  # type: ignore[arg-type]


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_enrolment_creates_an_unconfirmed_device_and_audits_it(people):
    worker = people["worker"]
    device = _start(origin="web:test", actor=worker)
    assert device.user_id == worker.pk and not device.confirmed
    entry = AuditEntry.objects.get(action="auth.totp_enrol")
    assert entry.actor_id == str(worker.pk) and entry.origin == "web:test"
    assert entry.details == {"device": device.pk}


def test_enrolment_resumes_the_device_begun_and_never_anothers(people):
    worker, admin = people["worker"], people["admin"]
    device = _start(actor=worker)
    assert _start(resume=device.pk, actor=worker) == device
    assert AuditEntry.objects.filter(action="auth.totp_enrol").count() == 1
    other = _start(resume=device.pk, actor=admin)
    assert other != device and other.user_id == admin.pk
    junk = _start(resume="\x00", actor=worker)
    assert junk != device


def test_confirmation_with_a_wrong_code_confirms_nothing(people):
    worker = people["worker"]
    device = _start(actor=worker)
    wrong = "000000" if _code(device) != "000000" else "111111"
    assert not do_confirm_totp_device(device=device, token=wrong, actor=worker)
    device.refresh_from_db()
    assert not device.confirmed and device.throttling_failure_count == 1
    assert not AuditEntry.objects.filter(action="auth.totp_confirm").exists()


def test_confirmation_with_the_right_code_confirms_and_audits(people):
    worker = people["worker"]
    device = _start(actor=worker)
    assert do_confirm_totp_device(device=device, token=_code(device), actor=worker)
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.get(action="auth.totp_confirm").actor_id == str(worker.pk)


def test_nobody_confirms_someone_elses_device(people):
    device = _start(actor=people["worker"])
    with pytest.raises(NotAllowed):
        do_confirm_totp_device(device=device, token=_code(device), actor=people["admin"])
    device.refresh_from_db()
    assert not device.confirmed


def test_a_confirmed_device_is_not_confirmed_again(people):
    worker = people["worker"]
    device = _start(actor=worker)
    do_confirm_totp_device(device=device, token=_code(device), actor=worker)
    with pytest.raises(NotAllowed):
        do_confirm_totp_device(device=device, token=_code(device), actor=worker)


def test_the_two_factor_page_enrols_through_the_actions(client, people):
    worker = people["worker"]
    client.post("/accounts/login/", {"username": worker.username, "password": PASSWORD})
    assert client.post("/accounts/2fa/", {"password": PASSWORD}).status_code == 302
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200 and page.context["enrolling"]
    device = TOTPDevice.objects.get(user=worker, confirmed=False)
    assert client.get("/accounts/2fa/").status_code == 200  # the same device, resumed
    assert TOTPDevice.objects.filter(user=worker).count() == 1
    assert client.post("/accounts/2fa/", {"token": _code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    done = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"auth.totp_enrol", "auth.totp_confirm", "auth.login"} <= done


def test_enrolment_is_refused_without_a_fresh_reauthentication(people):
    worker = people["worker"]
    with pytest.raises(NotAllowed):
        do_start_totp_enrolment(actor=worker)
    stale = time.time() - policy.ENROLMENT_WINDOW_SECONDS - 1
    with pytest.raises(NotAllowed):
        do_start_totp_enrolment(reauthenticated_at=stale, actor=worker)
    assert not TOTPDevice.objects.filter(user=worker).exists()


def test_an_account_with_a_confirmed_authenticator_gets_no_second_one(people):
    worker = people["worker"]
    device = _start(actor=worker)
    do_confirm_totp_device(device=device, token=_code(device), actor=worker)
    with pytest.raises(NotAllowed):
        _start(actor=worker)
    assert TOTPDevice.objects.filter(user=worker).count() == 1


def test_can_enrol_authenticator_predicate(people):
    worker, now = people["worker"], time.time()
    assert policy.can_enrol_authenticator(
        worker, has_confirmed_device=False, reauthenticated_at=now - 5, now=now
    )
    assert not policy.can_enrol_authenticator(
        worker, has_confirmed_device=True, reauthenticated_at=now - 5, now=now
    )
    assert not policy.can_enrol_authenticator(
        worker, has_confirmed_device=False, reauthenticated_at=None, now=now
    )
    assert not policy.can_enrol_authenticator(
        worker, has_confirmed_device=False, reauthenticated_at=now - 3600, now=now
    )

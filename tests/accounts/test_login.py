"""Logging in: password, second factor, lockout, session expiry, user management page."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from amana.accounts.models import User
from amana.accounts.roles import Role
from amana.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _login(client, username, password, next_url="/"):
    return client.post(LOGIN, {"username": username, "password": password, "next": next_url})


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_right_password_logs_in_and_is_audited(client, make_user, password):
    user = make_user(Role.CASEWORKER)
    response = _login(client, user.username, password)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(
        action="auth.login", actor=user.username, outcome="ok"
    ).exists()


def test_wrong_password_is_refused_without_saying_which_part(client, make_user):
    user = make_user(Role.CASEWORKER)
    response = _login(client, user.username, "wrong-password-here")
    assert response.status_code == 200
    assert b"do not match an active account" in response.content
    assert client.get("/").status_code == 302


def test_inactive_user_cannot_log_in(client, make_user, password):
    user = make_user(Role.CASEWORKER, is_active=False)
    _login(client, user.username, password)
    assert client.get("/").status_code == 302


def test_open_redirect_is_ignored(client, make_user, password):
    user = make_user(Role.CASEWORKER)
    response = _login(client, user.username, password, next_url="https://evil.example/")
    assert response["Location"] == "/"


def test_delay_after_five_failures_even_with_right_password(client, make_user, password):
    user = make_user(Role.CASEWORKER)
    for _ in range(5):
        _login(client, user.username, "wrong-password-here")
    response = _login(client, user.username, password)
    assert response.status_code == 429
    assert b"Try again in 30 seconds" in response.content
    assert response["Retry-After"] == "30"
    assert client.get("/").status_code == 302


def test_four_failures_do_not_lock(client, make_user, password):
    user = make_user(Role.CASEWORKER)
    for _ in range(4):
        _login(client, user.username, "wrong-password-here")
    assert _login(client, user.username, password).status_code == 302
    assert client.get("/").status_code == 200


@override_settings(AMANA_REQUIRE_2FA=True)
def test_required_2fa_blocks_everything_until_enrolled(client, make_user, password):
    user = make_user(Role.CASEWORKER)
    response = _login(client, user.username, password)
    assert response["Location"].startswith("/accounts/2fa/")
    assert client.get("/").status_code == 302
    assert client.get("/api/schema/").status_code == 401
    asked = client.get("/accounts/2fa/")
    assert asked.status_code == 200 and "secret" not in asked.context  # password first
    assert not TOTPDevice.objects.filter(user=user).exists()
    wrong = client.post("/accounts/2fa/", {"password": "not-my-password"})
    assert wrong.status_code == 200 and "secret" not in wrong.context
    assert client.post("/accounts/2fa/", {"password": password}).status_code == 302
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200 and page.context["enrolling"] and page.context["secret"]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    bad = client.post(
        "/accounts/2fa/", {"token": "000000" if _code(device) != "000000" else "111111"}
    )
    assert bad.status_code == 200 and client.get("/").status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp slows down guessing
    device.throttle_reset()  # as if the throttle delay had passed
    good = client.post("/accounts/2fa/", {"token": _code(device)})
    assert good.status_code == 302
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_enrolled_user_must_give_a_code_even_when_not_required(client, make_user, password):
    user = make_user(Role.CASEWORKER)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    response = _login(client, user.username, password)
    assert response["Location"].startswith("/accounts/2fa/")
    assert client.get("/").status_code == 302
    client.post("/accounts/2fa/", {"token": _code(device)})
    assert client.get("/").status_code == 200


def test_session_expires_after_inactivity(client, make_user, password, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # Renewed by activity, at most once a minute (tests/core/test_sessions.py).
    assert settings.SESSION_ENGINE == "amana.core.sessions"
    user = make_user(Role.CASEWORKER)
    _login(client, user.username, password)
    session = client.session
    session.set_expiry(-1)
    session.save()
    assert client.get("/").status_code == 302


def test_logout_requires_post(client, make_user, password):
    user = make_user(Role.CASEWORKER)
    _login(client, user.username, password)
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_agency_admin_creates_user_in_own_agency(client, make_user, password):
    admin = make_user(Role.AGENCY_ADMIN)
    client.force_login(admin)
    response = client.post(
        reverse("accounts:users"),
        {"username": "new.cw", "password": "a-long-enough-passphrase", "roles": ["caseworker"]},
    )
    assert response.status_code == 302
    assert User.objects.get(username="new.cw").agency == admin.agency


def test_a_new_users_work_contact_is_recorded(client, make_user):
    admin = make_user(Role.AGENCY_ADMIN)
    client.force_login(admin)
    form = {
        "username": "reach.me",
        "full_name": "Amal Saleh",
        "email": "amal@example.org",
        "phone": " +962 6 555 0101 ",
        "password": "a-long-enough-passphrase",
        "roles": ["caseworker"],
    }
    assert client.post(reverse("accounts:users"), form).status_code == 302
    created = User.objects.get(username="reach.me")
    assert (created.phone, created.email) == ("+962 6 555 0101", "amal@example.org")
    too_long = form | {"username": "too.long", "phone": "1" * 41}
    assert client.post(reverse("accounts:users"), too_long).status_code == 400
    assert not User.objects.filter(username="too.long").exists()


def test_user_form_bad_input_is_400_and_keeps_what_was_typed(client, make_user):
    admin = make_user(Role.AGENCY_ADMIN)
    client.force_login(admin)
    response = client.post(
        reverse("accounts:users"),
        {"username": "kept.name", "password": "short", "roles": ["caseworker"]},
    )
    assert response.status_code == 400
    assert b'value="kept.name"' in response.content
    assert not User.objects.filter(username="kept.name").exists()


def test_caseworker_cannot_open_user_management(client, make_user):
    worker = make_user(Role.CASEWORKER)
    client.force_login(worker)
    assert client.get(reverse("accounts:users")).status_code == 403
    response = client.post(
        reverse("accounts:users"),
        {"username": "sneaky", "password": "a-long-enough-passphrase", "roles": ["caseworker"]},
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="sneaky").exists()


def test_supervisor_sees_users_but_cannot_create(client, make_user):
    supervisor = make_user(Role.SUPERVISOR)
    client.force_login(supervisor)
    assert client.get(reverse("accounts:users")).status_code == 200
    response = client.post(
        reverse("accounts:users"),
        {"username": "sneaky", "password": "a-long-enough-passphrase", "roles": ["caseworker"]},
    )
    assert response.status_code == 403

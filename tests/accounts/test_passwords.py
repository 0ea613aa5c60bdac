"""Password change by its owner, reset by an administrator (a forced change at next log-in),
the enrolment secret only after re-typing the password, and the absolute session lifetime."""

from __future__ import annotations

import time

import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from amana.accounts import actions
from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.core.middleware import SESSION_STARTED_KEY

pytestmark = pytest.mark.django_db
NEW = "a-brand-new-long-passphrase"
CHANGE = "/accounts/password/"


def _login(client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _change(client, old: str, new: str = NEW, again: str | None = None):
    data = {"old_password": old, "new_password": new, "new_password_again": again or new}
    return client.post(CHANGE, data)


# --- change ------------------------------------------------------------------------------


def test_user_changes_their_password_and_it_is_audited(client, make_user, password):
    user = make_user(Role.CASEWORKER)
    _login(client, user.username, password)
    assert client.get(CHANGE).status_code == 200
    response = _change(client, password)
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # still logged in
    user.refresh_from_db()
    assert user.check_password(NEW)
    entry = AuditEntry.objects.get(action="user.change_password")
    assert entry.actor_id == str(user.pk) and NEW not in str(entry.details)


@pytest.mark.parametrize(
    "case",
    [
        ("wrong-old-password", NEW, NEW, "old_password"),
        (None, NEW, NEW + "x", "new_password_again"),
        (None, "short", "short", "new_password"),
        (None, "123456789012345", "123456789012345", "new_password"),
    ],
)
def test_bad_changes_are_refused_on_their_field(client, make_user, password, case):
    old, new, again, field = case
    user = make_user(Role.CASEWORKER)
    _login(client, user.username, password)
    response = _change(client, old or password, new, again)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    user.refresh_from_db()
    assert user.check_password(password)


def test_change_action_refuses_the_same_password(make_user, password):
    user = make_user(Role.CASEWORKER)
    with pytest.raises(ActionError):
        actions.do_change_password(
            old_password=password, new_password=password, new_password_again=password, actor=user
        )


# --- reset -------------------------------------------------------------------------------


def test_admin_resets_a_password_and_the_user_must_change_it(client, make_user, password):
    admin = make_user(Role.AGENCY_ADMIN)
    worker = make_user(Role.CASEWORKER, agency=admin.agency)
    _login(client, admin.username, password)
    assert b"Reset password" in client.get("/accounts/users/").content
    done = client.post(f"/accounts/users/{worker.pk}/reset-password/")
    assert done.status_code == 200
    temporary = done.context["temporary"]
    worker.refresh_from_db()
    assert worker.must_change_password and worker.check_password(temporary)
    entry = AuditEntry.objects.get(action="user.reset_password")
    assert entry.actor_id == str(admin.pk) and entry.object_id == str(worker.pk)
    assert temporary not in str(entry.details)

    client.post("/accounts/logout/")
    assert _login(client, worker.username, temporary).status_code == 302
    walled = client.get("/")
    assert walled.status_code == 302 and walled["Location"] == CHANGE
    assert client.get("/api/v1/cases/").status_code == 401
    page = client.get(CHANGE)
    assert page.status_code == 200 and page.context["forced"]
    assert _change(client, temporary).status_code == 302
    assert client.get("/").status_code == 200
    worker.refresh_from_db()
    assert not worker.must_change_password
    assert AuditEntry.objects.get(action="user.change_password").details == {"forced": True}


def test_reset_ends_the_users_open_sessions(client, make_user, password):
    admin = make_user(Role.AGENCY_ADMIN)
    worker = make_user(Role.CASEWORKER, agency=admin.agency)
    _login(client, worker.username, password)
    actions.do_reset_password(user=worker, actor=admin)
    assert client.get("/").status_code == 302


def test_only_a_manager_of_the_agency_resets(client, make_user, password):
    admin = make_user(Role.AGENCY_ADMIN)
    stranger = make_user(Role.CASEWORKER)  # another agency
    colleague = make_user(Role.CASEWORKER, agency=admin.agency)
    supervisor = make_user(Role.SUPERVISOR, agency=admin.agency)
    with pytest.raises(NotAllowed):
        actions.do_reset_password(user=stranger, actor=admin)
    with pytest.raises(NotAllowed):
        actions.do_reset_password(user=colleague, actor=supervisor)
    with pytest.raises(ActionError):
        actions.do_reset_password(user=admin, actor=admin)
    client.force_login(supervisor)
    assert client.post(f"/accounts/users/{colleague.pk}/reset-password/").status_code == 403
    client.force_login(admin)
    assert client.post(f"/accounts/users/{stranger.pk}/reset-password/").status_code == 404
    stranger.refresh_from_db()
    colleague.refresh_from_db()
    assert not stranger.must_change_password and not colleague.must_change_password
    assert not AuditEntry.objects.filter(action="user.reset_password").exists()


# --- enrolment secret only after re-typing the password -----------------------------------


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@override_settings(AMANA_REQUIRE_2FA=True)
def test_enrolment_needs_the_password_again_and_a_recent_password_step(
    client, make_user, password, monkeypatch
):
    user = make_user(Role.CASEWORKER)
    client.force_login(user)  # a session that never passed the password step here
    stale = client.get("/accounts/2fa/")
    assert stale.status_code == 302 and stale["Location"] == "/accounts/login/"
    assert not TOTPDevice.objects.filter(user=user).exists()

    _login(client, user.username, password)
    first = client.get("/accounts/2fa/")
    assert "secret" not in first.context and b"Type your password again" in first.content
    assert client.post("/accounts/2fa/", {"password": password}).status_code == 302
    assert client.get("/accounts/2fa/").context["secret"]

    # Minutes later the re-typed password is stale and the secret is not shown again.
    later = time.time() + 11 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get("/accounts/2fa/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


def test_a_password_alone_never_shows_a_secret_to_an_enrolled_account(client, make_user, password):
    user = make_user(Role.CASEWORKER)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    _login(client, user.username, password)
    for response in (
        client.get("/accounts/2fa/"),
        client.post("/accounts/2fa/", {"password": password}),
    ):
        assert not response.context["enrolling"] and "secret" not in response.context
        assert "qr" not in response.context
    assert TOTPDevice.objects.filter(user=user).count() == 1
    client.post("/accounts/2fa/", {"token": _code(device)})
    assert client.get("/").status_code == 200


# --- absolute session lifetime -------------------------------------------------------------


def test_session_ends_after_its_maximum_age_however_active(client, make_user, password, settings):
    assert settings.AMANA_SESSION_MAX_AGE == 12 * 3600
    user = make_user(Role.CASEWORKER)
    _login(client, user.username, password)
    assert client.get("/").status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - 12 * 3600 - 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/").status_code == 302  # logged out, not just redirected once


def test_session_within_its_maximum_age_goes_on(client, make_user, password):
    user = make_user(Role.CASEWORKER)
    _login(client, user.username, password)
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - 11 * 3600
    session.save()
    assert client.get("/").status_code == 200


def test_session_without_a_start_time_is_ended(client, make_user, password):
    user = make_user(Role.CASEWORKER)
    _login(client, user.username, password)
    session = client.session
    del session[SESSION_STARTED_KEY]
    session.save()
    assert client.get("/").status_code == 302


def test_the_current_password_is_not_guessed_on_the_change_page(client, make_user, password):
    user = make_user(Role.CASEWORKER)
    _login(client, user.username, password)
    for _ in range(5):
        assert _change(client, "a-wrong-guess-here").status_code == 400
    assert _change(client, password).status_code == 429
    user.refresh_from_db()
    assert user.check_password(password)


@pytest.mark.parametrize("typed", [" spaced password ", "  leading", "trailing  "])
def test_a_password_form_keeps_the_password_exactly_as_typed(typed):
    from amana.accounts.forms import LoginForm

    form = LoginForm({"username": "someone", "password": typed})
    assert form.is_valid()
    assert form.cleaned_data["password"] == typed


def test_denied_twin_spaces_are_part_of_the_password():
    from amana.accounts.forms import LoginForm

    form = LoginForm({"username": "someone", "password": " secret "})
    assert form.is_valid()
    assert form.cleaned_data["password"] != "secret"

"""Login with a second factor, logout, and agency user management."""

from __future__ import annotations

import base64
import time
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from amana.accounts import access, actions, policy, throttle
from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    ReauthenticateForm,
    TokenForm,
    UserCreateForm,
)
from amana.accounts.models import User
from amana.audit.log import origin_of

SETUP_DEVICE_KEY = "amana_totp_setup_device"
# When this session passed the password step, and when it re-typed the password on the
# enrolment page (seconds since the epoch).
PASSWORD_AT_KEY = "amana_password_at"  # noqa: S105 - a session key, not a password
REAUTH_AT_KEY = "amana_reauth_at"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


def throttled_response(request: HttpRequest, wait: int) -> HttpResponse:
    """Refused before the password is looked at: too many recent failures."""
    message = ngettext(
        "Too many failed log-ins. Try again in %(seconds)d second.",
        "Too many failed log-ins. Try again in %(seconds)d seconds.",
        wait,
    ) % {"seconds": wait}
    response = render(request, "accounts/locked.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        address = throttle.client_address(request)
        verdict = throttle.check(username, address)
        if not verdict.allowed:
            return throttled_response(request, verdict.wait)
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if isinstance(user, User) and user.is_active:
            throttle.record_success(username)
            login(request, user)
            request.session[PASSWORD_AT_KEY] = time.time()
            actions.do_record_login(user=user, outcome="ok", origin=origin_of(request))
            if user_has_device(user) or settings.AMANA_REQUIRE_2FA:
                return redirect(f"/accounts/2fa/?{urlencode({'next': _safe_next(request)})}")
            return redirect(_safe_next(request))
        throttle.record_failure(username, address)
        form.add_error(None, _("That username and password do not match an active account."))
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _session_time(request: HttpRequest, key: str) -> float | None:
    value = request.session.get(key)
    return float(value) if isinstance(value, int | float) else None


def _password_step_fresh(request: HttpRequest) -> bool:
    at = _session_time(request, PASSWORD_AT_KEY)
    return at is not None and 0 <= time.time() - at <= policy.ENROLMENT_WINDOW_SECONDS


def _reauthenticated(request: HttpRequest) -> bool:
    at = _session_time(request, REAUTH_AT_KEY)
    return at is not None and 0 <= time.time() - at <= policy.ENROLMENT_WINDOW_SECONDS


def _setup_device(request: HttpRequest, user: User) -> TOTPDevice:
    device = actions.do_start_totp_enrolment(
        resume=request.session.get(SETUP_DEVICE_KEY),
        reauthenticated_at=_session_time(request, REAUTH_AT_KEY),
        origin=origin_of(request),
        actor=user,
    )
    request.session[SETUP_DEVICE_KEY] = device.pk
    return device


def _qr_data_uri(config_url: str) -> str:
    image = qrcode.make(config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="UTF-8", xml_declaration=True)
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


@require_http_methods(["GET", "POST"])
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Verify a code; a user with no authenticator yet enrols one here first."""
    user = request.user
    assert isinstance(user, User)
    enrolling = not user_has_device(user)
    if enrolling:
        if not _password_step_fresh(request):
            # Enrolment shows a secret: only straight after the password step.
            logout(request)
            messages.info(request, _("Log in again to set up your authenticator app."))
            return redirect(settings.LOGIN_URL)
        if not _reauthenticated(request):
            return _reauthenticate(request, user)
    device = _setup_device(request, user) if enrolling else None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        matched = _match(request, user, device, token)
        if matched is not None:
            otp_login(request, matched)
            request.session.pop(SETUP_DEVICE_KEY, None)
            actions.do_record_login(user=user, outcome="ok", origin=origin_of(request) + ":2fa")
            return redirect(_safe_next(request))
        actions.do_record_login(user=user, outcome="denied", origin=origin_of(request) + ":2fa")
        form.add_error(
            "token", _("That code is not valid. Check the time on your phone and try again.")
        )
    context = {"form": form, "enrolling": enrolling, "next": _safe_next(request)}
    if device is not None:
        context["qr"] = _qr_data_uri(device.config_url)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor.html", context)


def _reauthenticate(request: HttpRequest, user: User) -> HttpResponse:
    """Re-type the password before an authenticator secret is shown (throttled like log-in)."""
    form = ReauthenticateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = throttle.client_address(request)
        verdict = throttle.check(user.username, address)
        if not verdict.allowed:
            return throttled_response(request, verdict.wait)
        if user.check_password(form.cleaned_data["password"]):
            throttle.record_success(user.username)
            request.session[REAUTH_AT_KEY] = time.time()
            return redirect(request.get_full_path())
        throttle.record_failure(user.username, address)
        form.add_error("password", _("That is not your password."))
    context = {"form": form, "next": _safe_next(request)}
    return render(request, "accounts/reauthenticate.html", context)


@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    """Choose a new password: the current one, then the new one twice."""
    user = request.user
    assert isinstance(user, User)
    form = PasswordChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        address = throttle.client_address(request)
        verdict = throttle.check(user.username, address)
        if not verdict.allowed:  # the current password is not guessed here either
            return throttled_response(request, verdict.wait)
        if form.is_valid():
            try:
                actions.do_change_password(
                    origin=origin_of(request), actor=user, **form.cleaned_data
                )
            except ActionError as exc:
                if exc.field == "old_password":
                    throttle.record_failure(user.username, address)
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                update_session_auth_hash(request, user)
                messages.success(request, _("Your password has been changed."))
                return redirect(settings.LOGIN_REDIRECT_URL)
        status = 400
    context = {"form": form, "forced": user.must_change_password}
    return render(request, "accounts/password_change.html", context, status=status)


@require_POST
def password_reset_view(request: HttpRequest, user_id: str) -> HttpResponse:
    """An administrator resets an account's password; the temporary one is shown once."""
    actor = request.user
    assert isinstance(actor, User)
    target = access.access_user(actor, user_id)
    if not policy.can_manage_user(actor, target):
        return HttpResponseForbidden(_("You cannot reset this password."))
    try:
        temporary = actions.do_reset_password(user=target, origin=origin_of(request), actor=actor)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:users")
    except NotAllowed:
        return HttpResponseForbidden(_("You cannot reset this password."))
    context = {"target": target, "temporary": temporary}
    return render(request, "accounts/password_reset_done.html", context)


def _match(
    request: HttpRequest, user: User, setup: TOTPDevice | None, token: str
) -> TOTPDevice | None:
    if setup is not None:
        confirmed = actions.do_confirm_totp_device(
            device=setup, token=token, origin=origin_of(request), actor=user
        )
        return setup if confirmed else None
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


@login_required
@require_http_methods(["GET", "POST"])
def users_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    assert isinstance(actor, User)
    if not policy.can_view_users(actor):
        return HttpResponseForbidden(_("You do not have access to user management."))
    can_manage = policy.can_manage_agency_users(actor, actor.agency_id)
    form = UserCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_manage:
            return HttpResponseForbidden(_("You cannot create accounts."))
        if form.is_valid():
            try:
                actions.do_create_user(agency=actor.agency, actor=actor, **form.cleaned_data)
            except ActionError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            except NotAllowed:
                return HttpResponseForbidden(_("You cannot create accounts."))
            else:
                messages.success(request, _("Account created."))
                return redirect("accounts:users")
        status = 400
    users = access.visible_users(actor)
    manageable = {u.pk for u in users if u.pk != actor.pk and policy.can_manage_user(actor, u)}
    context = {"users": users, "form": form, "can_manage": can_manage, "manageable": manageable}
    return render(request, "accounts/users.html", context, status=status)

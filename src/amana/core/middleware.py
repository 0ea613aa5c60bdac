"""Security headers and the login wall."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# URL names anyone may reach: logging in, the health check, the language switch.
PUBLIC_URL_NAMES = frozenset({"accounts:login", "health", "set_language"})
# Path prefixes anyone may reach: static files (normally served by WhiteNoise before this).
PUBLIC_PREFIXES = ("/static/",)
# Reachable after the password step while the second factor is still due.
TWO_FACTOR_URL_NAMES = frozenset({"accounts:two_factor", "accounts:logout"})
# Reachable by a user whose password was reset, until they choose their own.
PASSWORD_CHANGE_URL_NAMES = frozenset({"accounts:password_change", "accounts:logout"})
API_PREFIX = "/api/"
# When the session's user logged in (seconds since the epoch): the absolute lifetime counts
# from here, whatever the activity since.
SESSION_STARTED_KEY = "amana_session_started"


def stamp_session_start(request: HttpRequest) -> None:
    request.session[SESSION_STARTED_KEY] = time.time()


def session_too_old(request: HttpRequest) -> bool:
    """Past `AMANA_SESSION_MAX_AGE` since log-in, or with no log-in time at all."""
    started = request.session.get(SESSION_STARTED_KEY)
    if not isinstance(started, int | float):
        return True
    return time.time() - float(started) > settings.AMANA_SESSION_MAX_AGE


class ContentSecurityPolicyMiddleware:
    """Same-origin resources only: no inline script or style, no framing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CSP
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def view_name(request: HttpRequest) -> str | None:
    """The namespaced URL name the request resolves to, or None for an unknown path."""
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


def _wants_json(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _deny(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=401)


def _to_second_factor(request: HttpRequest) -> HttpResponse:
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('accounts:two_factor')}?{query}")


class LoginRequiredMiddleware:
    """Deny by default: everything but the public URLs needs a logged-in user.

    Unknown paths redirect to the login page too, so an anonymous visitor cannot tell which
    URLs exist. A session older than `AMANA_SESSION_MAX_AGE` since its log-in ends, however
    active. Where two-factor authentication is due, a user who has passed only the password
    step may reach nothing but the two-factor pages; a user whose password an administrator
    reset reaches nothing but the password change page. Pages shown to a logged-in user are
    never cached: caseworkers share laptops.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = view_name(request)
        if name in PUBLIC_URL_NAMES or request.path_info.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        if request.user.is_authenticated and session_too_old(request):
            logout(request)
        if not request.user.is_authenticated:
            if _wants_json(request):
                return _deny(_("authentication required"))
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if name not in TWO_FACTOR_URL_NAMES and needs_second_factor(request):
            if _wants_json(request):
                return _deny(_("two-factor verification required"))
            return _to_second_factor(request)
        if name not in PASSWORD_CHANGE_URL_NAMES and getattr(
            request.user, "must_change_password", False
        ):
            if _wants_json(request):
                return _deny(_("password change required"))
            return redirect("accounts:password_change")
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


def needs_second_factor(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    verified = bool(getattr(user, "is_verified", lambda: False)())
    if verified:
        return False
    if settings.AMANA_REQUIRE_2FA:
        return True
    from django_otp import user_has_device

    return bool(user_has_device(user))

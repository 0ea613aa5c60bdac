"""Security headers and the login wall."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
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
    return has_confirmed_device(user)


def has_confirmed_device(user: Any) -> bool:
    """Whether the user has a confirmed two-factor device, read once a request: the
    authentication backend reads it with the user (`accounts.backends`); otherwise it is asked
    of django-otp and kept on the request's user object."""
    known = getattr(user, "has_confirmed_device", None)
    if known is None:
        from django_otp import user_has_device

        known = bool(user_has_device(user))
        user.has_confirmed_device = known
    return bool(known)


MAX_JSON_DEPTH = 32
JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
JSON_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth(body: bytes) -> int:
    """How deeply a JSON text nests arrays and objects, counted without parsing it (a parser
    would recurse, and fail, on the deep text this guards against)."""
    depth = deepest = 0
    for bracket in JSON_BRACKET.findall(JSON_STRING.sub(b'""', body)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _nul_in_json(value: Any, where: str) -> str | None:
    """The key path of the first string (or key) holding a NUL character."""
    if isinstance(value, str):
        return where if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            if "\x00" in str(key):
                return path
            found = _nul_in_json(item, path)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_in_json(item, f"{where}[{index}]")
            if found is not None:
                return found
    return None


class BadInput(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _check_query(request: HttpRequest) -> None:
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            raise BadInput(name.replace("\x00", "\\x00"), _("A NUL character is not allowed."))


def _check_json_body(request: HttpRequest) -> None:
    body = request.body
    if not body:
        return
    if json_depth(body) > MAX_JSON_DEPTH:
        raise BadInput(
            "body",
            _("The JSON nests more than %(n)d levels deep.") % {"n": MAX_JSON_DEPTH},
        )
    if b"\x00" in body or b"\\u0000" in body.lower():
        try:
            parsed = json.loads(body)
        except ValueError:
            return  # the API's parser answers malformed JSON
        where = _nul_in_json(parsed, "")
        if where is not None:
            raise BadInput(where or "body", _("A NUL character is not allowed."))


def _check_form_body(request: HttpRequest) -> None:
    for name, values in request.POST.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            raise BadInput(name.replace("\x00", "\\x00"), _("A NUL character is not allowed."))


class InputGuardMiddleware:
    """Input that no view can store, refused before any view runs: a NUL character in the
    path, a query value or a posted value (PostgreSQL text cannot hold one), and JSON nested
    deeper than `MAX_JSON_DEPTH` levels. The API answers 400 `{"error", "field"}` naming where;
    a page answers a 400 page. Nothing is stored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            self._check(request)
        except BadInput as bad:
            return self._refuse(request, bad)
        return self.get_response(request)

    @staticmethod
    def _check(request: HttpRequest) -> None:
        if "\x00" in request.path_info:
            raise BadInput("path", _("A NUL character is not allowed in the address."))
        _check_query(request)
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return
        content_type = request.content_type or ""
        if content_type == "application/json" or content_type.endswith("+json"):
            _check_json_body(request)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            _check_form_body(request)

    @staticmethod
    def _refuse(request: HttpRequest, bad: BadInput) -> HttpResponse:
        if _wants_json(request):
            body = {"error": bad.message, "field": bad.field, "fields": {bad.field: [bad.message]}}
            return JsonResponse(body, status=400)
        return render(request, "core/bad_request.html", {"message": bad.message}, status=400)

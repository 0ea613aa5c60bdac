"""Security headers and the login wall."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

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

# Paths anyone may reach: logging in, the health check, static files, the language switch.
PUBLIC_PREFIXES = ("/static/", "/health", "/i18n/setlang/", "/accounts/login/")
# Reachable after the password step while the second factor is still due.
TWO_FACTOR_PREFIXES = ("/accounts/2fa/", "/accounts/logout/")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CSP
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class LoginRequiredMiddleware:
    """Deny by default: everything but the public paths needs a logged-in user.

    Where two-factor authentication is required, a user who has passed only the password step
    may reach nothing but the two-factor pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            if _wants_json(request):
                return JsonResponse({"error": "authentication required"}, status=401)
            return redirect(f"{reverse(settings.LOGIN_URL)}?next={path}")
        if needs_second_factor(request) and not path.startswith(TWO_FACTOR_PREFIXES):
            if _wants_json(request):
                return JsonResponse({"error": "two-factor verification required"}, status=401)
            return redirect("accounts:two_factor")
        return self.get_response(request)


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

"""The pages Django shows when a request fails before or outside a view's own handling: an
unknown address (404), a refusal raised as PermissionDenied (403), a form whose CSRF check
failed (403), a malformed request (400) and an unexpected error (500).

Each is a styled page in the user's language (the locale middleware has already chosen it),
laid out like every other page and kept to the CSP. Under /api/ the answer stays JSON,
`{"error": …}`, as the API's own errors are.

The 500 page is rendered from a plain context, without the request's context processors: the
error may come from the database or from the session, and the page must not fail in turn. If
even that fails, a short page with no template answers.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.html import escape
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from amana import __version__
from amana.config import ENV_DEMO

API_PREFIX = "/api/"
logger = logging.getLogger(__name__)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"error": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"error": _("You may not do this.")}, status=403)
    return render(request, "403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"error": _("The request could not be understood.")}, status=400)
    message = _("The request could not be understood. Go back and try again.")
    return render(request, "core/bad_request.html", {"message": message}, status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (an old tab, or cookies blocked): say what to do
    instead of Django's English technical page, which also breaks the CSP."""
    if _is_api(request):
        return JsonResponse({"error": _("The security check of this request failed.")}, status=403)
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"error": _("Something went wrong on our side.")}, status=500)
    context = {
        "amana_demo": settings.AMANA_ENV == ENV_DEMO,
        "amana_version": __version__,
    }
    try:
        body = loader.get_template("500.html").render(context)
    except Exception:  # the error page must answer whatever broke
        logger.exception("the 500 page could not be rendered")
        body = _bare_server_error()
    return HttpResponse(body, status=500)


def _bare_server_error() -> str:
    direction = "rtl" if get_language_bidi() else "ltr"
    title = escape(_("Something went wrong"))
    text = escape(_("Something went wrong on our side."))
    return (
        f'<!doctype html><html lang="{escape(get_language() or "en")}" dir="{direction}">'
        f'<head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><h1>{title}</h1><p>{text}</p></body></html>"
    )

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from amana import __version__
from amana.config import ENV_DEMO
from amana.core.middleware import needs_second_factor
from amana.core.navigation import entries_for


def _signed_in(request: HttpRequest) -> bool:
    """Logged in with every factor due: only then does the layout show the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return not needs_second_factor(request)


def _navigation(request: HttpRequest) -> Callable[[], list[dict[str, Any]]]:
    """The layout's navigation, worked out only if the page shows it (a template calls it)."""

    def entries() -> list[dict[str, Any]]:
        match = getattr(request, "resolver_match", None)
        return entries_for(getattr(request, "user", None), match.view_name if match else None)

    return entries


def shell(request: HttpRequest) -> dict[str, Any]:
    return {
        "amana_navigation": _navigation(request),
        "amana_env": settings.AMANA_ENV,
        "amana_demo": settings.AMANA_ENV == ENV_DEMO,
        "amana_languages": settings.LANGUAGES,
        "amana_signed_in": _signed_in(request),
        "amana_version": __version__,
    }

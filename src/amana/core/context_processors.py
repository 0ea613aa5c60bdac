from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, Any]:
    return {"amana_env": settings.AMANA_ENV, "amana_languages": settings.LANGUAGES}

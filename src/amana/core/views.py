from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_safe
from drf_spectacular.views import SpectacularSwaggerSplitView

from amana import __version__


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "unavailable"
    return "ok"


@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when the database answers, 503 otherwise."""
    database = _database_status()
    healthy = database == "ok"
    response = JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            "database": database,
            "version": __version__,
        },
        status=200 if healthy else 503,
    )
    add_never_cache_headers(response)
    return response


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {})


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI that obeys the CSP: assets from /static/, its start-up script a separate file.

    drf-spectacular's own template inlines a <style> block, which 'style-src self' blocks.
    """

    template_name = "core/api_docs.html"
    url_name = "api-schema"

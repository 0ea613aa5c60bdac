"""OpenAPI schema and Swagger UI: logged-in users only, every asset served from /static/."""

from __future__ import annotations

import json

import pytest

from amana.accounts.roles import Role
from tests.core.pages import csp_violations, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_client(client, make_user):
    client.force_login(make_user(Role.CASEWORKER))
    return client


def test_docs_page_loads_swagger_ui_from_static(user_client):
    response = user_client.get("/api/docs/")
    assert response.status_code == 200
    page = parse(response.content)
    scripts = [element.attrs["src"] for element in page.find("script") if "src" in element.attrs]
    styles = [element.attrs["href"] for element in page.find("link")]
    assert any(src.startswith("/static/drf_spectacular_sidecar/") for src in scripts)
    assert any(href.startswith("/static/drf_spectacular_sidecar/") for href in styles)
    assert all(url.startswith("/") and not url.startswith("//") for url in scripts + styles)


def test_docs_page_keeps_to_the_csp(user_client):
    """drf-spectacular's stock page inlines a <style> block the CSP blocks.

    amana.core.views.ApiDocsView serves the CSP-clean page: it must be what /api/docs/ routes to.
    """
    response = user_client.get("/api/docs/")
    assert csp_violations(response.content) == []


def test_docs_start_up_script_is_served_as_a_file(user_client):
    page = parse(user_client.get("/api/docs/").content)
    own = [e.attrs["src"] for e in page.find("script") if not e.attrs["src"].startswith("/static/")]
    assert len(own) == 1
    script = user_client.get(own[0])
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content and b"/api/schema/" in script.content


def test_docs_without_slash_redirects(user_client):
    response = user_client.get("/api/docs")
    assert response.status_code == 301 and response["Location"] == "/api/docs/"


def test_schema_is_an_openapi_document_for_a_logged_in_user(user_client):
    response = user_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Amana API"


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/docs"])
def test_schema_and_docs_are_401_anonymously(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert response.json() == {"error": "authentication required"}

"""CSP and the other security headers, and pages that keep to the CSP."""

from __future__ import annotations

import pytest
from django.test import override_settings

from amana.accounts.roles import Role
from tests.core.pages import csp_violations

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def _assert_secure_headers(response) -> None:
    directives = _directives(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(Role.AGENCY_ADMIN))
    return client


def test_login_page_sends_security_headers(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    _assert_secure_headers(response)


@pytest.mark.parametrize("path", ["/", "/accounts/users/"])
def test_signed_in_pages_send_security_headers_and_are_never_cached(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    _assert_secure_headers(response)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_redirects_and_errors_carry_the_headers_too(client, admin_client):
    _assert_secure_headers(client.get("/accounts/users/"))
    _assert_secure_headers(admin_client.get("/accounts/logout/"))  # 405


def _pages(client, make_user, password) -> dict[str, bytes]:
    pages = {"login": client.get("/accounts/login/").content}
    bad = client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    pages["login with errors"] = bad.content
    admin = make_user(Role.AGENCY_ADMIN)
    client.force_login(admin)
    pages["home"] = client.get("/").content
    pages["users"] = client.get("/accounts/users/").content
    pages["users with errors"] = client.post("/accounts/users/", {"username": "x"}).content
    pages["password change"] = client.get("/accounts/password/").content
    client.logout()
    with override_settings(AMANA_REQUIRE_2FA=True):
        client.post("/accounts/login/", {"username": admin.username, "password": password})
        pages["two-factor password again"] = client.get("/accounts/2fa/").content
        client.post("/accounts/2fa/", {"password": password})
        pages["two-factor enrolment"] = client.get("/accounts/2fa/").content
    client.logout()
    for _ in range(6):
        locked = client.post("/accounts/login/", {"username": admin.username, "password": "no"})
    pages["locked"] = locked.content
    return pages


def test_every_page_keeps_to_the_csp(client, make_user, password):
    pages = _pages(client, make_user, password)
    assert b"data:image/svg+xml;base64," in pages["two-factor enrolment"]
    assert b"Too many failed attempts" in pages["locked"]
    found = {name: csp_violations(html) for name, html in pages.items()}
    assert found == {name: [] for name in pages}


def test_the_checker_spots_what_a_browser_would_block():
    html = (
        '<p style="color:red" onclick="x()">a</p><style>p{}</style><script>alert(1)</script>'
        '<script src="https://cdn.example/x.js"></script><img src="data:image/png;base64,AA">'
    )
    assert csp_violations(html) == [
        "<script>alert(1)",
        "<style> element",
        "style= on <p>",
        "onclick= on <p>",
        "<script src='https://cdn.example/x.js'> is not same-origin",
    ]

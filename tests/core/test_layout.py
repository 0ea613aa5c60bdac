"""The page shell: skip link, navigation, account area, accessible forms, no JavaScript."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import override_settings

import amana.core
from amana.accounts.roles import Role
from tests.core.pages import parse

pytestmark = pytest.mark.django_db
CSS = Path(amana.core.__file__).parent / "static" / "amana" / "amana.css"


def _nav_links(response) -> list[str]:
    page = parse(response.content)
    return [a.attrs["href"] for a in page.elements if a.tag == "a" and "href" in a.attrs]


def test_skip_link_is_first_and_targets_main(client):
    page = parse(client.get("/accounts/login/").content)
    body_links = page.find("a")
    assert body_links[0].attrs == {"class": "skip-link", "href": "#main"}
    assert any(e.attrs.get("id") == "main" for e in page.find("main"))


def test_anonymous_page_has_no_navigation_or_logout(client):
    page = parse(client.get("/accounts/login/").content)
    assert page.find("nav") == []
    assert not [f for f in page.find("form") if f.attrs.get("action") == "/accounts/logout/"]


def test_signed_in_caseworker_sees_home_but_not_users(client, make_user):
    client.force_login(make_user(Role.CASEWORKER))
    response = client.get("/")
    page = parse(response.content)
    assert len(page.find("nav")) == 1
    assert "/accounts/users/" not in _nav_links(response)
    current = [a for a in page.find("a") if a.attrs.get("aria-current") == "page"]
    assert [a.attrs["href"] for a in current] == ["/"]
    assert [f for f in page.find("form") if f.attrs.get("action") == "/accounts/logout/"]


def test_user_manager_sees_users_link_marked_current(client, make_user):
    client.force_login(make_user(Role.AGENCY_ADMIN))
    page = parse(client.get("/accounts/users/").content)
    current = [a for a in page.find("a") if a.attrs.get("aria-current") == "page"]
    assert [a.attrs["href"] for a in current] == ["/accounts/users/"]


@override_settings(AMANA_REQUIRE_2FA=True)
def test_navigation_waits_for_the_second_factor(client, make_user, password):
    user = make_user(Role.AGENCY_ADMIN)
    client.post("/accounts/login/", {"username": user.username, "password": password})
    client.post("/accounts/2fa/", {"password": password})  # re-typed before the key is shown
    response = client.get("/accounts/2fa/")
    assert response.status_code == 200
    assert parse(response.content).find("nav") == []
    images = parse(response.content).find("img")
    assert images[0].attrs["src"].startswith("data:image/svg+xml;base64,")
    assert images[0].attrs["alt"]


@override_settings(AMANA_REQUIRE_2FA=True)
def test_pending_second_factor_redirect_keeps_the_destination(client, make_user, password):
    user = make_user(Role.AGENCY_ADMIN)
    client.post("/accounts/login/", {"username": user.username, "password": password})
    response = client.get("/accounts/users/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/?next=%2Faccounts%2Fusers%2F"


def test_form_errors_are_announced_and_tied_to_fields(client, make_user):
    client.force_login(make_user(Role.AGENCY_ADMIN))
    response = client.post("/accounts/users/", {"username": "someone"})
    page = parse(response.content)
    password = next(i for i in page.find("input") if i.attrs.get("name") == "password")
    assert password.attrs["aria-invalid"] == "true"
    assert password.attrs["aria-describedby"] == "id_password_error"
    assert any(e.attrs.get("id") == "id_password_error" for e in page.find("ul"))
    assert page.find("fieldset") and page.find("legend")  # the role checkboxes


def test_login_error_is_an_alert(client):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    alerts = [d for d in parse(response.content).find("div") if d.attrs.get("role") == "alert"]
    assert len(alerts) == 1
    assert "do not match an active account" in response.text


def test_pages_work_without_javascript(client, make_user):
    client.force_login(make_user(Role.AGENCY_ADMIN))
    for path in ("/", "/accounts/users/"):
        assert parse(client.get(path).content).find("script") == []


def test_demo_banner_only_in_demo(client, settings):
    assert "Demonstration system" not in client.get("/accounts/login/").text
    settings.AMANA_ENV = "demo"
    assert "Demonstration system" in client.get("/accounts/login/").text


def test_users_page_lists_accounts_in_a_table_with_headers(client, make_user):
    admin = make_user(Role.AGENCY_ADMIN, username="admin.one")
    make_user(Role.CASEWORKER, Role.SUPERVISOR, agency=admin.agency, username="worker.two")
    client.force_login(admin)
    response = client.get("/accounts/users/")
    page = parse(response.content)
    assert all(th.attrs.get("scope") == "col" for th in page.find("th"))
    assert "worker.two" in response.text
    assert "Caseworker, Supervisor" in response.text or "Supervisor, Caseworker" in response.text


def test_favicon_and_stylesheet_are_static(client):
    page = parse(client.get("/accounts/login/").content)
    hrefs = [link.attrs["href"] for link in page.find("link")]
    assert hrefs == ["/static/amana/amana.css", "/static/amana/favicon.svg"]
    assert client.get("/static/amana/favicon.svg").status_code == 200


def test_stylesheet_uses_logical_properties_so_rtl_mirrors():
    css = CSS.read_text()
    physical = re.findall(
        r"(?:margin|padding|border)-(?:left|right)|(?<![\w-])(?:left|right)\s*:"
        r"|text-align:\s*(?:left|right)|float:\s*(?:left|right)",
        css,
    )
    assert physical == []
    assert len(css.encode()) < 12_000  # one small file for slow connections

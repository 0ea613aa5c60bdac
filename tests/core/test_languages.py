"""English by default; French and Arabic (right to left) through the language switch."""

from __future__ import annotations

import pytest

from amana.accounts.roles import Role
from tests.core.pages import parse

pytestmark = pytest.mark.django_db


def _switch(client, language: str, next_url: str = "/accounts/login/"):
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    return client.get(next_url)


def _html_attrs(response) -> dict[str, str]:
    return parse(response.content).find("html")[0].attrs


def test_english_is_the_default(client):
    response = client.get("/accounts/login/")
    assert _html_attrs(response) == {"lang": "en", "dir": "ltr"}
    assert "Log in to Amana" in response.text


def test_french_shows_french_strings(client):
    response = _switch(client, "fr")
    assert _html_attrs(response) == {"lang": "fr", "dir": "ltr"}
    assert "Connexion à Amana" in response.text
    assert "Nom d\u2019utilisateur" in response.text  # a form label, translated in Python
    assert "Log in to Amana" not in response.text


def test_arabic_renders_right_to_left(client):
    response = _switch(client, "ar")
    assert _html_attrs(response) == {"lang": "ar", "dir": "rtl"}
    assert "تسجيل الدخول إلى أمانة" in response.text
    assert "Log in" not in response.text


def test_browser_language_is_honoured_before_any_switch(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5")
    assert _html_attrs(response)["dir"] == "rtl"


def test_language_choice_survives_logging_in(client, make_user):
    _switch(client, "fr")
    client.force_login(make_user(Role.CASEWORKER, username="amina"))
    response = client.get("/")
    assert "Bienvenue, amina" in response.text
    assert "Gestionnaire de cas" in response.text  # role label from a Python TextChoices


def test_switcher_names_each_language_in_its_own_tongue(client):
    page = parse(_switch(client, "ar").content)
    options = {o.attrs["value"]: o.attrs for o in page.find("option")}
    assert set(options) == {"en", "fr", "ar"}
    assert "selected" in options["ar"]
    text = _switch(client, "ar").text
    assert "English" in text and "Français" in text and "العربيّة" in text


def test_api_errors_follow_the_language(client):
    response = client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json() == {"error": "authentification requise"}

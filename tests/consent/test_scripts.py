"""The scripts to read out and the printable blank form, in English, French and Arabic."""

from __future__ import annotations

import pytest

from amana.consent.scripts import AUDIENCES, script_for
from amana.consent.vocabulary import CONSENT_PURPOSES, SCRIPT_LANGUAGES
from tests.core.pages import csp_violations


@pytest.mark.parametrize("purpose", CONSENT_PURPOSES)
@pytest.mark.parametrize("language", SCRIPT_LANGUAGES)
def test_every_purpose_has_both_scripts_in_every_language(purpose, language):
    shown = script_for(purpose, language, agency="NGO Alpha")
    for audience in AUDIENCES:
        paragraphs = getattr(shown, audience)
        assert len(paragraphs) >= 4
        text = " ".join(paragraphs)
        assert "NGO Alpha" in text
        assert "{" not in text and "}" not in text


def test_unknown_language_reads_english():
    assert script_for("referral_immediate", "so", agency="A").language == "en"


@pytest.mark.django_db
def test_script_page_in_the_users_language(client, world):
    client.force_login(world.worker)
    english = client.get("/consent/scripts/referral_immediate/")
    assert english.status_code == 200
    assert "You can say no." in english.content.decode()
    french = client.get("/consent/scripts/referral_immediate/", HTTP_ACCEPT_LANGUAGE="fr")
    html = french.content.decode()
    assert "Vous pouvez dire non." in html and 'lang="fr"' in html
    assert "International Medical Corps" in html
    arabic = client.get("/consent/scripts/referral_immediate/", HTTP_ACCEPT_LANGUAGE="ar")
    html = arabic.content.decode()
    assert "يمكنكم أن ترفضوا" in html
    assert 'dir="rtl"' in html
    assert csp_violations(arabic.content) == []


@pytest.mark.django_db
def test_script_in_another_language_than_the_page(client, world):
    client.force_login(world.worker)
    page = client.get("/consent/scripts/case_transfer/?lang=ar")
    html = page.content.decode()
    assert '<div lang="ar" dir="rtl" class="consent-script">' in html
    assert '<html lang="en"' in html


@pytest.mark.django_db
def test_unknown_purpose_is_not_found(client, world):
    client.force_login(world.worker)
    assert client.get("/consent/scripts/research/").status_code == 404
    assert client.get("/consent/form/holiday/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "direction", "words"), [
    ("en", "ltr", "How to change your mind"),
    ("fr", "ltr", "Vous pouvez dire non"),
    ("ar", "rtl", "يمكنكم أن ترفضوا"),
])  # fmt: skip
def test_printable_form_in_each_language(client, world, language, direction, words):
    client.force_login(world.worker)
    page = client.get(f"/consent/form/closed_case_archive/?lang={language}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert words in html
    assert "/static/consent/consent.css" in html
    assert csp_violations(page.content) == []
    assert "Amina" not in html  # a blank form: nothing about any child

"""The "Can I share?" page: facts in, a clear answer out; bad input keeps what was typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.protocols.actions import do_load_protocol
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db
CAMP = Path(__file__).resolve().parents[1] / "protocol" / "corpus" / "protocols" / "camp.yaml"
URL = "/sharing/can-i-share/"
FORM = {
    "protocol": "camp-test@1", "sender": "ngo-a", "recipient": "ngo-cash", "purpose": "referral_immediate",
    "service": "cash", "legal_basis": "consent", "on": "2026-05-10", "age": "15",
    "care_status": "with_parents", "caregiver_reachable": "on", "informing_caregiver_ok": "on",
    "gbv_survivor": "on", "caregiver_consent": "consent", "child_assent": "consent",
    "contact_method": "phone", "label": "GBV referral",
    "elements": ["full_name", "contact_phone", "incident_narrative"],
}  # fmt: skip


@pytest.fixture
def caseworker(make_user):
    do_load_protocol(source_text=CAMP.read_text(), filename="camp.yaml", actor=None)
    return make_user(Role.CASEWORKER, agency=AgencyFactory(slug="ngo-a", name="NGO Alpha"))


def test_page_shows_the_form_with_own_agency_preselected(client, caseworker):
    client.force_login(caseworker)
    page = client.get(URL)
    assert page.status_code == 200
    assert b'<option value="ngo-a" selected>' in page.content


def test_allowed_referral_shows_what_goes_what_stays_and_the_neutral_label(client, caseworker):
    client.force_login(caseworker)
    page = client.post(URL, FORM)
    assert page.status_code == 200
    html = page.content.decode()
    assert "you may share" in html
    assert "incident_narrative" in html and "elements.not_agreed" in html
    assert "priority case" in html
    assert page.context["decision"]["share"] == ["full_name", "contact_phone"]
    assert AuditEntry.objects.filter(action="sharing.check", actor=caseworker.username).exists()


def test_home_visit_for_gbv_survivor_is_refused_with_explanation(client, caseworker):
    client.force_login(caseworker)
    page = client.post(URL, FORM | {"contact_method": "home_visit"})
    assert page.context["decision"]["decision"] == "deny"
    assert "do not share" in page.content.decode()
    assert "contact.unsafe" in page.content.decode()


def test_refused_consent_is_refused(client, caseworker):
    client.force_login(caseworker)
    page = client.post(URL, FORM | {"caregiver_consent": "withdrawal"})
    assert page.context["decision"]["decision"] == "deny"
    codes = {r["code"] for r in page.context["decision"]["reasons"]}
    assert "consent.refused" in codes


def test_invalid_form_is_400_and_keeps_the_input(client, caseworker):
    client.force_login(caseworker)
    page = client.post(URL, FORM | {"age": "-3", "label": "kept label"})
    assert page.status_code == 400
    assert page.context["decision"] is None
    assert b'value="kept label"' in page.content
    assert not AuditEntry.objects.filter(action="sharing.check").exists()


def test_page_in_arabic_is_right_to_left_with_arabic_explanations(client, caseworker):
    client.force_login(caseworker)
    client.cookies["django_language"] = "ar"
    page = client.post(URL, FORM)
    html = page.content.decode()
    assert 'dir="rtl"' in html
    assert page.context["decision"]["reasons"][0]["text"].startswith("يجوز")


def test_role_without_sharing_check_is_refused(client, make_user, caseworker):
    client.force_login(make_user(Role.IM_OFFICER))
    assert client.get(URL).status_code == 403
    assert client.post(URL, FORM).status_code == 403
    assert not AuditEntry.objects.filter(action="sharing.check").exists()


def test_no_protocol_loaded_says_so(client, make_user):
    client.force_login(make_user(Role.CASEWORKER))
    page = client.get(URL)
    assert page.status_code == 200 and b"No information sharing protocol" in page.content


def test_protocol_pages(client, caseworker):
    client.force_login(caseworker)
    listing = client.get("/protocols/")
    assert listing.status_code == 200 and b"Camp Test inter-agency protocol" in listing.content
    detail = client.get("/protocols/camp-test/")
    assert detail.status_code == 200 and b"NGO Paused" in detail.content
    assert client.get("/protocols/camp-test@1/").status_code == 200
    assert client.get("/protocols/unknown/").status_code == 404

"""The protocol's standing: in force, interim until a day, interim over, expired, or none —
shown as a banner, and after the interim the engine itself stops sharing with its explanation."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation

from amana.accounts.roles import Role
from amana.protocols.actions import do_load_protocol
from amana.protocols.status import State, protocol_status, status_of
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).resolve().parents[1] / "protocol" / "corpus" / "protocols"
CAMP = (CORPUS / "camp.yaml").read_text()
INTERIM = (CORPUS / "camp-interim.yaml").read_text()
STOPPED = (
    "The protocol is not signed and the three-month interim period ended on 2026-04-03. "
    "Nothing may be shared until the agencies sign it."
)


def load(text: str, name: str = "protocol.yaml"):
    return do_load_protocol(source_text=text, filename=name, actor=None)


def interim_started(days_ago: int) -> str:
    started = timezone.localdate() - timedelta(days=days_ago)
    return INTERIM.replace("2026-01-01", started.isoformat())


# --- The function ---------------------------------------------------------------------------


def test_a_signed_protocol_is_in_force_until_valid_until_then_expired():
    version = load(CAMP)
    assert status_of(version, date(2026, 5, 10)).state == State.IN_FORCE
    assert status_of(version, date(2026, 5, 10)).last_day == date(2027, 2, 28)
    expired = status_of(version, date(2027, 3, 1))
    assert expired.state == State.EXPIRED and not expired.may_share
    assert "expired on 2027-02-28" in expired.explanation()


def test_before_effective_from_the_interim_counts_from_case_management_start():
    version = load(CAMP)  # effective 2026-03-01, started 2026-01-01
    assert status_of(version, date(2026, 2, 1)).state == State.INTERIM


def test_an_unsigned_protocol_is_interim_until_its_last_day_then_stops():
    version = load(INTERIM)  # started 2026-01-01, 92 days
    interim = status_of(version, date(2026, 4, 3))
    assert interim.state == State.INTERIM and interim.last_day == date(2026, 4, 3)
    assert interim.may_share and interim.explanation() == ""
    over = status_of(version, date(2026, 4, 4))
    assert over.state == State.INTERIM_EXPIRED and not over.may_share
    assert over.explanation() == STOPPED
    assert over.explanation("fr") != STOPPED  # the engine's own translations


def test_no_protocol_means_none():
    assert status_of(None, date(2026, 5, 1)).state == State.NONE
    assert "nothing may be shared" in status_of(None, date(2026, 5, 1)).explanation()


def test_protocol_status_uses_the_protocol_the_agency_participates_in():
    load(CAMP)
    load(INTERIM)
    alpha = AgencyFactory(slug="ngo-a")  # in both: the newest loaded wins
    cash = AgencyFactory(slug="ngo-cash")  # only in camp-test
    outsider = AgencyFactory(slug="ngo-none")
    assert protocol_status(alpha, date(2026, 2, 1)).version.protocol_id == "camp-interim"
    assert protocol_status(cash, date(2026, 5, 10)).state == State.IN_FORCE
    assert protocol_status(outsider, date(2026, 5, 10)).state == State.NONE


# --- The banner -----------------------------------------------------------------------------


def _banner(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):
        return render_to_string("protocols/_status_banner.html", {}, request=request)


def test_the_include_shows_the_interim_end_date_for_the_viewer_agency(make_user):
    load(interim_started(10))
    user = make_user(Role.CASEWORKER, agency=AgencyFactory(slug="ngo-a"))
    last_day = timezone.localdate() - timedelta(days=10) + timedelta(days=92)
    html = _banner(user)
    assert "protocol-interim" in html and last_day.isoformat() in html


def test_the_include_says_sharing_stopped_after_the_interim(make_user):
    load(interim_started(200))
    user = make_user(Role.CASEWORKER, agency=AgencyFactory(slug="ngo-a"))
    html = _banner(user)
    assert "protocol-interim_expired" in html and "Nothing may be shared" in html


def test_the_include_for_an_agency_without_protocol(make_user):
    load(CAMP)
    user = make_user(Role.CASEWORKER, agency=AgencyFactory(slug="ngo-none"))
    assert "protocol-none" in _banner(user)


def test_can_i_share_page_shows_the_interim_banner(client, make_user):
    load(interim_started(10))
    client.force_login(make_user(Role.CASEWORKER, agency=AgencyFactory(slug="ngo-a")))
    page = client.get("/sharing/can-i-share/")
    assert page.status_code == 200
    assert page.context["protocol_status"].state == State.INTERIM
    assert b"this is the interim period, until" in page.content


def test_can_i_share_page_shows_the_stop_after_the_interim(client, make_user):
    load(interim_started(200))
    client.force_login(make_user(Role.CASEWORKER, agency=AgencyFactory(slug="ngo-a")))
    page = client.get("/sharing/can-i-share/")
    assert page.context["protocol_status"].state == State.INTERIM_EXPIRED
    assert b"The interim period is over: sharing has stopped." in page.content


# --- The engine stops sharing after the interim (through the sharing check API) -------------

REQUEST = {
    "from": "ngo-a", "to": "un", "purpose": "referral_immediate", "service": "health",
    "legal_basis": "consent", "subject": {"age": 15},
    "consents": [
        {"given_by": "caregiver", "kind": "consent", "purposes": ["referral_immediate"],
         "recipients": ["un"], "on": "2026-01-10"},
        {"given_by": "child", "kind": "assent", "purposes": ["referral_immediate"],
         "recipients": ["un"], "on": "2026-01-10"},
    ],
    "elements": ["full_name"],
}  # fmt: skip


def _check(client, at: str):
    body = {"protocol": "camp-interim", "request": REQUEST | {"at": at}}
    return client.post("/api/v1/sharing/check", body, content_type="application/json")


def test_within_the_interim_a_referral_with_consent_may_go(client, make_user):
    load(INTERIM)
    client.force_login(make_user(Role.CASEWORKER))
    body = _check(client, "2026-04-03").json()
    assert body["decision"] == "allow"
    assert "protocol.interim" in {r["code"] for r in body["reasons"]}


def test_after_the_interim_the_check_api_denies_with_the_engines_explanation(client, make_user):
    load(INTERIM)
    client.force_login(make_user(Role.CASEWORKER))
    response = _check(client, "2026-04-04")
    assert response.status_code == 200
    body = response.json()
    assert body["decision"] == "deny" and body["share"] == []
    stop = [r for r in body["reasons"] if r["code"] == "protocol.interim_expired"]
    assert stop and stop[0]["text"] == STOPPED
    assert "interim period" in stop[0]["source"]

"""Closed cases shared for future services or archiving; referral_future through the refer
form; the refer form's elements re-ticked by service; the sender's overdue referrals — each with
its denied twin."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from amana.accounts.roles import Role
from amana.referrals.actions import do_send_referral
from amana.referrals.models import Referral
from amana.referrals.vocabulary import CLOSED_CASE_ELEMENTS
from amana.sharing.models import LedgerEntry
from tests.core.pages import csp_violations
from tests.factories import UserFactory
from tests.referrals.backend_helpers import REFERRAL, World, agree, close, make_world, say

pytestmark = pytest.mark.django_db
CLOSED = {
    "purpose": "closed_case_archive",
    "recipient": "unhcr",
    "legal_basis": "consent",
    "elements": list(CLOSED_CASE_ELEMENTS),
}


@pytest.fixture
def world() -> World:
    return make_world()


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def closed_url(world: World) -> str:
    return f"/referrals/cases/{world.case.pk}/closed/"


def refer_url(world: World) -> str:
    return f"/referrals/cases/{world.case.pk}/new/"


def archive_consent(world: World, *, at_closure: bool = True) -> None:
    agree(world, "closed_case_archive", "unhcr", stage="intake")
    close(world.case)
    if at_closure:
        say(
            world,
            purposes=["closed_case_archive"],
            recipients=["unhcr"],
            stage="closure",
            on=timezone.localdate(),
        )


# --- Closed cases ---------------------------------------------------------------------------


def test_a_closed_case_offers_sharing_and_no_referral_or_transfer(world):
    close(world.case)
    html = logged_in(world.worker).get(f"/cases/{world.case.pk}/").content.decode()
    section = html.split('id="referrals"')[1].split("</section>")[0]
    assert closed_url(world) in section and "Share for future services or archiving" in section
    assert refer_url(world) not in section
    assert f"/referrals/cases/{world.case.pk}/transfer/" not in section


def test_the_form_offers_the_agreed_closed_case_elements(world):
    close(world.case)
    page = logged_in(world.worker).get(closed_url(world))
    assert page.status_code == 200 and page.context["closed"]
    assert list(page.context["form"].fields["elements"].initial) == list(CLOSED_CASE_ELEMENTS)
    assert csp_violations(page.content) == []


def test_archiving_with_consent_at_intake_and_closure_previews_and_sends(world):
    archive_consent(world)
    client = logged_in(world.worker)
    page = client.post(closed_url(world), CLOSED | {"step": "preview"})
    assert page.status_code == 200 and page.context["decision"]["decision"] == "allow"
    assert "Nour Haddad" in page.content.decode() and "goals_met" in page.content.decode()
    assert not LedgerEntry.objects.exists()
    sent = client.post(closed_url(world), CLOSED | {"step": "send"})
    assert sent.status_code == 302 and sent["Location"].endswith("#referrals")
    referral = Referral.objects.get()
    assert referral.purpose == "closed_case_archive" and referral.service == ""
    html = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert "Closed case: archiving" in html and "Pending" in html


def test_archiving_without_the_closure_record_is_refused(world):
    archive_consent(world, at_closure=False)
    page = logged_in(world.worker).post(closed_url(world), CLOSED | {"step": "send"})
    assert page.status_code == 200 and page.context["refused"]
    assert "consent.missing" in page.content.decode()
    assert not Referral.objects.exists() and LedgerEntry.objects.get().decision == "deny"


def test_a_closed_case_purpose_on_an_open_case_is_a_field_error(world):
    agree(world, "closed_case_archive", "unhcr")
    client = logged_in(world.worker)
    assert "not closed" in client.get(closed_url(world)).content.decode()
    for step in ("preview", "send"):
        page = client.post(closed_url(world), CLOSED | {"step": step})
        assert page.status_code == 400 and "purpose" in page.context["form"].errors
    assert not LedgerEntry.objects.exists() and not Referral.objects.exists()


def test_closed_case_sharing_is_for_the_case_team_with_the_permission(world):
    archive_consent(world)
    for outsider in (world.officer, world.bystander, world.colleague):
        client = logged_in(outsider)
        assert client.get(closed_url(world)).status_code == 404
        assert client.post(closed_url(world), CLOSED | {"step": "send"}).status_code == 404
    no_send = UserFactory(roles=[Role.IM_OFFICER], agency=world.case.agency)
    world.case.supervisor = no_send
    world.case.save()
    assert logged_in(no_send).post(closed_url(world), CLOSED | {"step": "send"}).status_code == 403
    assert not LedgerEntry.objects.exists()


# --- Referral for services later, through the refer form ------------------------------------

FUTURE = {
    "service": "resettlement_consideration",
    "purpose": "referral_future",
    "elements": ["full_name", "individual_id", "case_number", "care_arrangement"],
    "legal_basis": "consent",
    "label": "",
    "contact_method": "",
}


def test_referral_for_services_later_sends_only_the_limited_elements(world):
    agree(world, "referral_future", "unhcr")
    client = logged_in(world.worker)
    page = client.post(refer_url(world), FUTURE | {"step": "preview"})
    assert page.status_code == 200
    decision = page.context["decision"]
    assert decision["decision"] == "allow"
    assert decision["share"] == ["individual_id", "case_number", "care_arrangement"]
    assert {w["element"] for w in decision["withhold"]} == {"full_name"}
    assert client.post(refer_url(world), FUTURE | {"step": "send"}).status_code == 302
    referral = Referral.objects.get()
    assert referral.purpose == "referral_future" and referral.recipient.slug == "unhcr"


def test_consent_for_an_immediate_referral_does_not_cover_services_later(world):
    agree(world, "referral_immediate", "unhcr")
    page = logged_in(world.worker).post(refer_url(world), FUTURE | {"step": "send"})
    assert page.status_code == 200 and page.context["refused"]
    assert not Referral.objects.exists()


def test_a_purpose_the_refer_form_does_not_offer_is_a_field_error(world):
    agree(world, "closed_case_archive", "unhcr")
    client = logged_in(world.worker)
    for purpose in ("closed_case_archive", "case_transfer", "whim"):
        page = client.post(refer_url(world), FUTURE | {"purpose": purpose, "step": "send"})
        assert page.status_code == 400 and "purpose" in page.context["form"].errors
    assert not LedgerEntry.objects.exists()


# --- Re-ticking the elements when the service changes ---------------------------------------


def test_changing_the_service_reticks_its_agreed_elements(world):
    client = logged_in(world.worker)
    page = client.get(refer_url(world) + "?service=resettlement_consideration")
    html = page.content.decode()
    assert f'hx-get="/referrals/cases/{world.case.pk}/new/elements/"' in html
    assert 'hx-target="#referral-elements"' in html
    swapped = client.get(
        refer_url(world) + "elements/?service=gbv_case_management", HTTP_HX_REQUEST="true"
    )
    assert swapped.status_code == 200
    fragment = swapped.content.decode()
    assert fragment.lstrip().startswith('<div id="referral-elements"')
    assert "<html" not in fragment and 'name="referral_summary"' not in fragment
    assert set(swapped.context["form"].initial["elements"]) == {
        "full_name", "date_of_birth", "sex", "contact_phone", "referral_summary",
        "incident_narrative",
    }  # fmt: skip
    assert re.search(r'value="incident_narrative"[^>]*checked', fragment)
    assert not re.search(r'value="individual_id"[^>]*checked', fragment)
    later = client.get(
        refer_url(world) + "elements/?service=resettlement_consideration&purpose=referral_future",
        HTTP_HX_REQUEST="true",
    )
    assert set(later.context["form"].initial["elements"]) == {
        "bia_status", "bid_status", "care_arrangement", "case_number", "individual_id",
        "specific_needs_codes",
    }  # fmt: skip


def test_without_htmx_the_elements_url_falls_back_to_the_refer_page(world):
    client = logged_in(world.worker)
    plain = client.get(refer_url(world) + "elements/?service=livelihoods")
    assert (
        plain.status_code == 302 and plain["Location"] == refer_url(world) + "?service=livelihoods"
    )
    unknown = client.get(refer_url(world) + "elements/?service=cash", HTTP_HX_REQUEST="true")
    assert unknown.status_code == 302 and unknown["Location"] == refer_url(world)


def test_the_elements_url_is_for_the_case_team_only(world):
    url = refer_url(world) + "elements/?service=livelihoods"
    for outsider in (world.officer, world.colleague):
        assert logged_in(outsider).get(url, HTTP_HX_REQUEST="true").status_code == 404


# --- Overdue reminders for the sender -------------------------------------------------------


def overdue_referral(world: World) -> Referral:
    agree(world, "referral_immediate", "unhcr")
    referral = do_send_referral(case=world.case, data=REFERRAL, actor=world.worker).referral
    assert referral is not None
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=timezone.now() - timezone.timedelta(days=30)
    )
    return referral


def test_the_sender_sees_overdue_referrals_with_the_working_days_late(world):
    referral = overdue_referral(world)
    client = logged_in(world.worker)
    page = client.get("/referrals/sent/")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [row["referral"].pk for row in rows] == [referral.pk]
    assert rows[0]["late"] >= 10
    html = page.content.decode()
    assert world.case.case_number in html and "UNHCR" in html and "Nour Haddad" not in html
    assert csp_violations(page.content) == []
    inbox = client.get("/referrals/inbox/").content.decode()
    assert 'href="/referrals/sent/"' in inbox and "overdue: 1" in inbox


def test_overdue_referrals_are_shown_only_to_the_sending_side(world):
    overdue_referral(world)
    for user in (world.officer, world.bystander, world.colleague):
        page = logged_in(user).get("/referrals/sent/")
        assert page.status_code == 200 and page.context["rows"] == []
    no_send = UserFactory(roles=[Role.IM_OFFICER], agency=world.case.agency)
    assert logged_in(no_send).get("/referrals/sent/").status_code == 403
    answered = Referral.objects.get()
    answered.status = "accepted"
    answered.save()
    assert logged_in(world.worker).get("/referrals/sent/").context["rows"] == []


def test_a_closed_case_preview_the_check_refuses_is_a_400_showing_the_error(world, monkeypatch):
    from amana.accounts.errors import ActionError

    def refuse(*args, **kwargs):
        raise ActionError("purpose", "Not for this case.")

    archive_consent(world)
    monkeypatch.setattr("amana.referrals.views.common.decide_referral", refuse)
    client = logged_in(world.worker)
    page = client.post(closed_url(world), CLOSED | {"step": "preview"}, HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert page.status_code == 400 and html.lstrip().startswith('<div id="closed-panel">')
    assert "Not for this case." in html and "(version" not in html
    monkeypatch.undo()
    fine = client.post(closed_url(world), CLOSED | {"step": "preview"}, HTTP_HX_REQUEST="true")
    assert fine.status_code == 200 and "Not for this case." not in fine.content.decode()

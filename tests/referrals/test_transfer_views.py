"""Transfer pages: the action on the case page, the preview (the protocol's exclusions held
back), sending, the recipient accepting into a new case, the sender's case shown transferred —
with the denied twins (other agency 404, missing permission 403)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from amana.accounts.roles import Role
from amana.cases.models import Case
from amana.referrals.actions import do_send_transfer
from amana.referrals.models import Referral
from amana.sharing.models import LedgerEntry
from tests.core.pages import csp_violations
from tests.factories import UserFactory
from tests.referrals.backend_helpers import World, agree, make_world

pytestmark = pytest.mark.django_db
FORM = {
    "recipient": "imc",
    "legal_basis": "consent",
    "elements": ["full_name", "date_of_birth", "case_summary", "related_people", "drafts"],
}


@pytest.fixture
def world() -> World:
    return make_world()


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def transfer_url(world: World) -> str:
    return f"/referrals/cases/{world.case.pk}/transfer/"


def case_url(case: Case) -> str:
    return f"/cases/{case.pk}/"


def sent_transfer(world: World) -> Referral:
    agree(world, "case_transfer", "imc")
    referral = do_send_transfer(
        case=world.case, recipient="imc", legal_basis="consent", actor=world.worker
    ).referral
    assert referral is not None
    return referral


def test_the_case_page_offers_the_transfer_to_who_may_do_it(world):
    html = logged_in(world.worker).get(case_url(world.case)).content.decode()
    assert transfer_url(world) in html and "Transfer the case" in html
    assert f"/referrals/cases/{world.case.pk}/closed/" not in html  # the case is open


def test_the_form_offers_the_other_participants_with_the_whole_file_ticked(world):
    page = logged_in(world.worker).get(transfer_url(world))
    assert page.status_code == 200
    form = page.context["form"]
    recipients = dict(form.fields["recipient"].choices)
    assert "imc" in recipients and "unhcr" in recipients and "ngo-psy" not in recipients
    assert "drafts" in form.fields["elements"].initial
    assert csp_violations(page.content) == []


def test_preview_shows_what_goes_with_values_and_the_drafts_held_back(world):
    agree(world, "case_transfer", "imc")
    page = logged_in(world.worker).post(transfer_url(world), FORM | {"step": "preview"})
    assert page.status_code == 200
    decision = page.context["decision"]
    assert decision["decision"] == "allow"
    assert "drafts" not in decision["share"] and "full_name" in decision["share"]
    assert {w["element"]: w["code"] for w in decision["withhold"]} == {
        "drafts": "elements.not_agreed"
    }
    html = page.content.decode()
    assert "Held back" in html and "Unfinished forms (drafts)" in html
    assert "Nour Haddad" in html and "Halima Yusuf" in html
    assert not Referral.objects.exists() and not LedgerEntry.objects.exists()
    assert csp_violations(page.content) == []


def test_preview_by_htmx_answers_with_the_panel_only(world):
    agree(world, "case_transfer", "imc")
    page = logged_in(world.worker).post(
        transfer_url(world), FORM | {"step": "preview"}, HTTP_HX_REQUEST="true"
    )
    html = page.content.decode()
    assert html.lstrip().startswith('<div id="transfer-panel">') and "<html" not in html


def test_send_creates_the_transfer_and_the_case_page_says_it_waits(world):
    agree(world, "case_transfer", "imc")
    client = logged_in(world.worker)
    response = client.post(transfer_url(world), FORM | {"step": "send"})
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{world.case.pk}/#referrals"
    referral = Referral.objects.get()
    assert referral.purpose == "case_transfer" and referral.recipient.slug == "imc"
    assert "drafts" not in json.loads(referral.packet)
    html = client.get(case_url(world.case)).content.decode()
    assert "waiting for their answer" in html and transfer_url(world) not in html
    again = client.post(transfer_url(world), FORM | {"step": "send"})
    assert again.status_code == 400 and Referral.objects.count() == 1


def test_without_consent_nothing_goes_and_the_refusal_is_shown(world):
    page = logged_in(world.worker).post(transfer_url(world), FORM | {"step": "send"})
    assert page.status_code == 200 and page.context["refused"]
    assert "consent.missing" in page.content.decode() and "Not sent" in page.content.decode()
    assert not Referral.objects.exists()
    assert LedgerEntry.objects.get().decision == "deny"


def test_bad_input_is_a_field_error(world):
    agree(world, "case_transfer", "imc")
    client = logged_in(world.worker)
    for change, field in (
        ({"recipient": "ngo-psy"}, "recipient"),  # one's own agency is not offered
        ({"recipient": "atlantis"}, "recipient"),
        ({"legal_basis": "vital_interests"}, "legal_basis"),
        ({"elements": ["soul"]}, "elements"),
        ({"elements": ["case_summary"]}, "elements"),  # no name: no case can be opened
    ):
        page = client.post(transfer_url(world), FORM | change | {"step": "send"})
        assert page.status_code == 400, change
        assert field in page.context["form"].errors, change
    assert not Referral.objects.exists()


def test_other_agencies_and_colleagues_off_the_case_get_not_found(world):
    agree(world, "case_transfer", "imc")
    for outsider in (world.imc, world.officer, world.bystander, world.colleague):
        client = logged_in(outsider)
        assert client.get(transfer_url(world)).status_code == 404
        assert client.post(transfer_url(world), FORM | {"step": "send"}).status_code == 404
    assert not Referral.objects.exists() and not LedgerEntry.objects.exists()


def test_without_the_permissions_transferring_is_forbidden(world):
    agree(world, "case_transfer", "imc")
    no_edit = UserFactory(roles=[Role.IM_OFFICER], agency=world.case.agency)
    world.case.supervisor = no_edit
    world.case.save()
    client = logged_in(no_edit)
    assert client.get(transfer_url(world)).status_code == 403
    assert client.post(transfer_url(world), FORM | {"step": "send"}).status_code == 403
    html = client.get(case_url(world.case)).content.decode()
    assert transfer_url(world) not in html
    assert not LedgerEntry.objects.exists()


def test_the_recipient_sees_the_transfer_in_the_inbox_and_its_packet(world):
    referral = sent_transfer(world)
    imc = logged_in(world.imc)
    inbox = imc.get("/referrals/inbox/").content.decode()
    assert f"/referrals/{referral.pk}/" in inbox and "Case transfer" in inbox
    assert "Nour Haddad" not in inbox
    packet = imc.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Case transfer" in packet and "Nour Haddad" in packet
    assert "Accepting opens a new case" in packet and 'value="accept"' in packet
    assert f"/cases/{world.case.pk}" not in packet


def test_accepting_lands_on_the_new_case_and_the_old_one_shows_transferred(world):
    referral = sent_transfer(world)
    imc = logged_in(world.imc)
    response = imc.post(f"/referrals/{referral.pk}/respond/", {"answer": "accept"})
    referral.refresh_from_db()
    new_case = referral.received_case
    assert new_case is not None and new_case.agency.slug == "imc"
    assert response.status_code == 302 and response["Location"] == f"/cases/{new_case.pk}/"
    landed = imc.get(response["Location"])
    assert landed.status_code == 200
    html = landed.content.decode()
    assert "Transfer accepted" in html and "verify it again" in html and "Nour Haddad" in html
    # The recipient holds its own case, never the sender's; the sender not the new one.
    assert imc.get(case_url(world.case)).status_code == 404
    worker = logged_in(world.worker)
    assert worker.get(case_url(new_case)).status_code == 404
    old = worker.get(case_url(world.case)).content.decode()
    assert Case.objects.get(pk=world.case.pk).status == Case.Status.TRANSFERRED
    assert "Transferred" in old and "IMC accepted the transfer" in old
    section = old.split('id="referrals"')[1].split("</section>")[0]
    assert f"/referrals/cases/{world.case.pk}/new/" not in section
    assert transfer_url(world) not in section
    assert worker.get(transfer_url(world)).context["blocked"]
    refused = worker.post(transfer_url(world), FORM | {"step": "send"})
    assert refused.status_code == 400 and Referral.objects.count() == 1


def test_a_rejected_transfer_stays_on_the_packet_and_the_case_stays_open(world):
    referral = sent_transfer(world)
    response = logged_in(world.imc).post(
        f"/referrals/{referral.pk}/respond/", {"answer": "reject", "reason": "No capacity"}
    )
    assert response.status_code == 302 and response["Location"] == f"/referrals/{referral.pk}/"
    assert Case.objects.get(pk=world.case.pk).status == Case.Status.OPEN
    html = logged_in(world.worker).get(case_url(world.case)).content.decode()
    assert transfer_url(world) in html  # may be tried again


def test_only_the_recipient_agency_answers_a_transfer(world):
    referral = sent_transfer(world)
    for user in (world.officer, world.bystander, world.worker):
        answer = logged_in(user).post(f"/referrals/{referral.pk}/respond/", {"answer": "accept"})
        assert answer.status_code == 404
    assert Case.objects.count() == 1 and Referral.objects.get().status == "pending"


def test_the_packet_of_a_transfer_says_the_case_moves(world):
    referral = sent_transfer(world)
    html = logged_in(world.imc).get(f"/referrals/{referral.pk}/").content.decode()
    assert "If you accept it, a new case is opened at your agency" in html
    assert "The case itself stays with them." not in html


def test_a_transfer_preview_the_check_refuses_is_a_400_showing_the_error(world, monkeypatch):
    from amana.accounts.errors import ActionError

    def refuse(*args, **kwargs):
        raise ActionError("recipient", "This agency cannot receive the transfer.")

    monkeypatch.setattr("amana.referrals.views.common.decide_referral", refuse)
    client = logged_in(world.worker)
    page = client.post(transfer_url(world), FORM | {"step": "preview"}, HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert page.status_code == 400 and html.lstrip().startswith('<div id="transfer-panel">')
    assert "This agency cannot receive the transfer." in html
    monkeypatch.undo()
    agree(world, "case_transfer", "imc")
    fine = client.post(transfer_url(world), FORM | {"step": "preview"}, HTTP_HX_REQUEST="true")
    assert fine.status_code == 200 and "cannot receive" not in fine.content.decode()


def test_the_transfer_page_shows_the_protocol_once(world):
    html = logged_in(world.worker).get(transfer_url(world)).content.decode()
    assert html.count("protocol-status") == 1 and "(version" not in html

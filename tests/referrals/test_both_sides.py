"""Referrals that work for both sides: accepting gives the recipient agency a case to work from
(new from the packet, or linked to the child it already knows), the packet names who referred
the child, unsigned agencies' services are not offered, and a refused preview cannot be sent."""

from __future__ import annotations

import pytest
import yaml
from django.test import Client

from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.cases.models import Case, CaseAssignment
from amana.protocol.bench import demo_protocol_path
from amana.protocols.actions import load_protocol_file
from amana.protocols.models import ProtocolVersion
from amana.referrals.models import Referral
from tests.cases.helpers import register
from tests.factories import UserFactory
from tests.referrals.test_views import (
    FORM,
    World,
    give_consent,
    logged_in,
    make_world,
    refer_url,
    send,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def respond_url(referral: Referral) -> str:
    return f"/referrals/{referral.pk}/respond/"


def unhcr_cases() -> int:
    return Case.objects.filter(agency__slug="unhcr").count()


# --- Accepting opens the recipient's own case ------------------------------------------------


def test_accepting_opens_a_case_at_the_recipient_agency_from_the_packet(client, world):
    give_consent(world)
    referral = send(world)
    response = logged_in(client, world.officer).post(respond_url(referral), {"answer": "accept"})
    referral.refresh_from_db()
    new_case = referral.received_case
    assert new_case is not None and new_case.agency.slug == "unhcr"
    assert new_case.pk != world.case.pk
    assert response.status_code == 302 and response["Location"] == f"/cases/{new_case.pk}/"
    assert new_case.child.full_name == "Nour Haddad"  # decrypted: stored encrypted like any case
    assert new_case.child.individual_id == "945-1234"
    assert CaseAssignment.objects.filter(case=new_case, user=world.officer).exists()
    assert AuditEntry.objects.filter(action="case.referral_in", object_id=str(new_case.pk))
    page = client.get(f"/cases/{new_case.pk}/")
    assert page.status_code == 200 and "Nour Haddad" in page.content.decode()
    # The sender's case stays open with them: a referral is not a transfer.
    world.case.refresh_from_db()
    assert world.case.status == Case.Status.OPEN


def test_the_sender_agency_cannot_open_the_recipients_new_case(client, world):
    give_consent(world)
    referral = send(world)
    logged_in(Client(), world.officer).post(respond_url(referral), {"answer": "accept"})
    referral.refresh_from_db()
    for outsider in (world.worker, world.bystander):
        page = logged_in(Client(), outsider).get(f"/cases/{referral.received_case_id}/")
        assert page.status_code == 404


def test_the_new_case_can_go_to_a_chosen_caseworker(client, world):
    colleague = UserFactory(
        roles=[Role.CASEWORKER], agency=world.officer.agency, username="second.unhcr"
    )
    colleague.full_name = "Rania Odeh"
    colleague.save()
    give_consent(world)
    referral = send(world)
    packet = logged_in(client, world.officer).get(f"/referrals/{referral.pk}/").content.decode()
    assert "Rania Odeh" in packet and "second.unhcr" not in packet
    response = client.post(
        respond_url(referral), {"answer": "accept", "assignee": str(colleague.pk)}
    )
    referral.refresh_from_db()
    new_case = referral.received_case
    assert new_case is not None
    assert response["Location"] == f"/referrals/{referral.pk}/"
    assert list(new_case.assignments.values_list("user", flat=True)) == [colleague.pk]
    assert logged_in(Client(), colleague).get(f"/cases/{new_case.pk}/").status_code == 200
    assert client.get(f"/cases/{new_case.pk}/").status_code == 404


def test_a_caseworker_of_another_agency_cannot_be_given_the_case(client, world):
    give_consent(world)
    referral = send(world)
    before = unhcr_cases()
    response = logged_in(client, world.officer).post(
        respond_url(referral), {"answer": "accept", "assignee": str(world.bystander.pk)}
    )
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PENDING and referral.received_case is None
    assert unhcr_cases() == before


def test_the_duplicate_check_offers_the_known_child_and_accepting_links_to_it(client, world):
    known = register(world.officer, name="Nour Haddad")
    give_consent(world)
    referral = send(world)
    before = unhcr_cases()
    packet = logged_in(client, world.officer).get(f"/referrals/{referral.pk}/").content.decode()
    assert known.case_number in packet and f'value="{known.pk}"' in packet
    response = client.post(respond_url(referral), {"answer": "accept", "case": str(known.pk)})
    assert response["Location"] == f"/cases/{known.pk}/"
    referral.refresh_from_db()
    assert referral.received_case_id == known.pk
    assert unhcr_cases() == before
    assert AuditEntry.objects.filter(action="case.referral_linked", object_id=str(known.pk))


def test_a_case_the_duplicate_check_did_not_offer_cannot_be_linked(client, world):
    other = register(world.officer, name="Samir Khoury")
    give_consent(world)
    referral = send(world)
    packet = logged_in(client, world.officer).get(f"/referrals/{referral.pk}/").content.decode()
    assert other.case_number not in packet
    response = client.post(respond_url(referral), {"answer": "accept", "case": str(other.pk)})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PENDING and referral.received_case is None


def test_rejecting_opens_no_case(client, world):
    give_consent(world)
    referral = send(world)
    before = unhcr_cases()
    logged_in(client, world.officer).post(
        respond_url(referral), {"answer": "reject", "reason": "No capacity this month."}
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REJECTED and referral.received_case is None
    assert unhcr_cases() == before


# --- Who referred the child ---------------------------------------------------------------


def test_the_packet_names_the_referring_caseworker_and_their_work_contact(client, world):
    world.worker.full_name = "Amal Saleh"
    world.worker.phone = "+962 6 555 0101"
    world.worker.email = "amal.saleh@ngo-psy.example"
    world.worker.save()
    give_consent(world)
    referral = send(world)
    page = logged_in(client, world.officer).get(f"/referrals/{referral.pk}/").content.decode()
    assert "Amal Saleh" in page and "worker.psy" not in page
    assert "+962 6 555 0101" in page and "amal.saleh@ngo-psy.example" in page


def test_without_a_full_name_the_packet_falls_back_to_the_username(client, world):
    world.worker.full_name = ""
    world.worker.save()
    give_consent(world)
    referral = send(world)
    page = logged_in(client, world.officer).get(f"/referrals/{referral.pk}/").content.decode()
    assert "worker.psy" in page


# --- The service picker and the send button -------------------------------------------------


def test_an_unsigned_agencys_service_is_not_offered(client, world):
    page = logged_in(client, world.worker).get(refer_url(world)).content.decode()
    assert "?service=legal_aid" in page  # NGO A signed
    assert "?service=civil_documentation" not in page  # the ministry has not signed
    form = FORM | {"service": "civil_documentation", "step": "preview"}
    refused = client.post(refer_url(world), form)
    assert refused.status_code == 400


def test_a_refused_preview_disables_sending(client, world):
    page = logged_in(client, world.worker).post(refer_url(world), FORM | {"step": "preview"})
    html = page.content.decode()
    assert 'value="send" disabled' in html and 'id="send-blocked"' in html


def test_an_allowed_preview_leaves_sending_enabled(client, world):
    give_consent(world)
    page = logged_in(client, world.worker).post(refer_url(world), FORM | {"step": "preview"})
    html = page.content.decode()
    assert 'value="send">' in html and 'id="send-blocked"' not in html


def test_sending_what_the_preview_refused_is_refused_on_the_server_anyway(client, world):
    response = logged_in(client, world.worker).post(refer_url(world), FORM | {"step": "send"})
    assert response.status_code == 200 and not Referral.objects.exists()
    assert 'value="send" disabled' in response.content.decode()


# --- The "Sent" list --------------------------------------------------------------------------


def test_the_sent_list_shows_everything_sent_with_its_status(client, world):
    give_consent(world)
    waiting = send(world)
    answered = send(world)
    logged_in(Client(), world.officer).post(
        respond_url(answered), {"answer": "reject", "reason": "Full."}
    )
    page = logged_in(client, world.worker).get("/referrals/sent/")
    listed = [row["referral"].pk for row in page.context["sent_rows"]]
    assert set(listed) == {waiting.pk, answered.pk}
    html = page.content.decode()
    assert "Pending" in html and "Rejected" in html and "Nour Haddad" not in html
    only = client.get("/referrals/sent/?status=rejected").context["sent_rows"]
    assert [row["referral"].pk for row in only] == [answered.pk]
    assert client.get("/referrals/sent/?status=bogus").status_code == 200


def test_the_sent_list_is_empty_for_other_agencies_and_colleagues_off_the_case(client, world):
    give_consent(world)
    send(world)
    colleague = UserFactory(
        roles=[Role.CASEWORKER], agency=world.worker.agency, username="colleague.psy"
    )
    for user in (world.officer, world.bystander, colleague):
        page = logged_in(Client(), user).get("/referrals/sent/")
        assert page.status_code == 200 and page.context["sent_rows"] == []


def test_the_inbox_links_to_the_sent_list_for_those_who_send(client, world):
    html = logged_in(client, world.worker).get("/referrals/inbox/").content.decode()
    assert 'href="/referrals/sent/"' in html
    im = logged_in(Client(), world.im_officer).get("/referrals/sent/")
    assert im.status_code == 403


# --- The contact the agreed method needs --------------------------------------------------------


def agree_caregiver_contact(tmp_path) -> None:
    """The demo protocol, amended so that resettlement referrals may carry the caregiver's
    contact (a newer version, in force from the same day)."""
    document = yaml.safe_load(demo_protocol_path().read_text(encoding="utf-8"))
    service = document["purposes"]["referral_immediate"]["services"]["resettlement_consideration"]
    service["elements"] = [*service["elements"], "caregiver_contact"]
    document["id"] = "demo-caregiver-contact"
    path = tmp_path / "amended.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    ProtocolVersion.objects.all().delete()
    load_protocol_file(str(path), actor=None)


def caregiver_referral(world: World) -> Referral:
    give_consent(world)
    return send(world, contact_method="through_caregiver")


def test_through_the_caregiver_the_packet_carries_their_contact_when_agreed(
    client, world, tmp_path
):
    agree_caregiver_contact(tmp_path)
    referral = caregiver_referral(world)
    assert "caregiver_contact" in referral.shared_elements
    page = logged_in(client, world.officer).get(f"/referrals/{referral.pk}/").content.decode()
    assert "Halima Yusuf" in page  # the caregiver registered with the case
    client.post(respond_url(referral), {"answer": "accept"})
    referral.refresh_from_db()
    assert referral.received_case is not None
    carers = referral.received_case.child.related_people.filter(is_caregiver=True)
    assert [person.full_name for person in carers] == ["Halima Yusuf"]


def test_through_the_caregiver_their_contact_stays_when_the_protocol_does_not_agree(client, world):
    referral = caregiver_referral(world)
    assert "caregiver_contact" not in referral.shared_elements
    ledger = referral.ledger
    assert "caregiver_contact" in ledger.requested and "elements.not_agreed" in ledger.codes
    page = logged_in(client, world.officer).get(f"/referrals/{referral.pk}/").content.decode()
    assert "Halima Yusuf" not in page


def test_the_preview_warns_when_the_caregivers_contact_will_not_go(client, world):
    give_consent(world)
    form = FORM | {"contact_method": "through_caregiver", "step": "preview"}
    html = logged_in(client, world.worker).post(refer_url(world), form).content.decode()
    assert "no way to reach the caregiver" in html


def test_the_senders_own_case_can_never_be_linked_by_the_recipient(client, world):
    give_consent(world)
    referral = send(world)
    response = logged_in(client, world.officer).post(
        respond_url(referral), {"answer": "accept", "case": str(world.case.pk)}
    )
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PENDING and referral.received_case is None

"""The referrals API: preview, send (201 sent / 200 refused), lists, the packet for the
recipient only, accept and reject; errors are JSON naming the field."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from amana.audit.models import AuditEntry
from amana.referrals.models import Referral
from amana.sharing.models import LedgerEntry
from tests.factories import UserFactory
from tests.referrals.test_views import World, give_consent, make_world, send, withdraw_consent

pytestmark = pytest.mark.django_db
BODY = {
    "service": "resettlement_consideration",
    "elements": ["full_name", "individual_id", "referral_summary", "care_arrangement"],
    "written": {"referral_summary": "Needs resettlement assessment."},
    "legal_basis": "consent",
    "contact_method": "phone",
}


@pytest.fixture
def world() -> World:
    return make_world()


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: object):
    return client.post(url, body, content_type="application/json")


def referrals_url(world: World) -> str:
    return f"/api/v1/cases/{world.case.pk}/referrals"


def test_preview_gives_the_decision_and_the_values_without_sending(world):
    give_consent(world)
    response = post(api(world.worker), referrals_url(world) + "/preview", BODY)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["decision"]["decision"] == "allow" and body["recipient"] == "unhcr", body
    assert body["decision"]["share"] == ["full_name", "individual_id", "referral_summary"]
    assert body["decision"]["withhold"][0]["element"] == "care_arrangement"
    assert body["decision"]["withhold"][0]["text"]
    assert body["values"] == {
        "full_name": "Nour Haddad",
        "individual_id": "945-1234",
        "referral_summary": "Needs resettlement assessment.",
    }
    assert "request" not in body["decision"]
    assert not Referral.objects.exists() and not LedgerEntry.objects.exists()


def test_preview_holds_back_the_incident_narrative_of_a_resettlement_referral(world):
    give_consent(world)
    asked = BODY | {
        "elements": ["full_name", "incident_narrative"],
        "written": {"incident_narrative": "What happened."},
    }
    body = post(api(world.worker), referrals_url(world) + "/preview", asked).json()
    assert body["decision"]["share"] == ["full_name"]
    assert {w["element"]: w["code"] for w in body["decision"]["withhold"]} == {
        "incident_narrative": "elements.not_agreed"
    }
    assert "incident_narrative" not in body["values"]


def test_send_is_201_with_the_referral_and_the_list_shows_it(world):
    give_consent(world)
    client = api(world.worker)
    response = post(client, referrals_url(world), BODY | {"label": "GBV"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sent"] is True and body["decision"]["decision"] == "allow"
    assert body["referral"]["status"] == "pending" and body["referral"]["label"] == "high priority"
    referral = Referral.objects.get()
    assert body["referral"]["id"] == str(referral.pk)
    assert json.loads(referral.packet)["full_name"] == "Nour Haddad"
    listing = client.get(referrals_url(world)).json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == str(referral.pk)
    assert listing["results"][0]["recipient"] == {"id": "unhcr", "name": "UNHCR"}


def test_a_refused_send_is_200_with_the_reasons_and_only_a_ledger_entry(world):
    response = post(api(world.worker), referrals_url(world), BODY)
    assert response.status_code == 200
    body = response.json()
    assert body["sent"] is False and body["referral"] is None
    assert "consent.missing" in {r["code"] for r in body["decision"]["reasons"]}
    assert not Referral.objects.exists()
    assert LedgerEntry.objects.get().decision == "deny"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"elements": ["soul"]}, "elements"),
        ({"elements": []}, "elements"),
        ({"service": "cash"}, "service"),
        ({"legal_basis": "whim"}, "legal_basis"),
        ({"contact_method": "pigeon"}, "contact_method"),
        ({"written": {}}, "written"),
        ({"written": {"diary": "x", "referral_summary": "y"}}, "written"),
    ],
)
def test_bad_input_is_400_naming_the_field(world, change, field):
    give_consent(world)
    client = api(world.worker)
    for url in (referrals_url(world) + "/preview", referrals_url(world)):
        response = post(client, url, BODY | change)
        assert response.status_code == 400, (url, response.content)
        assert field in response.json()["fields"]
    assert not LedgerEntry.objects.exists() and not Referral.objects.exists()


def test_other_agency_and_unassigned_colleague_get_404(world):
    give_consent(world)
    colleague = UserFactory(roles=["caseworker"], agency=world.case.agency)
    for user in (world.officer, world.bystander, colleague):
        client = api(user)
        assert post(client, referrals_url(world), BODY).status_code == 404
        assert post(client, referrals_url(world) + "/preview", BODY).status_code == 404
        assert client.get(referrals_url(world)).status_code == 404
    assert api(world.worker).get("/api/v1/cases/nonsense/referrals").status_code == 404
    assert not LedgerEntry.objects.exists()


def test_without_the_send_permission_it_is_403(world):
    give_consent(world)
    im_officer = UserFactory(roles=["im_officer"], agency=world.case.agency)
    world.case.supervisor = im_officer
    world.case.save()
    client = api(im_officer)
    assert post(client, referrals_url(world), BODY).status_code == 403
    assert post(client, referrals_url(world) + "/preview", BODY).status_code == 403
    assert not LedgerEntry.objects.exists()


def test_inbox_lists_referrals_to_my_agency_without_child_data(world):
    give_consent(world)
    referral = send(world)
    body = api(world.officer).get("/api/v1/referrals/inbox").json()
    assert body["count"] == 1 and body["results"][0]["id"] == str(referral.pk)
    assert body["results"][0]["from"]["name"] == "NGO C"
    assert body["results"][0]["overdue"] is False
    assert "Nour" not in json.dumps(body)
    assert api(world.bystander).get("/api/v1/referrals/inbox").json()["count"] == 0
    assert api(world.im_officer).get("/api/v1/referrals/inbox").status_code == 403
    filtered = api(world.officer).get("/api/v1/referrals/inbox?status=accepted").json()
    assert filtered["count"] == 0


def test_the_packet_is_for_the_recipient_only(world):
    give_consent(world)
    referral = send(world)
    officer = api(world.officer)
    response = officer.get(f"/api/v1/referrals/{referral.pk}")
    assert response.status_code == 200
    assert response.json()["values"]["full_name"] == "Nour Haddad"
    assert AuditEntry.objects.filter(action="referral.view", object_id=str(referral.pk)).exists()
    assert officer.get(f"/api/v1/cases/{world.case.pk}/").status_code == 404
    for user in (world.worker, world.bystander, world.im_officer):
        assert api(user).get(f"/api/v1/referrals/{referral.pk}").status_code == 404
    assert officer.get("/api/v1/referrals/not-a-uuid").status_code == 404


def test_accept_flows_back_to_the_sender(world):
    give_consent(world)
    referral = send(world)
    for user in (world.worker, world.bystander):
        assert post(api(user), f"/api/v1/referrals/{referral.pk}/accept", {}).status_code == 404
    response = post(api(world.officer), f"/api/v1/referrals/{referral.pk}/accept", {})
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    listing = api(world.worker).get(referrals_url(world)).json()
    assert listing["results"][0]["status"] == "accepted"
    again = post(api(world.officer), f"/api/v1/referrals/{referral.pk}/accept", {})
    assert again.status_code == 400 and again.json()["field"] == "status"


def test_reject_needs_a_reason_and_the_sender_sees_only_the_status(world):
    give_consent(world)
    referral = send(world)
    officer = api(world.officer)
    url = f"/api/v1/referrals/{referral.pk}/reject"
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        response = post(officer, url, body)
        assert response.status_code == 400 and "reason" in json.dumps(response.json())
    assert Referral.objects.get().status == "pending"
    assert post(api(world.bystander), url, {"reason": "no"}).status_code == 404
    response = post(officer, url, {"reason": "Outside our criteria."})
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    listing = api(world.worker).get(referrals_url(world)).json()
    assert listing["results"][0]["status"] == "rejected"
    assert "Outside our criteria" not in json.dumps(listing)


def test_service_feedback_is_201_with_consent_and_200_refused_without(world):
    give_consent(world)
    referral = send(world)
    officer = api(world.officer)
    url = f"/api/v1/referrals/{referral.pk}/feedback"
    body = {"service_status": "provided", "date": timezone.localdate().isoformat()}
    early = post(officer, url, body)
    assert early.status_code == 400 and early.json()["field"] == "status"
    post(officer, f"/api/v1/referrals/{referral.pk}/accept", {})
    refused = post(officer, url, body)
    assert refused.status_code == 200 and refused.json()["sent"] is False
    give_consent(world, recipient="ngo-psy", purpose="feedback_service")
    assert post(officer, url, body | {"service_status": "maybe"}).status_code == 400
    assert "date" in post(officer, url, body | {"date": "soon"}).json()["fields"]
    assert post(api(world.bystander), url, body).status_code == 404
    sent = post(officer, url, body | {"outcome_summary": "Interview held."})
    assert sent.status_code == 201 and sent.json()["sent"] is True


def test_withdrawal_notices_for_the_recipient_only(world):
    give_consent(world)
    referral = send(world)
    withdraw_consent(world)
    officer = api(world.officer)
    body = officer.get("/api/v1/referrals/notices?unread=true").json()
    assert body["count"] == 1
    notice = body["results"][0]
    assert notice["kind"] == "consent_withdrawn" and notice["referral"]["id"] == str(referral.pk)
    assert notice["referral"]["status"] == "revoked" and "values" not in notice["referral"]
    assert officer.get(f"/api/v1/referrals/{referral.pk}").status_code == 404
    assert api(world.bystander).get("/api/v1/referrals/notices").json()["count"] == 0
    assert api(world.im_officer).get("/api/v1/referrals/notices").status_code == 403
    read_url = f"/api/v1/referrals/notices/{notice['id']}/read"
    assert post(api(world.bystander), read_url, {}).status_code == 404
    assert post(officer, read_url, {}).status_code == 204
    assert officer.get("/api/v1/referrals/notices?unread=true").json()["count"] == 0
    listing = api(world.worker).get(referrals_url(world)).json()
    assert listing["results"][0]["status"] == "revoked"


def test_the_endpoints_are_in_the_openapi_document(world):
    response = api(world.worker).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = json.loads(response.content)["paths"]
    for path in (
        "/api/v1/cases/{case_id}/referrals/preview",
        "/api/v1/cases/{case_id}/referrals",
        "/api/v1/referrals/inbox",
        "/api/v1/referrals/{referral_id}",
        "/api/v1/referrals/{referral_id}/accept",
        "/api/v1/referrals/{referral_id}/reject",
        "/api/v1/referrals/{referral_id}/feedback",
        "/api/v1/referrals/notices",
        "/api/v1/referrals/notices/{notice_id}/read",
    ):
        assert path in paths, path

"""The API for transfers, closed cases and referral purposes, and the sender's overdue list:
preview, send (201 sent / 200 refused), accept into a new case; 400 naming the field, 404 for
another agency's case, 403 without the permission."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from amana.accounts.roles import Role
from amana.cases.models import Case
from amana.referrals.actions import do_send_referral
from amana.referrals.models import Referral
from amana.referrals.vocabulary import CLOSED_CASE_ELEMENTS, TRANSFER_ELEMENTS
from amana.sharing.models import LedgerEntry
from tests.factories import UserFactory
from tests.referrals.backend_helpers import REFERRAL, World, agree, close, make_world, say

pytestmark = pytest.mark.django_db
TRANSFER = {"recipient": "imc", "legal_basis": "consent"}
REFER = {
    "service": "resettlement_consideration",
    "elements": ["full_name", "individual_id", "referral_summary"],
    "written": {"referral_summary": "Needs resettlement assessment."},
    "legal_basis": "consent",
}


@pytest.fixture
def world() -> World:
    return make_world()


def api(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: object):
    return client.post(url, body, content_type="application/json")


def transfer_url(world: World) -> str:
    return f"/api/v1/cases/{world.case.pk}/transfer"


def referrals_url(world: World) -> str:
    return f"/api/v1/cases/{world.case.pk}/referrals"


def field_of(response) -> str:
    body = response.json()
    return body.get("field") or next(iter(body.get("fields") or {}), "")


# --- Transfer -------------------------------------------------------------------------------


def test_transfer_preview_holds_the_drafts_back_and_records_nothing(world):
    agree(world, "case_transfer", "imc")
    response = post(api(world.worker), transfer_url(world) + "/preview", TRANSFER)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["decision"]["decision"] == "allow" and body["recipient"] == "imc"
    assert body["decision"]["share"] == [e for e in TRANSFER_ELEMENTS if e != "drafts"]
    assert {w["element"]: w["code"] for w in body["decision"]["withhold"]} == {
        "drafts": "elements.not_agreed"
    }
    assert body["values"]["full_name"] == "Nour Haddad" and "drafts" not in body["values"]
    assert body["values"]["related_people"][0]["full_name"] == "Halima Yusuf"
    assert "request" not in body["decision"]
    assert not Referral.objects.exists() and not LedgerEntry.objects.exists()


def test_transfer_is_201_and_accepting_answers_the_new_case(world):
    agree(world, "case_transfer", "imc")
    response = post(api(world.worker), transfer_url(world), TRANSFER)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sent"] is True and body["referral"]["purpose"] == "case_transfer"
    referral_id = body["referral"]["id"]
    inbox = api(world.imc).get("/api/v1/referrals/inbox").json()
    assert inbox["results"][0]["purpose"] == "case_transfer"
    accepted = post(api(world.imc), f"/api/v1/referrals/{referral_id}/accept", {})
    assert accepted.status_code == 200, accepted.content
    answer = accepted.json()
    assert answer["status"] == "accepted" and answer["received_case"]
    new_case = Case.objects.get(pk=answer["received_case"])
    assert new_case.agency.slug == "imc" and new_case.status == Case.Status.OPEN
    assert api(world.imc).get(f"/api/v1/cases/{new_case.pk}/").status_code == 200
    assert api(world.imc).get(f"/api/v1/cases/{world.case.pk}/").status_code == 404
    assert api(world.worker).get(f"/api/v1/cases/{new_case.pk}/").status_code == 404
    assert Case.objects.get(pk=world.case.pk).status == Case.Status.TRANSFERRED
    again = post(api(world.worker), transfer_url(world), TRANSFER | {"recipient": "unhcr"})
    assert again.status_code == 400 and again.json()["field"] == "case"


def test_accepting_an_ordinary_referral_opens_a_case_and_leaves_the_senders_open(world):
    agree(world, "referral_immediate", "unhcr")
    referral = do_send_referral(case=world.case, data=REFERRAL, actor=world.worker).referral
    answer = post(api(world.officer), f"/api/v1/referrals/{referral.pk}/accept", {}).json()
    assert answer["status"] == "accepted" and answer["received_case"] is not None
    new_case = Case.objects.get(pk=answer["received_case"])
    assert new_case.agency_id == world.officer.agency_id
    assert Case.objects.get(pk=world.case.pk).status == Case.Status.OPEN
    assert api(world.officer).get(f"/api/v1/cases/{new_case.pk}/").status_code == 200
    assert api(world.worker).get(f"/api/v1/cases/{new_case.pk}/").status_code == 404


def test_accepting_by_api_with_an_unknown_assignee_is_400_and_changes_nothing(world):
    agree(world, "referral_immediate", "unhcr")
    referral = do_send_referral(case=world.case, data=REFERRAL, actor=world.worker).referral
    url = f"/api/v1/referrals/{referral.pk}/accept"
    for bad in ("not-a-uuid", str(world.bystander.pk)):
        response = post(api(world.officer), url, {"assignee": bad})
        assert response.status_code == 400 and response.json()["field"] == "assignee"
    assert Case.objects.count() == 1
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.PENDING


def test_a_refused_transfer_is_200_with_only_a_ledger_entry(world):
    response = post(api(world.worker), transfer_url(world), TRANSFER)
    assert response.status_code == 200
    body = response.json()
    assert body["sent"] is False and body["referral"] is None
    assert "consent.missing" in {r["code"] for r in body["decision"]["reasons"]}
    assert not Referral.objects.exists() and LedgerEntry.objects.get().decision == "deny"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recipient": ""}, "recipient"),
        ({"legal_basis": "vital_interests"}, "legal_basis"),
        ({"elements": ["soul"]}, "elements"),
        ({"elements": []}, "elements"),
    ],
)
def test_bad_transfer_input_is_400_naming_the_field(world, change, field):
    agree(world, "case_transfer", "imc")
    client = api(world.worker)
    for url in (transfer_url(world) + "/preview", transfer_url(world)):
        response = post(client, url, TRANSFER | change)
        assert response.status_code == 400, (url, response.content)
        assert field in response.json()["fields"]
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recipient": "ngo-psy"}, "recipient"),
        ({"recipient": "atlantis"}, "recipient"),
        ({"elements": ["case_summary"]}, "elements"),
    ],
)
def test_a_transfer_the_action_refuses_is_400_naming_the_field(world, change, field):
    agree(world, "case_transfer", "imc")
    response = post(api(world.worker), transfer_url(world), TRANSFER | change)
    assert response.status_code == 400 and response.json()["field"] == field
    assert not Referral.objects.exists()


def test_transfer_of_another_agencys_case_is_404_and_without_permission_403(world):
    agree(world, "case_transfer", "imc")
    for user in (world.imc, world.officer, world.bystander, world.colleague):
        client = api(user)
        assert post(client, transfer_url(world), TRANSFER).status_code == 404
        assert post(client, transfer_url(world) + "/preview", TRANSFER).status_code == 404
    no_edit = UserFactory(roles=[Role.IM_OFFICER], agency=world.case.agency)
    world.case.supervisor = no_edit
    world.case.save()
    assert post(api(no_edit), transfer_url(world), TRANSFER).status_code == 403
    assert post(api(no_edit), transfer_url(world) + "/preview", TRANSFER).status_code == 403
    assert not LedgerEntry.objects.exists()


def test_only_the_recipient_accepts_a_transfer(world):
    agree(world, "case_transfer", "imc")
    referral_id = post(api(world.worker), transfer_url(world), TRANSFER).json()["referral"]["id"]
    for user in (world.worker, world.officer, world.bystander):
        assert post(api(user), f"/api/v1/referrals/{referral_id}/accept", {}).status_code == 404
    assert Case.objects.count() == 1


# --- Purposes on the referrals endpoint -----------------------------------------------------


def closed_body(purpose: str = "closed_case_archive") -> dict[str, object]:
    return {
        "purpose": purpose,
        "recipient": "unhcr",
        "elements": list(CLOSED_CASE_ELEMENTS),
        "legal_basis": "consent",
    }


def test_a_closed_case_is_shared_for_archiving_with_both_consents(world):
    agree(world, "closed_case_archive", "unhcr", stage="intake")
    close(world.case)
    say(
        world,
        purposes=["closed_case_archive"],
        recipients=["unhcr"],
        stage="closure",
        on=timezone.localdate(),
    )
    client = api(world.worker)
    preview = post(client, referrals_url(world) + "/preview", closed_body())
    assert preview.status_code == 200 and preview.json()["decision"]["decision"] == "allow"
    assert preview.json()["values"]["closure_reason"] == "goals_met"
    response = post(client, referrals_url(world), closed_body())
    assert response.status_code == 201, response.content
    assert response.json()["referral"]["purpose"] == "closed_case_archive"


def test_a_closed_case_purpose_on_an_open_case_is_400_naming_purpose(world):
    agree(world, "closed_case_access", "unhcr")
    client = api(world.worker)
    for url in (referrals_url(world) + "/preview", referrals_url(world)):
        response = post(client, url, closed_body("closed_case_access"))
        assert response.status_code == 400 and field_of(response) == "purpose"
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("purpose", ["case_transfer", "whim", ""])
def test_a_purpose_the_endpoint_does_not_take_is_400(world, purpose):
    agree(world, "referral_immediate", "unhcr")
    response = post(api(world.worker), referrals_url(world), REFER | {"purpose": purpose})
    assert response.status_code == 400 and "purpose" in response.json()["fields"]
    assert not LedgerEntry.objects.exists()


def test_referral_for_services_later_sends_only_the_limited_elements(world):
    agree(world, "referral_future", "unhcr")
    body = {
        "purpose": "referral_future",
        "recipient": "unhcr",
        "elements": ["full_name", "individual_id", "case_number", "specific_needs_codes"],
        "legal_basis": "consent",
    }
    response = post(api(world.worker), referrals_url(world), body)
    assert response.status_code == 201, response.content
    referral = response.json()["referral"]
    assert referral["purpose"] == "referral_future"
    assert referral["shared_elements"] == ["individual_id", "case_number", "specific_needs_codes"]
    # Without a service the immediate referral still names the field.
    missing = post(api(world.worker), referrals_url(world), REFER | {"service": ""})
    assert missing.status_code == 400 and "service" in missing.json()["fields"]
    closed_only = post(
        api(world.worker), referrals_url(world), body | {"elements": ["case_summary"]}
    )
    assert closed_only.status_code == 400 and "elements" in closed_only.json()["fields"]


# --- Overdue --------------------------------------------------------------------------------


def test_overdue_lists_my_agencys_late_referrals_with_working_days(world):
    agree(world, "referral_immediate", "unhcr")
    referral = do_send_referral(case=world.case, data=REFERRAL, actor=world.worker).referral
    client = api(world.worker)
    assert client.get("/api/v1/referrals/overdue").json()["count"] == 0
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=timezone.now() - timezone.timedelta(days=30)
    )
    body = client.get("/api/v1/referrals/overdue").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == str(referral.pk) and row["working_days_late"] >= 10
    assert row["case"]["case_number"] == world.case.case_number and row["due_on"]
    assert "Nour" not in json.dumps(body)
    for user in (world.officer, world.bystander, world.colleague):
        assert api(user).get("/api/v1/referrals/overdue").json()["count"] == 0
    no_send = UserFactory(roles=[Role.IM_OFFICER], agency=world.case.agency)
    assert api(no_send).get("/api/v1/referrals/overdue").status_code == 403


def test_the_new_endpoints_are_in_the_openapi_document(world):
    response = api(world.worker).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = json.loads(response.content)["paths"]
    for path in (
        "/api/v1/cases/{case_id}/transfer/preview",
        "/api/v1/cases/{case_id}/transfer",
        "/api/v1/referrals/overdue",
    ):
        assert path in paths, path
    send = paths["/api/v1/cases/{case_id}/referrals"]["post"]
    schema = json.dumps(send["requestBody"])
    assert "purpose" in json.dumps(paths) and send["operationId"] == "case_referral_send"
    assert "ReferralIn" in schema

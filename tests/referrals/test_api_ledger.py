"""The API's sharing ledger of a case (who received what, never the values), the service
feedback on the sender's referral rows, and the previews' errors and warnings. Every allowed
call has its denied twin."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from amana.accounts.errors import ActionError
from amana.accounts.roles import Role
from amana.cases.models import CaseAssignment
from amana.sharing.models import LedgerEntry
from tests.factories import UserFactory
from tests.referrals.test_api import BODY, api, post, referrals_url
from tests.referrals.test_views import World, give_consent, make_world, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def ledger_url(world: World) -> str:
    return f"/api/v1/cases/{world.case.pk}/ledger"


# --- The ledger -----------------------------------------------------------------------------


def test_the_ledger_lists_disclosures_and_refusals_without_the_values(world):
    post(api(world.worker), referrals_url(world), BODY)  # no consent yet: refused
    give_consent(world)
    referral = send(world)
    response = api(world.worker).get(ledger_url(world))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2 and body["page"] == 1 and body["pages"] == 1
    shared, refused = body["results"]  # newest first
    assert shared["decision"] == "allow" and refused["decision"] == "deny"
    assert shared["recipient"] == {"id": "unhcr", "name": "UNHCR"}
    assert shared["purpose"] == "referral_immediate"
    assert shared["service"] == "resettlement_consideration"
    assert shared["legal_basis"] == "consent" and shared["actor"] == "worker.psy"
    assert shared["shared_elements"] == list(referral.shared_elements)
    assert refused["shared_elements"] == [] and "consent.missing" in refused["reason_codes"]
    assert shared["at"] >= refused["at"]
    text = json.dumps(body)
    for value in ("Nour Haddad", "945-1234", "Needs resettlement"):
        assert value not in text
    assert "request" not in shared


def test_the_ledger_of_a_case_the_caller_may_not_open_is_not_found(world):
    give_consent(world)
    send(world)
    for user in (world.bystander, world.officer, world.im_officer):
        assert api(user).get(ledger_url(world)).status_code == 404
    unknown = "/api/v1/cases/00000000-0000-4000-8000-000000000001/ledger"
    assert api(world.worker).get(unknown).status_code == 404
    assert api(world.worker).get("/api/v1/cases/not-a-uuid/ledger").status_code == 404


def test_the_ledger_is_empty_for_those_who_do_not_see_protection_data(world):
    """As on the case page: where a child was referred says much about the case."""
    give_consent(world)
    send(world)
    im_officer = UserFactory(roles=[Role.IM_OFFICER], agency=world.worker.agency)
    CaseAssignment.objects.create(case=world.case, user=im_officer, role="other")
    response = api(im_officer).get(ledger_url(world))
    assert response.status_code == 200
    assert response.json()["count"] == 0 and response.json()["results"] == []
    # The twin: a data protection focal point assigned to the case sees it.
    focal = UserFactory(roles=[Role.DP_FOCAL_POINT], agency=world.worker.agency)
    CaseAssignment.objects.create(case=world.case, user=focal, role="other")
    assert api(focal).get(ledger_url(world)).json()["count"] == 1


def test_the_ledger_is_paginated_like_the_other_lists(world):
    give_consent(world)
    send(world)
    entry = LedgerEntry.objects.get()
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            case=world.case,
            sender=entry.sender,
            recipient=entry.recipient,
            purpose=entry.purpose,
            legal_basis=entry.legal_basis,
            protocol=entry.protocol,
            decision="deny",
            at=entry.at - timezone.timedelta(minutes=n + 1),
        )
        for n in range(50)
    )
    client = api(world.worker)
    first = client.get(ledger_url(world)).json()
    assert first["count"] == 51 and first["pages"] == 2 and len(first["results"]) == 50
    assert first["results"][0]["id"] == str(entry.pk)
    second = client.get(ledger_url(world) + "?page=2").json()
    assert second["page"] == 2 and len(second["results"]) == 1
    assert second["results"][0]["id"] not in {row["id"] for row in first["results"]}
    assert client.get(ledger_url(world) + "?page=junk").json()["page"] == 1


def test_the_ledger_is_in_the_openapi_document(world):
    response = api(world.worker).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = json.loads(response.content)["paths"]
    operation = paths["/api/v1/cases/{case_id}/ledger"]["get"]
    assert operation["operationId"] == "case_ledger"
    assert any(p["name"] == "page" for p in operation["parameters"])


# --- Service feedback on the sender's rows --------------------------------------------------


def _accepted_with_feedback(world: World, *, consent_to_feedback: bool) -> str:
    give_consent(world)
    referral = send(world)
    officer = api(world.officer)
    post(officer, f"/api/v1/referrals/{referral.pk}/accept", {})
    if consent_to_feedback:
        give_consent(world, recipient="ngo-psy", purpose="feedback_service")
    body = {
        "service_status": "provided",
        "date": timezone.localdate().isoformat(),
        "outcome_summary": "Interview held.",
    }
    post(officer, f"/api/v1/referrals/{referral.pk}/feedback", body)
    return str(referral.pk)


def test_the_senders_rows_carry_the_service_feedback_the_engine_let_through(world):
    referral_id = _accepted_with_feedback(world, consent_to_feedback=True)
    row = api(world.worker).get(referrals_url(world)).json()["results"][0]
    assert row["id"] == referral_id and row["status"] == "accepted"
    feedback = row["service_feedback"]
    assert feedback["status"] == "provided"
    assert feedback["date"] == timezone.localdate().isoformat()
    assert feedback["outcome_summary"] == "Interview held."
    assert feedback["at"]


def test_without_consent_to_feedback_the_row_has_none(world):
    _accepted_with_feedback(world, consent_to_feedback=False)
    row = api(world.worker).get(referrals_url(world)).json()["results"][0]
    assert row["status"] == "accepted" and row["service_feedback"] is None


def test_the_referral_rows_of_a_case_stay_closed_to_others(world):
    _accepted_with_feedback(world, consent_to_feedback=True)
    for user in (world.bystander, world.officer):
        response = api(user).get(referrals_url(world))
        assert response.status_code == 404 and "Interview held" not in response.content.decode()


# --- Previews: the action's check is a 400 naming the field; the phone warning --------------


def _refuse_to_decide(monkeypatch, module: str) -> None:
    def refuse(*args, **kwargs):
        raise ActionError("age", "Record the child's date of birth before sharing.")

    monkeypatch.setattr(f"amana.referrals.{module}.decide_referral", refuse)


def test_a_referral_preview_the_check_refuses_is_400_naming_the_field(world, monkeypatch):
    _refuse_to_decide(monkeypatch, "api")
    response = post(api(world.worker), referrals_url(world) + "/preview", BODY)
    assert response.status_code == 400
    message = "Record the child's date of birth before sharing."
    assert response.json() == {"error": message, "field": "age", "fields": {"age": [message]}}
    assert not LedgerEntry.objects.exists()


def test_a_referral_preview_the_check_takes_is_200(world):
    response = post(api(world.worker), referrals_url(world) + "/preview", BODY)
    assert response.status_code == 200 and "field" not in response.json()


def test_a_transfer_preview_the_check_refuses_is_400_naming_the_field(world, monkeypatch):
    _refuse_to_decide(monkeypatch, "api_transfer")
    url = f"/api/v1/cases/{world.case.pk}/transfer/preview"
    body = {"recipient": "unhcr", "legal_basis": "consent"}
    response = post(api(world.worker), url, body)
    assert response.status_code == 400 and response.json()["field"] == "age"
    monkeypatch.undo()
    assert post(api(world.worker), url, body).status_code == 200


def test_the_preview_warns_when_a_phone_contact_has_no_phone_number(world):
    give_consent(world)
    body = post(api(world.worker), referrals_url(world) + "/preview", BODY).json()
    assert "contact_phone" not in body["values"]
    assert [w["field"] for w in body["warnings"]] == ["contact_method"]
    assert "no phone number" in body["warnings"][0]["text"]


def test_the_preview_does_not_warn_for_another_contact_method(world):
    give_consent(world)
    asked = BODY | {"contact_method": "in_person_at_office"}
    body = post(api(world.worker), referrals_url(world) + "/preview", asked).json()
    assert body["warnings"] == []

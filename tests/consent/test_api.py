"""GET/POST /api/v1/cases/{id}/consents/: the same read and write paths as the consent page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.consent.models import ConsentRecord
from tests.consent.helpers import record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(world) -> str:
    return f"/api/v1/cases/{world.case.pk}/consents/"


def body(**changes) -> dict:
    data = {
        "given_by": "caregiver", "kind": "consent", "purposes": ["referral_immediate"],
        "recipients": ["ngo-psy"], "stage": "intake", "method": "written", "language": "fr",
        "given_on": "2026-06-01", "notes": "read the script in French",
    }  # fmt: skip
    data.update(changes)
    return data


def post(client, world, data):
    return client.post(url(world), data, content_type="application/json")


def test_caseworker_lists_the_records_oldest_first(client, world):
    first = record(world, notes="team-only note")
    second = record(world, kind="withdrawal", given_on=timezone.localdate(), purposes=[])
    client.force_login(world.worker)
    response = client.get(url(world))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [str(first.pk), str(second.pk)]
    assert results[0]["notes"] == "team-only note"
    assert results[0]["receipt"] == f"/consent/records/{first.pk}/receipt.pdf"
    assert results[0]["explained_by"] == world.worker.username
    assert response.json()["reverification"] == []
    assert AuditEntry.objects.filter(action="case.view", object_id=str(world.case.pk)).exists()


def test_caseworker_records_a_consent_through_the_action(client, world):
    client.force_login(world.worker)
    response = post(client, world, body())
    assert response.status_code == 201, response.json()
    stored = ConsentRecord.objects.get()
    assert response.json()["id"] == str(stored.pk)
    assert stored.recorded_by == world.worker and stored.explained_by == world.worker
    assert stored.language == "fr" and stored.services is None
    entry = AuditEntry.objects.get(action="consent.record")
    assert entry.details["kind"] == "consent" and "French" not in str(entry.details)


def test_a_colleague_may_be_named_as_the_one_who_explained(client, world):
    world.case.assignments.create(user=world.peer)
    client.force_login(world.worker)
    response = post(client, world, body(explained_by=world.peer.username))
    assert response.status_code == 201
    assert ConsentRecord.objects.get().explained_by == world.peer
    outsider = post(client, world, body(explained_by=world.stranger.username))
    assert outsider.status_code == 400 and outsider.json()["field"] == "explained_by"
    assert ConsentRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "assent"}, "given_by"),
        ({"purposes": ["research"]}, "purposes"),
        ({"recipients": []}, "recipients"),
        ({"language": "not a language"}, "language"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(client, world, changes, field):
    client.force_login(world.worker)
    response = post(client, world, body(**changes))
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not ConsentRecord.objects.exists()


def test_malformed_body_is_400(client, world):
    client.force_login(world.worker)
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    assert post(client, world, body(given_on=future)).status_code == 400
    assert post(client, world, body(kind="maybe")).status_code == 400
    assert post(client, world, {"kind": "consent"}).status_code == 400
    assert not ConsentRecord.objects.exists()


def test_other_agency_and_unassigned_colleague_find_nothing(client, world):
    record(world)
    for user in (world.stranger, world.peer, world.im_officer):
        client.force_login(user)
        response = client.get(url(world))
        assert response.status_code == 404
        assert "caregiver" not in response.content.decode()
        assert post(client, world, body()).status_code == 404
    assert ConsentRecord.objects.count() == 1


def test_dp_focal_point_on_the_case_reads_masked_notes_but_cannot_record(client, world):
    record(world, notes="team-only note")
    focal = UserFactory(roles=[Role.DP_FOCAL_POINT], agency=world.case.agency)
    world.case.assignments.create(user=focal, role="other")
    client.force_login(focal)
    results = client.get(url(world)).json()["results"]
    assert results[0]["notes"] == "•••"
    assert post(client, world, body()).status_code == 403
    assert ConsentRecord.objects.count() == 1


def test_assigned_user_without_protection_visibility_may_not_read(client, world):
    world.case.assignments.create(user=world.im_officer, role="other")
    record(world)
    client.force_login(world.im_officer)
    assert client.get(url(world)).status_code == 403


def test_reverification_reasons_come_with_the_list(client, world):
    record(world, given_on=timezone.localdate() - timedelta(days=400))
    client.force_login(world.worker)
    due = client.get(url(world)).json()["reverification"]
    assert [item["reason"] for item in due] == ["older than 365 days"]
    assert "review period" in due[0]["text"]


def test_anonymous_caller_meets_the_wall(client, world):
    assert client.get(url(world)).status_code == 401


def test_consents_api_is_in_the_openapi_document(client, world):
    client.force_login(world.worker)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = schema["paths"]["/api/v1/cases/{case_id}/consents/"]
    assert {"get", "post"} <= set(operations)

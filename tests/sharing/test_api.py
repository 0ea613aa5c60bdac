"""POST /api/v1/sharing/check: the contract's decision over HTTP, audited, errors as JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.protocols.actions import do_load_protocol

pytestmark = pytest.mark.django_db
CAMP = Path(__file__).resolve().parents[1] / "protocol" / "corpus" / "protocols" / "camp.yaml"
URL = "/api/v1/sharing/check"
REQUEST = {
    "at": "2026-05-10", "from": "ngo-a", "to": "un", "purpose": "referral_immediate",
    "service": "health", "legal_basis": "consent", "subject": {"age": 5},
    "consents": [{"given_by": "caregiver", "kind": "consent", "purposes": ["referral_immediate"],
                  "recipients": ["un"], "on": "2026-05-01"}],
    "elements": ["full_name", "incident_narrative"],
}  # fmt: skip


@pytest.fixture
def protocol():
    return do_load_protocol(source_text=CAMP.read_text(), filename="camp.yaml", actor=None)


def post(client, body, **extra):
    return client.post(URL, body, content_type="application/json", **extra)


def test_caseworker_gets_the_decision_and_it_is_audited(client, make_user, protocol):
    user = make_user(Role.CASEWORKER)
    client.force_login(user)
    response = post(client, {"protocol": "camp-test", "request": REQUEST})
    assert response.status_code == 200
    body = response.json()
    assert body["decision"] == "allow" and body["share"] == ["full_name"]
    assert body["withhold"][0]["code"] == "elements.not_agreed"
    assert body["protocol"] == "camp-test@1"
    entry = AuditEntry.objects.get(action="sharing.check")
    assert entry.actor == user.username and entry.outcome == "ok"
    assert entry.details["decision"] == "allow" and entry.details["to"] == "un"


def test_a_denial_is_200_and_audited_as_denied(client, make_user, protocol):
    client.force_login(make_user(Role.CASEWORKER))
    response = post(client, {"protocol": "camp-test", "request": REQUEST | {"consents": []}})
    assert response.status_code == 200 and response.json()["decision"] == "deny"
    assert AuditEntry.objects.get(action="sharing.check").outcome == "denied"


def test_unknown_protocol_is_a_deny_with_protocol_unknown(client, make_user, protocol):
    client.force_login(make_user(Role.CASEWORKER))
    body = post(client, {"protocol": "nope", "request": REQUEST}).json()
    assert body["decision"] == "deny"
    assert body["reasons"][0]["code"] == "protocol.unknown"


def test_french_explanations_follow_the_language(client, make_user, protocol):
    client.force_login(make_user(Role.CASEWORKER))
    body = post(
        client, {"protocol": "camp-test", "request": REQUEST}, HTTP_ACCEPT_LANGUAGE="fr"
    ).json()
    assert body["reasons"][0]["text"].startswith("Vous pouvez partager")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"protocol": "camp-test", "request": REQUEST | {"at": "03/01/2026"}},
         "at: expected a date like 2026-03-01, got '03/01/2026'"),
        ({"protocol": "camp-test", "request": "text"}, "document: expected an object, got 'text'"),
        ({"protocol": "camp-test"}, "request: required"),
        ({"request": REQUEST}, "protocol: expected the id of a stored protocol"),
        ([1, 2], "body: expected a JSON object with protocol and request"),
    ],
)  # fmt: skip
def test_bad_input_is_400_json_naming_the_field(client, make_user, protocol, body, message):
    client.force_login(make_user(Role.CASEWORKER))
    response = post(client, body)
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert not AuditEntry.objects.filter(action="sharing.check").exists()


def test_malformed_json_is_400(client, make_user, protocol):
    client.force_login(make_user(Role.CASEWORKER))
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400 and "error" in response.json()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.CASEWORKER, True),
        (Role.SUPERVISOR, True),
        (Role.DP_FOCAL_POINT, True),
        (Role.IM_OFFICER, False),
        (Role.COORDINATOR, False),
        (Role.AGENCY_ADMIN, False),
        (Role.SYSTEM_ADMIN, False),
    ],
)
def test_who_may_check(client, make_user, protocol, role, allowed):
    client.force_login(make_user(role))
    response = post(client, {"protocol": "camp-test", "request": REQUEST})
    assert response.status_code == (200 if allowed else 403)
    assert AuditEntry.objects.filter(action="sharing.check").exists() is allowed


def test_anonymous_gets_401(client, protocol):
    assert post(client, {"protocol": "camp-test", "request": REQUEST}).status_code == 401


def test_endpoint_is_in_the_openapi_document(client, make_user):
    client.force_login(make_user(Role.CASEWORKER))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert "/api/v1/sharing/check" in schema.content.decode()

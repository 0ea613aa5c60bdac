"""Bad input is 400 naming where, never a 500, and nothing is stored (issue #12, part 6)."""

from __future__ import annotations

import json

import pytest

from amana.audit.models import AuditEntry
from amana.cases.models import Case
from amana.consent.models import ConsentRecord
from amana.core.middleware import MAX_JSON_DEPTH, json_depth
from tests.cases.test_api import (
    BODY,
    caseworker,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.django_db


def post(client, url, body):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data, content_type="application/json")


def registered(client) -> str:
    response = post(client, "/api/v1/cases/", BODY)
    assert response.status_code == 201, response.content
    return str(response.json()["id"])


def test_json_depth_is_counted_outside_strings() -> None:
    assert json_depth(b'{"a": [1, {"b": "[[[[{{{"}]}') == 3
    assert json_depth(b'"\\"[["') == 0
    assert json_depth(b"[" * 5000 + b"]" * 5000) == 5000


def test_nul_in_an_api_path_is_400_naming_the_path(client, caseworker):  # noqa: F811
    client.force_login(caseworker)
    response = client.get("/api/v1/cases/%00/")
    assert response.status_code == 400
    assert response.json()["field"] == "path"


def test_nul_in_a_query_value_is_400_naming_the_parameter(client, caseworker):  # noqa: F811
    client.force_login(caseworker)
    response = client.get("/api/v1/cases/", {"status": "open\x00"})
    assert response.status_code == 400
    assert response.json()["field"] == "status"


def test_nul_in_a_json_body_is_400_naming_the_key_and_stores_nothing(client, caseworker):  # noqa: F811
    client.force_login(caseworker)
    body = BODY | {"child": {"full_name": "Yusuf\x00Ali"}}
    response = post(client, "/api/v1/cases/", body)
    assert response.status_code == 400
    assert response.json()["field"] == "child.full_name"
    assert not Case.objects.exists()


def test_json_nested_5000_deep_is_400(client, caseworker):  # noqa: F811
    client.force_login(caseworker)
    deep = "[" * 5000 + "]" * 5000
    response = post(client, "/api/v1/sharing/check", f'{{"protocol": "p", "request": {deep}}}')
    assert response.status_code == 400
    assert response.json()["field"] == "body"
    shallow = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    ok = post(client, "/api/v1/sharing/check", f'{{"protocol": "p", "request": {shallow}}}')
    assert ok.status_code == 400 and ok.json().get("field") != "body"


def test_nul_in_a_page_query_or_form_is_a_400_page(client, caseworker):  # noqa: F811
    client.force_login(caseworker)
    page = client.get("/cases/", {"q": "a\x00b"})
    assert page.status_code == 400
    assert b"<html" in page.content.lower() or b"<!doctype" in page.content.lower()
    posted = client.post("/cases/new/", {"full_name": "x\x00"})
    assert posted.status_code == 400
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"child": {"full_name": "Yusuf", "nationality": "x" * 65}}, "nationality"),
        ({"child": {"full_name": "Yusuf", "address": "x" * 1_000_000}}, "address"),
        ({"child": {"full_name": "Y" * 201}}, "full_name"),
        ({"child": {"full_name": "Yusuf", "date_of_birth": "0001-01-01"}}, "date_of_birth"),
        ({"child": {"full_name": "Yusuf", "date_of_birth": "2999-01-01"}}, "date_of_birth"),
        (
            {"people": [{"relationship": "father", "full_name": f"P{i}"} for i in range(21)]},
            "people",
        ),
        ({"case": {"risk_level": "low", "concerns": ["neglect"] * 51}}, "concerns"),
    ],
)
def test_registration_over_a_limit_is_400_naming_the_field(client, caseworker, change, field):  # noqa: F811
    client.force_login(caseworker)
    response = post(client, "/api/v1/cases/", BODY | change)
    assert response.status_code == 400, response.content
    assert field in json.dumps(response.json()["fields"])
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"is_refugee": "maybe"}, "is_refugee"),
        ({"risk_level": 5}, "risk_level"),
        ({"concerns": "neglect"}, "concerns"),
        ({"concerns": [{"a": 1}]}, "concerns"),
        ({"location": ["XX"]}, "location"),
        ({"care_arrangement": {"x": 1}}, "care_arrangement"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_patch_changes_are_type_checked_per_field(client, caseworker, changes, field):  # noqa: F811
    client.force_login(caseworker)
    case_id = registered(client)
    response = client.patch(
        f"/api/v1/cases/{case_id}/",
        json.dumps({"version": 1, "changes": changes}),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]["changes"]
    assert Case.objects.get().version == 1


def test_consent_lists_are_limited(client, caseworker):  # noqa: F811
    client.force_login(caseworker)
    case_id = registered(client)
    body = {
        "given_by": "caregiver",
        "kind": "consent",
        "purposes": ["referral_immediate"],
        "recipients": [f"agency-{i}" for i in range(10_000)],
        "stage": "intake",
        "method": "written",
        "language": "en",
        "given_on": "2026-01-01",
    }
    response = post(client, f"/api/v1/cases/{case_id}/consents/", body)
    assert response.status_code == 400
    assert "recipients" in response.json()["fields"]
    assert not ConsentRecord.objects.exists()


def test_a_malformed_id_is_404_and_its_probe_audited(client, caseworker):  # noqa: F811
    client.force_login(caseworker)
    response = client.get("/api/v1/cases/not%0Aa-uuid/")
    assert response.status_code == 404
    entry = AuditEntry.objects.filter(outcome="not_found").latest("at")
    assert "\n" not in entry.object_id


def test_nul_in_a_page_path_is_a_400_page(client, caseworker):  # noqa: F811
    client.force_login(caseworker)
    response = client.get("/cases/%00/")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")

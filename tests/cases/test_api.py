"""The cases API: same need-to-know as the pages, JSON errors naming the field, 409 on conflict."""

from __future__ import annotations

import pytest

from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.cases.models import Case, CaseAssignment
from tests.cases.helpers import ensure_lookups, register
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db
BODY = {
    "child": {"full_name": "Yusuf Ali", "sex": "male", "date_of_birth": "2015-06-01"},
    "people": [{"relationship": "father", "full_name": "Ali Hassan", "is_caregiver": True}],
    "case": {"risk_level": "medium", "concerns": ["neglect"], "location": "XX-C1"},
}


@pytest.fixture
def caseworker():
    ensure_lookups()
    return UserFactory(
        roles=[Role.CASEWORKER], agency=AgencyFactory(slug="ngo-a", case_prefix="NGA")
    )


def test_register_then_list_then_read(client, caseworker):
    client.force_login(caseworker)
    created = client.post("/api/v1/cases/", BODY, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["child"]["full_name"] == "Yusuf Ali" and body["case_number"].startswith("NGA-")
    listing = client.get("/api/v1/cases/").json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == body["id"]
    detail = client.get(f"/api/v1/cases/{body['id']}/")
    assert detail.status_code == 200 and detail.json()["child"]["age"] is not None
    assert AuditEntry.objects.filter(action="case.view", object_id=body["id"]).exists()
    assert AuditEntry.objects.filter(action="case.list").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"child": {"full_name": ""}}, "child"),
        ({"case": {"risk_level": "extreme"}}, "case"),
        ({"case": {"risk_level": "high", "concerns": ["unknown"]}}, "concerns"),
        ({"child": {"full_name": "X", "date_of_birth": "01/06/2015"}}, "child"),
    ],
)
def test_bad_registration_is_400_naming_the_field(client, caseworker, change, field):
    client.force_login(caseworker)
    response = client.post("/api/v1/cases/", BODY | change, content_type="application/json")
    assert response.status_code == 400
    assert field in response.content.decode()
    assert not Case.objects.exists()


def test_other_agency_and_unassigned_colleague_get_404(client, caseworker):
    case = register(caseworker)
    for outsider in (
        UserFactory(roles=[Role.CASEWORKER]),
        UserFactory(roles=[Role.CASEWORKER], agency=caseworker.agency),
    ):
        client.force_login(outsider)
        assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404
        assert client.get("/api/v1/cases/").json()["count"] == 0
        patched = client.patch(
            f"/api/v1/cases/{case.pk}/",
            {"version": 1, "changes": {"risk_level": "low"}},
            content_type="application/json",
        )
        assert patched.status_code == 404
    case.refresh_from_db()
    assert case.risk_level == "high"


def test_im_officer_cannot_register(client):
    client.force_login(UserFactory(roles=[Role.IM_OFFICER]))
    ensure_lookups()
    assert client.post("/api/v1/cases/", BODY, content_type="application/json").status_code == 403


def test_explicitly_assigned_im_officer_sees_the_case_masked(client, caseworker):
    case = register(caseworker, name="Secret Name")
    officer = UserFactory(roles=[Role.IM_OFFICER], agency=caseworker.agency)
    CaseAssignment.objects.create(case=case, user=officer, role=CaseAssignment.Role.OTHER)
    client.force_login(officer)
    body = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert body["child"]["full_name"] == "•••" and body["concerns"] == "•••"
    assert "Secret" not in str(body)
    assert body["risk_level"] == "high"


def test_patch_conflict_is_409_with_who_and_what(client, caseworker):
    case = register(caseworker)
    client.force_login(caseworker)
    url = f"/api/v1/cases/{case.pk}/"
    first = client.patch(
        url, {"version": 1, "changes": {"risk_level": "low"}}, content_type="application/json"
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    second = client.patch(
        url, {"version": 1, "changes": {"risk_level": "medium"}}, content_type="application/json"
    )
    assert second.status_code == 409
    assert second.json()["changed_fields"] == ["risk_level"]
    assert second.json()["changed_by"] == caseworker.username
    case.refresh_from_db()
    assert case.risk_level == "low"


def test_anonymous_gets_401(client):
    assert client.get("/api/v1/cases/").status_code == 401

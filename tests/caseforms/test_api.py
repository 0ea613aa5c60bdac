"""The forms API: save, submit, approve over HTTP, with the same checks as the pages."""

from __future__ import annotations

import pytest

from amana.accounts.roles import Role
from amana.caseforms.actions import do_store_shipped_forms
from amana.cases.models import Case
from tests.cases.helpers import register
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    do_store_shipped_forms()
    agency = AgencyFactory(slug="ngo-f", case_prefix="NGF")
    worker = UserFactory(roles=[Role.CASEWORKER], agency=agency)
    boss = UserFactory(roles=[Role.SUPERVISOR], agency=agency)
    case = register(worker)
    case.supervisor = boss
    case.save()
    return worker, boss, case


def test_follow_up_saved_over_the_api_and_read_back(client, team):
    worker, _boss, case = team
    client.force_login(worker)
    url = f"/api/v1/cases/{case.pk}/forms/"
    bad = client.post(
        url,
        {"form_id": "follow_up", "values": {"x": 1}, "submit": True},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "field" in bad.json()
    draft = client.post(
        url,
        {"form_id": "follow_up", "values": {}, "submit": False},
        content_type="application/json",
    )
    assert draft.status_code == 201, draft.content
    listed = client.get(url).json()
    assert [r["status"] for r in listed] == ["draft"]
    stale = client.put(
        f"{url}{listed[0]['id']}/", {"values": {}, "version": 99}, content_type="application/json"
    )
    assert stale.status_code == 409


def test_unknown_form_is_400(client, team):
    worker, _boss, case = team
    client.force_login(worker)
    response = client.post(
        f"/api/v1/cases/{case.pk}/forms/",
        {"form_id": "nope", "values": {}},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "form"


def test_approvals_inbox_only_for_the_supervisor(client, team):
    worker, boss, case = team
    client.force_login(boss)
    assert client.get("/api/v1/approvals/").json() == []
    client.force_login(worker)
    assert client.post("/api/v1/approvals/00000000-0000-0000-0000-000000000000/", {"approve": True},
                       content_type="application/json").status_code == 404  # fmt: skip
    assert client.get("/api/v1/tasks/due/").json()[0]["kind"] == "initial_assessment"
    assert Case.objects.get(pk=case.pk).stage == "registered"


def test_stranger_gets_404_for_forms(client, team):
    _worker, _boss, case = team
    client.force_login(UserFactory(roles=[Role.CASEWORKER]))
    assert client.get(f"/api/v1/cases/{case.pk}/forms/").status_code == 404

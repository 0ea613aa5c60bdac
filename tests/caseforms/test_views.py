"""The case form pages: a form saved as a draft then submitted, stale saves, approvals."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from amana.accounts.roles import Role
from amana.caseforms import actions
from amana.caseforms.models import FormRecord
from amana.cases.models import Case
from tests.cases.helpers import register
from tests.core.pages import csp_violations
from tests.e2e.helpers import simple_forms
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    worker: object
    boss: object
    peer: object
    stranger: object
    case: Case


@pytest.fixture
def world() -> World:
    agency = AgencyFactory(slug="ngo-a", name="NGO Alpha", case_prefix="NGA")
    worker = UserFactory(roles=[Role.CASEWORKER], agency=agency, username="worker.a")
    boss = UserFactory(roles=[Role.SUPERVISOR], agency=agency, username="boss.a")
    peer = UserFactory(roles=[Role.CASEWORKER], agency=agency, username="peer.a")
    stranger = UserFactory(roles=[Role.CASEWORKER], agency=AgencyFactory(slug="ngo-b"))
    case = register(worker)
    case.supervisor = boss
    case.save()
    return World(worker, boss, peer, stranger, case)


def _as(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def forms_ready(world):
    simple_forms()
    return world


def test_a_form_is_saved_as_a_draft_then_submitted(client, forms_ready):
    world = forms_ready
    client = _as(client, world.worker)
    case_page = client.get(f"/cases/{world.case.pk}/")
    assert f"/cases/{world.case.pk}/forms/initial_assessment/" in case_page.text
    url = f"/cases/{world.case.pk}/forms/initial_assessment/"
    blank = client.get(url)
    assert blank.status_code == 200 and "Summary" in blank.text
    assert csp_violations(blank.content) == []
    draft = client.post(url, {"action": "draft", "seen_on": "2026-01-05"})
    assert draft.status_code == 302
    record = FormRecord.objects.get(case=world.case)
    assert record.status == FormRecord.Status.DRAFT
    record_url = f"{url}{record.pk}/"
    assert draft["Location"] == record_url
    bad = client.post(
        record_url, {"action": "submit", "seen_on": "2026-01-05", "version": "1", "summary": ""}
    )
    assert bad.status_code == 400 and "Summary" in bad.text
    done = client.post(record_url, {"action": "submit", "seen_on": "2026-01-05", "summary": "Safe with mother",
                                    "version": "1"})  # fmt: skip
    assert done.status_code == 302
    record.refresh_from_db()
    assert record.status == FormRecord.Status.DONE
    shown = client.get(record_url)
    assert (
        shown.status_code == 200
        and "Safe with mother" in shown.text
        and "<textarea" not in shown.text
    )


def test_a_stale_form_save_is_refused_with_the_typed_text_kept(client, forms_ready):
    world = forms_ready
    record = actions.do_save_form(case=world.case, form_id="initial_assessment", data={"summary": "first"},
                                  submit=False, actor=world.worker)  # fmt: skip
    opened = {"action": "draft", "summary": "mine", "initial-summary": "first", "version": "1"}
    actions.do_save_form(case=world.case, form_id="initial_assessment", data={"summary": "theirs"}, submit=False,
                         record=record, expected_version=1, actor=world.boss)  # fmt: skip
    url = f"/cases/{world.case.pk}/forms/initial_assessment/{record.pk}/"
    page = _as(client, world.worker).post(url, opened)
    assert page.status_code == 409
    assert "boss.a" in page.text and "theirs" in page.text and "\nmine</textarea>" in page.text
    assert 'name="version" value="2"' in page.text


def test_the_supervisor_approves_or_returns_from_the_inbox(client, forms_ready):
    world = forms_ready
    record = actions.do_save_form(case=world.case, form_id="bia", data={"summary": "ok"},
                                  submit=True, actor=world.worker)  # fmt: skip
    assert _as(client, world.worker).get("/cases/approvals/").status_code == 403
    inbox = _as(client, world.boss).get("/cases/approvals/")
    assert (
        inbox.status_code == 200
        and "Test bia" in inbox.text
        and world.case.case_number in inbox.text
    )
    refused = client.post(f"/cases/approvals/{record.pk}/", {"decision": "return", "note": ""})
    assert refused.status_code == 400 and "Note: say what needs to change" in refused.text
    done = client.post(f"/cases/approvals/{record.pk}/", {"decision": "approve", "note": ""})
    assert done.status_code == 302
    record.refresh_from_db()
    assert record.status == FormRecord.Status.APPROVED
    assert client.post(f"/cases/approvals/{record.pk}/", {"decision": "approve"}).status_code == 404

"""The consent pages: history and record form, need-to-know, errors keeping input."""

from __future__ import annotations

from datetime import date

import pytest

from amana.audit.models import AuditEntry
from amana.consent.models import ConsentRecord
from tests.consent.helpers import record
from tests.core.pages import csp_violations

pytestmark = pytest.mark.django_db


def url(world) -> str:
    return f"/consent/cases/{world.case.pk}/"


def post_data(world, **changes) -> dict:
    data = {
        "given_by": "caregiver", "kind": "consent", "purposes": ["referral_immediate"],
        "recipients": ["ngo-psy"], "stage": "intake", "method": "written", "language": "fr",
        "explained_by": str(world.worker.pk), "given_on": "2026-06-01",
        "notes": "read the script in French",
    }  # fmt: skip
    data.update(changes)
    return data


def test_history_page_lists_records_and_shows_the_form(client, world):
    stored = record(world, notes="a note only the team sees")
    client.force_login(world.worker)
    page = client.get(url(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="record-{stored.pk}"' in html
    assert "NGO C (psychosocial support)" in html
    assert "a note only the team sees" in html
    assert f"/consent/records/{stored.pk}/receipt.pdf" in html
    assert 'name="given_by"' in html
    assert csp_violations(page.content) == []
    assert AuditEntry.objects.filter(action="case.view", object_id=str(world.case.pk)).exists()


def test_other_agency_and_unassigned_colleague_get_not_found(client, world):
    record(world)
    for user in (world.stranger, world.peer):
        client.force_login(user)
        assert client.get(url(world)).status_code == 404
        assert client.post(url(world), post_data(world)).status_code == 404
    assert ConsentRecord.objects.count() == 1


def test_unknown_case_is_not_found(client, world):
    client.force_login(world.worker)
    assert client.get("/consent/cases/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_valid_post_records_and_redirects(client, world):
    client.force_login(world.worker)
    response = client.post(url(world), post_data(world))
    assert response.status_code == 302
    stored = ConsentRecord.objects.get()
    assert response["Location"].endswith(f"#record-{stored.pk}")
    assert (stored.kind, stored.language, stored.given_on) == ("consent", "fr", date(2026, 6, 1))
    assert stored.notes == "read the script in French"


def test_refusal_with_nothing_ticked_covers_everything(client, world):
    client.force_login(world.worker)
    data = post_data(world, kind="refusal")
    del data["purposes"], data["recipients"]
    assert client.post(url(world), data).status_code == 302
    assert ConsentRecord.objects.get().purposes == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"purposes": []}, "purposes", "Choose at least one purpose."),
        ({"given_by": "caregiver", "kind": "assent"}, "given_by", "Only the child gives assent."),
        ({"given_on": "2999-01-01"}, "given_on", "The date cannot be in the future."),
        ({"language": "not a code"}, "language", "Give the language as a code"),
        ({"purposes": ["research"]}, "purposes", "research"),
    ],
)
def test_bad_post_is_400_names_the_field_keeps_input_and_stores_nothing(
    client, world, changes, field, message
):
    client.force_login(world.worker)
    response = client.post(url(world), post_data(world, **changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert message in response.content.decode()
    assert "read the script in French" in response.content.decode()
    assert not ConsentRecord.objects.exists()


def test_roles_without_protection_data_are_not_allowed(client, world):
    from amana.cases.actions import do_assign_case

    do_assign_case(case=world.case, user=world.im_officer, role="other", actor=world.boss)
    client.force_login(world.im_officer)
    assert client.get(url(world)).status_code == 403
    assert client.post(url(world), post_data(world)).status_code == 403
    assert not ConsentRecord.objects.exists()


def test_reverification_prompt_is_shown(client, world):
    record(world, given_on=date(2020, 1, 1))
    client.force_login(world.worker)
    html = client.get(url(world)).content.decode()
    assert "older than the review period (365 days)" in html


def test_page_reads_in_arabic(client, world):
    client.force_login(world.worker)
    page = client.get(url(world), HTTP_ACCEPT_LANGUAGE="ar")
    assert page.status_code == 200
    assert 'dir="rtl"' in page.content.decode()

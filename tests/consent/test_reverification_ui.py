"""Re-verification prompts: on the case page and at the top of the consent page, only for
people who may read the case's consent records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from amana.cases.models import Case
from tests.consent.helpers import record

pytestmark = pytest.mark.django_db
PROMPT = "Ask for consent again"


def case_page(client, world, user=None):
    client.force_login(user or world.worker)
    response = client.get(f"/cases/{world.case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def consent_page(client, world):
    client.force_login(world.worker)
    response = client.get(f"/consent/cases/{world.case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def stale(world):
    return record(world, given_on=timezone.localdate() - timedelta(days=400))


def test_case_page_prompts_when_the_agreement_is_older_than_the_review_period(client, world):
    stale(world)
    html = case_page(client, world)
    assert PROMPT in html and "older than the review period (365 days)" in html
    assert f"/consent/cases/{world.case.pk}/#record-consent" in html


def test_case_page_has_no_prompt_when_consent_is_fresh(client, world):
    record(world, given_on=timezone.localdate() - timedelta(days=10))
    assert PROMPT not in case_page(client, world)


def test_case_page_prompts_when_closure_is_requested(client, world):
    record(world, given_on=timezone.localdate())
    Case.objects.filter(pk=world.case.pk).update(stage=Case.Stage.CLOSURE_REQUESTED)
    html = case_page(client, world)
    assert PROMPT in html and "The case is closing" in html


def test_closure_prompt_goes_once_consent_was_asked_at_closure(client, world):
    record(world, given_on=timezone.localdate(), stage="closure")
    Case.objects.filter(pk=world.case.pk).update(stage=Case.Stage.CLOSURE_REQUESTED)
    assert PROMPT not in case_page(client, world)


def test_the_review_period_follows_the_setting(client, world, settings):
    record(world, given_on=timezone.localdate() - timedelta(days=40))
    assert PROMPT not in case_page(client, world)
    settings.AMANA_CONSENT_REVIEW_DAYS = 30
    assert "older than the review period (30 days)" in case_page(client, world)


def test_no_prompt_for_someone_who_may_not_read_consent(client, world):
    stale(world)
    world.case.assignments.create(user=world.im_officer, role="other")
    html = case_page(client, world, world.im_officer)
    assert PROMPT not in html


def test_consent_page_shows_the_prompt_at_the_top(client, world):
    stale(world)
    html = consent_page(client, world)
    assert PROMPT in html
    assert html.index(PROMPT) < html.index('id="history-heading"')


def test_consent_page_without_reasons_has_no_prompt(client, world):
    record(world, given_on=timezone.localdate())
    assert PROMPT not in consent_page(client, world)

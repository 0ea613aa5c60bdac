"""Service feedback goes back to the referring agency only with consent; process feedback
(accepted / rejected) needs none."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from amana.cases.errors import ActionError, NotAllowed
from amana.referrals import access
from amana.referrals.actions import do_respond_referral, do_send_referral, do_send_service_feedback
from amana.referrals.models import Referral
from amana.sharing.models import LedgerEntry
from tests.referrals.backend_helpers import REFERRAL, World, agree, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def _accepted(world: World) -> Referral:
    agree(world, "referral_immediate", "unhcr")
    referral = do_send_referral(case=world.case, data=REFERRAL, actor=world.worker).referral
    assert referral is not None
    return do_respond_referral(referral=referral, accept=True, actor=world.officer)


def _feedback(world: World, referral: Referral, **change):
    values = {
        "status": "provided",
        "date": timezone.localdate(),
        "outcome_summary": "Interviewed; file submitted.",
    } | change
    return do_send_service_feedback(referral=referral, actor=world.officer, **values)


def test_with_consent_the_sender_reads_what_was_provided(world):
    referral = _accepted(world)
    agree(world, "feedback_service", "ngo-psy")  # the provider may tell the referring agency
    result = _feedback(world, referral)
    assert result.stored and result.decision["decision"] == "allow"
    feedback = access.service_feedback(world.worker, Referral.objects.get(pk=referral.pk))
    assert feedback["status"] == "provided"
    assert feedback["outcome_summary"] == "Interviewed; file submitted."
    entry = LedgerEntry.objects.get(purpose="feedback_service")
    assert (entry.sender, entry.recipient, entry.decision) == ("unhcr", "ngo-psy", "allow")
    assert entry.shared == ["service_status", "service_date", "outcome_summary"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT service_feedback FROM referrals_referral")
        assert "Interviewed" not in cursor.fetchone()[0]


def test_without_consent_only_the_ledger_entry_remains(world):
    referral = _accepted(world)
    result = _feedback(world, referral)
    assert not result.stored and result.decision["decision"] == "deny"
    assert "consent.missing" in {r["code"] for r in result.decision["reasons"]}
    assert access.service_feedback(world.worker, Referral.objects.get(pk=referral.pk)) is None
    entry = LedgerEntry.objects.get(purpose="feedback_service")
    assert entry.decision == "deny" and entry.shared == []


def test_consent_to_tell_another_agency_does_not_count(world):
    referral = _accepted(world)
    agree(world, "feedback_service", "imc")
    assert not _feedback(world, referral).stored


def test_process_feedback_flows_without_consent(world):
    _accepted(world)
    entry = LedgerEntry.objects.get(purpose="feedback_process")
    assert entry.decision == "allow" and entry.recipient == "ngo-psy"


def test_only_the_recipient_agency_sends_service_feedback(world):
    referral = _accepted(world)
    agree(world, "feedback_service", "ngo-psy")
    for outsider in (world.worker, world.bystander, world.imc):
        with pytest.raises(NotAllowed):
            do_send_service_feedback(
                referral=referral,
                status="provided",
                date=timezone.localdate(),
                outcome_summary="",
                actor=outsider,
            )
    assert not LedgerEntry.objects.filter(purpose="feedback_service").exists()


def test_only_the_sender_on_the_case_and_the_recipient_read_it(world):
    referral = _accepted(world)
    agree(world, "feedback_service", "ngo-psy")
    _feedback(world, referral)
    referral.refresh_from_db()
    assert access.service_feedback(world.officer, referral)["status"] == "provided"
    for outsider in (world.colleague, world.bystander, world.imc):
        with pytest.raises(access.ReferralNotFound):
            access.service_feedback(outsider, referral)


def test_feedback_follows_an_accepted_referral_only(world):
    agree(world, "referral_immediate", "unhcr")
    referral = do_send_referral(case=world.case, data=REFERRAL, actor=world.worker).referral
    with pytest.raises(ActionError) as err:
        _feedback(world, referral)
    assert err.value.field == "status"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "magic"}, "service_status"),
        ({"date": "2026-11-01"}, "date"),
        ({"date": date.today() + timedelta(days=3)}, "date"),
        ({"date": date(2026, 1, 1)}, "date"),
        ({"outcome_summary": "x" * 2001}, "outcome_summary"),
    ],
)
def test_bad_feedback_is_named(world, change, field):
    referral = _accepted(world)
    with pytest.raises(ActionError) as err:
        _feedback(world, referral, **change)
    assert err.value.field == field
    assert not LedgerEntry.objects.filter(purpose="feedback_service").exists()

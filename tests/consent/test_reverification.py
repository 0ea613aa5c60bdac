"""When consent must be asked again: transfer, closure, age of the agreement."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from amana.cases.models import Case
from amana.consent.access import ConsentFact, reverification_due, reverification_reasons
from tests.consent.helpers import record

TODAY = date(2026, 11, 1)


def fact(given_by="caregiver", kind="consent", on=date(2026, 10, 1), stage="other",
         purposes=("referral_immediate",)) -> ConsentFact:  # fmt: skip
    return ConsentFact(given_by, kind, on, stage, tuple(purposes))


def reasons(records, *, status="open", stage="implementation", changed_on=None, days=365):
    return reverification_reasons(
        status=status, stage=stage, changed_on=changed_on, records=records, today=TODAY,
        max_age_days=days,
    )  # fmt: skip


def test_nothing_to_ask_for_an_open_case_with_recent_consent():
    assert reasons([fact()]) == []
    assert reasons([]) == []


def test_agreement_older_than_the_period_is_to_be_verified():
    assert reasons([fact(on=date(2025, 10, 31))]) == ["older than 365 days"]
    assert reasons([fact(on=date(2025, 11, 1))]) == []  # exactly the period: still fresh
    assert reasons([fact(on=date(2026, 8, 1))], days=30) == ["older than 30 days"]


def test_a_newer_agreement_for_the_same_purpose_refreshes_it():
    old = fact(on=date(2024, 1, 1))
    assert reasons([old, fact(on=date(2026, 9, 1))]) == []


def test_a_fresh_agreement_for_another_purpose_does_not_refresh_an_old_one():
    old = fact(on=date(2024, 1, 1))
    other = fact(on=date(2026, 9, 1), purposes=("case_transfer",))
    assert reasons([old, other]) == ["older than 365 days"]


def test_relative_and_caregiver_are_the_same_giver():
    assert (
        reasons([fact(on=date(2024, 1, 1)), fact(given_by="relative", on=date(2026, 9, 1))]) == []
    )


def test_an_old_agreement_later_refused_or_withdrawn_needs_no_prompt():
    old = fact(on=date(2024, 1, 1))
    assert reasons([old, fact(kind="withdrawal", on=date(2024, 2, 1), purposes=())]) == []
    assert reasons([old, fact(kind="refusal", on=date(2024, 1, 1))]) == []  # same day: refusal wins
    assert reasons([fact(kind="refusal", on=date(2020, 1, 1))]) == []


def test_another_givers_refusal_does_not_settle_the_caregivers_agreement():
    old = fact(on=date(2024, 1, 1))
    assert reasons([old, fact(given_by="child", kind="withdrawal", on=date(2024, 2, 1))]) == [
        "older than 365 days"
    ]


def test_closing_case_asks_for_consent_at_closure():
    assert reasons([fact()], stage="closure_requested") == ["case closing"]
    assert reasons([fact()], status="closed", stage="closed") == ["case closing"]
    assert reasons([fact(), fact(stage="closure")], stage="closure_requested") == []
    assert reasons([fact(kind="refusal", stage="closure")], status="closed", stage="closed") == []


def test_transferred_case_asks_again_until_something_is_recorded_after_the_transfer():
    assert reasons([fact()], status="transferred") == ["case transferred"]
    assert reasons([fact()], status="transferred", changed_on=date(2026, 10, 2)) == [
        "case transferred"
    ]
    assert (
        reasons([fact(on=date(2026, 10, 2))], status="transferred", changed_on=date(2026, 10, 2))
        == []
    )


def test_reasons_come_together_in_order():
    got = reasons([fact(on=date(2020, 1, 1))], status="transferred", stage="closure_requested")
    assert got == ["case transferred", "case closing", "older than 365 days"]


@pytest.mark.django_db
def test_reverification_due_reads_the_stored_case(world):
    record(world, given_on=date(2025, 1, 1))
    assert reverification_due(world.case, today=TODAY, max_age_days=365) == ["older than 365 days"]
    world.case.status = Case.Status.CLOSED
    world.case.stage = Case.Stage.CLOSED
    world.case.closed_at = datetime(2026, 10, 1, tzinfo=UTC)
    world.case.save()
    assert reverification_due(world.case, today=TODAY, max_age_days=365) == [
        "case closing", "older than 365 days",
    ]  # fmt: skip
    record(world, stage="closure", given_on=date(2026, 10, 1))
    assert reverification_due(world.case, today=TODAY, max_age_days=365) == []

"""The demo data: idempotent, and ready for a referral without recording consent first."""

from __future__ import annotations

import pytest
from django.utils import timezone

from amana.accounts.models import User
from amana.cases.models import Case
from amana.consent.models import ConsentRecord
from amana.ops.demo.loader import DEMO_CONSENT_CASES, load_demo
from amana.referrals.actions import ReferralInput, decide_referral

pytestmark = pytest.mark.django_db


def _resettlement() -> ReferralInput:
    return ReferralInput(
        recipient="unhcr",
        service="resettlement_consideration",
        legal_basis="consent",
        elements=["full_name", "sex", "referral_summary"],
        written={"referral_summary": "Needs a durable solution."},
    )


def test_demo_cases_with_consent_may_be_referred_and_a_second_load_adds_nothing():
    load_demo()
    amira = User.objects.get(username="amira.cw")
    with_consent = Case.objects.filter(consent_records__isnull=False).distinct()
    assert with_consent.count() == DEMO_CONSENT_CASES
    assert set(with_consent.values_list("agency__slug", flat=True)) == {"ngo-psy"}
    case = with_consent.filter(assignments__user=amira).first()
    assert case is not None
    decision, _ = decide_referral(case, _resettlement(), timezone.localdate())
    assert decision["decision"] == "allow", decision["reasons"]
    assert case.care_arrangement in {"parents", "kinship"}
    assert case.child.birth_year or case.child.date_of_birth
    records_of_case = ConsentRecord.objects.filter(case=case)
    feedback = [r for r in records_of_case if "feedback_service" in r.purposes]
    assert {tuple(r.recipients) for r in feedback} == {("ngo-psy",)}
    records = ConsentRecord.objects.count()
    load_demo()
    assert ConsentRecord.objects.count() == records


def test_a_demo_case_without_consent_is_refused_the_same_referral():
    load_demo()
    amira = User.objects.get(username="amira.cw")
    cases = Case.objects.filter(assignments__user=amira, consent_records__isnull=True)
    # A case whose child's age is known: an unknown age is refused before the engine is asked.
    case = next((c for c in cases if c.child.date_of_birth or c.child.birth_year), None)
    assert case is not None
    decision, _ = decide_referral(case, _resettlement(), timezone.localdate())
    assert decision["decision"] == "deny"

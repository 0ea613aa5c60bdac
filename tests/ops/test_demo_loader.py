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
    decided = decide_referral(case, _resettlement(), timezone.localdate())
    decision, _ = decided.explained, decided.protocol
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
    decided = decide_referral(case, _resettlement(), timezone.localdate())
    decision, _ = decided.explained, decided.protocol
    assert decision["decision"] == "deny"


def test_the_demo_goes_through_the_actions():
    from amana.accounts.models import Agency
    from amana.audit.models import AuditEntry
    from amana.ops.demo.cases import DEMO_CASES
    from amana.ops.demo.spec import demo_spec

    load_demo()
    spec = demo_spec()
    prefixes = dict(Agency.objects.values_list("slug", "case_prefix"))
    assert prefixes == {a["slug"]: a["case_prefix"] for a in spec["agencies"]}
    assert AuditEntry.objects.filter(action="agency.create").count() == len(spec["agencies"])
    assert AuditEntry.objects.filter(action="user.create").count() == len(spec["users"])
    # Every case was registered by a demo caseworker of its agency, who is assigned to it.
    registered = AuditEntry.objects.filter(action="case.register", origin="demo")
    assert registered.count() == Case.objects.count() == DEMO_CASES
    demo_staff = {user["username"] for user in spec["users"]}
    for case in Case.objects.select_related("supervisor").prefetch_related("assignments__user"):
        (assignment,) = case.assignments.all()
        assert assignment.user.username in demo_staff
        assert assignment.user.agency_id == case.agency_id
        assert case.case_number.startswith(prefixes[case.agency.slug] + "-")
        assert case.supervisor is None or case.supervisor.username in demo_staff
    assert not User.objects.filter(username__startswith="seed-").exists()

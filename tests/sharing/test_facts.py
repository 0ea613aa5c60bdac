"""The request built from the case: the care status and who can consent (rules.md R3.1), and an
unknown age refused as bad input rather than guessed."""

from __future__ import annotations

import msgspec
import pytest
from django.utils import timezone

from amana.accounts.errors import ActionError
from amana.cases.models import Case, Child
from amana.referrals.actions import ReferralInput, decide_referral
from amana.sharing import facts
from tests.referrals.backend_helpers import World, agree, make_world

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
REFERRAL = ReferralInput(
    recipient="unhcr",
    service="resettlement_consideration",
    legal_basis="consent",
    elements=["full_name", "individual_id"],
    written={},
)


@pytest.fixture
def world() -> World:
    made = make_world()
    agree(made, "referral_immediate", "unhcr")  # the caregiver consents, the child assents
    return made


def in_care(world: World, arrangement: str) -> Case:
    Case.objects.filter(pk=world.case.pk).update(care_arrangement=arrangement)
    world.case.refresh_from_db()
    return world.case


def subject(case: Case) -> dict:
    return msgspec.to_builtins(facts.subject_of(case, TODAY))


@pytest.mark.parametrize("arrangement", ["foster", "residential"])
def test_a_child_in_formal_care_shares_with_the_caregivers_consent(world, arrangement):
    case = in_care(world, arrangement)
    assert subject(case)["care_status"] == "unaccompanied"
    assert subject(case)["caregiver_reachable"] is True
    decided = decide_referral(case, REFERRAL, TODAY)
    decision, _reference = decided.explained, decided.protocol
    assert decision["decision"] == "allow", decision["reasons"]


@pytest.mark.parametrize("arrangement", ["unaccompanied", "independent"])
def test_denied_twin_no_caregiver_means_consent_is_the_wrong_basis(world, arrangement):
    case = in_care(world, arrangement)
    assert subject(case)["caregiver_reachable"] is False
    decided = decide_referral(case, REFERRAL, TODAY)
    decision, _reference = decided.explained, decided.protocol
    assert decision["decision"] == "deny"
    assert "basis.invalid" in {r["code"] for r in decision["reasons"]}


@pytest.mark.parametrize(
    ("arrangement", "status"),
    [("parents", "with_parents"), ("kinship", "separated"), ("", "with_parents")],
)
def test_children_with_family_have_a_caregiver_to_ask(world, arrangement, status):
    case = in_care(world, arrangement)
    assert subject(case)["care_status"] == status and subject(case)["caregiver_reachable"]


def test_an_unknown_age_is_bad_input_naming_age(world):
    Child.objects.filter(pk=world.case.child_id).update(date_of_birth="", birth_year=None)
    world.case.child.refresh_from_db()
    with pytest.raises(ActionError) as raised:
        subject(world.case)
    assert raised.value.field == "age"


def test_allowed_twin_an_estimated_birth_year_gives_the_age(world):
    Child.objects.filter(pk=world.case.child_id).update(date_of_birth="", birth_year=TODAY.year - 9)
    world.case.child.refresh_from_db()
    assert subject(world.case)["age"] == 9

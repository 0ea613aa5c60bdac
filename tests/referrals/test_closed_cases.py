"""Closed cases: shared for future services or for archiving — archiving on consent needs
consent asked at intake and reconfirmed at closure (the records' stage reaches the engine)."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from amana.cases.errors import ActionError
from amana.consent.access import engine_consents
from amana.referrals.actions import ReferralInput, do_send_referral
from amana.referrals.models import Referral
from amana.referrals.vocabulary import CLOSED_CASE_ELEMENTS
from amana.sharing.models import LedgerEntry
from tests.referrals.backend_helpers import World, agree, close, make_world, say

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def _closed_case(purpose: str, *extra: str) -> ReferralInput:
    return ReferralInput(
        recipient="unhcr",
        service="",
        legal_basis="consent",
        elements=[*CLOSED_CASE_ELEMENTS, *extra],
        written={},
        purpose=purpose,
    )


def test_archiving_with_consent_at_intake_and_at_closure(world):
    agree(world, "closed_case_archive", "unhcr", stage="intake")
    case = close(world.case)
    say(
        world,
        purposes=["closed_case_archive"],
        recipients=["unhcr"],
        stage="closure",
        on=timezone.localdate(),
    )
    stages = {c["stage"] for c in engine_consents(case, timezone.localdate())}
    assert stages == {"intake", "closure"}
    result = do_send_referral(
        case=case, data=_closed_case("closed_case_archive", "contact_phone"), actor=world.worker
    )
    assert result.decision["decision"] == "allow"
    referral = result.referral
    assert referral.purpose == "closed_case_archive" and referral.service == ""
    assert referral.shared_elements == list(CLOSED_CASE_ELEMENTS)
    values = json.loads(referral.packet)
    assert values["closure_reason"] == "goals_met"
    assert values["case_summary"]["status"] == "closed"
    assert {w["element"] for w in result.decision["withhold"]} == {"contact_phone"}


def test_archiving_with_consent_at_intake_only_is_refused(world):
    agree(world, "closed_case_archive", "unhcr", stage="intake")
    case = close(world.case)
    result = do_send_referral(
        case=case, data=_closed_case("closed_case_archive"), actor=world.worker
    )
    assert result.decision["decision"] == "deny" and result.referral is None
    assert "consent.missing" in {r["code"] for r in result.decision["reasons"]}
    entry = LedgerEntry.objects.get()
    assert entry.purpose == "closed_case_archive" and entry.decision == "deny"
    assert not Referral.objects.exists()


def test_access_for_future_services_needs_no_closure_record(world):
    agree(world, "closed_case_access", "unhcr", stage="intake")
    case = close(world.case)
    result = do_send_referral(
        case=case, data=_closed_case("closed_case_access"), actor=world.worker
    )
    assert result.decision["decision"] == "allow"


def test_an_explicit_refusal_at_closure_stops_it(world):
    agree(world, "closed_case_access", "unhcr", stage="intake")
    case = close(world.case)
    say(
        world,
        purposes=["closed_case_access"],
        recipients=[],
        kind="refusal",
        stage="closure",
        on=timezone.localdate(),
    )
    result = do_send_referral(
        case=case, data=_closed_case("closed_case_access"), actor=world.worker
    )
    assert result.decision["decision"] == "deny"
    assert "consent.refused" in {r["code"] for r in result.decision["reasons"]}


def test_an_open_case_is_not_shared_as_a_closed_one(world):
    agree(world, "closed_case_archive", "unhcr")
    with pytest.raises(ActionError) as err:
        do_send_referral(
            case=world.case, data=_closed_case("closed_case_archive"), actor=world.worker
        )
    assert err.value.field == "purpose"
    assert not LedgerEntry.objects.exists()

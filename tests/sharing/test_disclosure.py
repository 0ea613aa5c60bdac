"""The one disclosure path: the protocol chosen once, the typed request built from the case
(its area within the protocol's scope, rules.md R1.5), no protocol decided by the engine side,
and the ledger row written from the decision the engine made."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import transaction

from amana.accounts.errors import ActionError
from amana.cases.models import Case
from amana.protocol import Decision
from amana.protocols.models import ProtocolVersion
from amana.refdata.models import Location
from amana.sharing import disclosure
from amana.sharing.disclosure import Intent
from amana.sharing.models import LedgerEntry
from tests.referrals.backend_helpers import World, agree, make_world

pytestmark = pytest.mark.django_db
REFERRAL = Intent(
    recipient="unhcr",
    purpose="referral_immediate",
    service="resettlement_consideration",
    legal_basis="consent",
    elements=("full_name", "individual_id"),
)


@pytest.fixture
def world() -> World:
    made = make_world()
    agree(made, "referral_immediate", "unhcr")
    return made


def managed_in(world: World, camp: str | None) -> Case:
    """Move the case to a block of `camp` (None: no location at all)."""
    location = None
    if camp is not None:
        parent, _ = Location.objects.get_or_create(
            code=f"T-{camp}", defaults={"name": camp, "level": 1}
        )
        location, _ = Location.objects.get_or_create(
            code=f"T-{camp}-B", defaults={"name": "Block 9", "level": 2, "parent": parent}
        )
    Case.objects.filter(pk=world.case.pk).update(location=location)
    world.case.refresh_from_db()
    return world.case


def test_a_case_in_a_block_of_a_camp_in_scope_is_covered(world):
    decided = disclosure.decide(managed_in(world, "north camp"), REFERRAL)
    assert decided.request.subject.area == "north camp"  # the camp the scope lists, any case
    assert decided.allowed, decided.explained["reasons"]
    assert decided.protocol.startswith("demo-")


def test_denied_twin_a_case_managed_outside_the_scope_is_refused(world):
    decided = disclosure.decide(managed_in(world, "Far Camp"), REFERRAL)
    assert decided.request.subject.area == "Block 9"  # no place above it is in the scope
    assert not decided.allowed
    assert "scope.outside" in decided.decision.codes
    assert decided.shared == []


def test_a_case_with_no_location_names_no_area_and_is_not_refused_for_it(world):
    decided = disclosure.decide(managed_in(world, None), REFERRAL)
    assert decided.request.subject.area is None
    assert "scope.outside" not in decided.decision.codes


def test_no_protocol_in_force_is_a_real_decision_of_the_engine_side(world):
    ProtocolVersion.objects.all().delete()
    decided = disclosure.decide(world.case, REFERRAL)
    assert isinstance(decided.decision, Decision)
    assert decided.protocol == disclosure.NO_PROTOCOL
    assert not decided.allowed and "protocol.unknown" in decided.decision.codes
    assert decided.explained["reasons"][0]["text"]


def test_recording_writes_what_the_engine_decided_and_the_request_it_saw(world):
    decided = disclosure.decide(managed_in(world, "Far Camp"), REFERRAL)
    entry = disclosure.record(decided, actor=world.worker)
    stored = LedgerEntry.objects.get(pk=entry.pk)
    assert stored.decision == "deny" and stored.shared == []
    assert "scope.outside" in stored.codes
    assert stored.request["from"] == "ngo-psy" and stored.request["to"] == "unhcr"
    assert stored.request["subject"]["area"] == "Block 9"
    assert stored.protocol == decided.protocol


def test_allowed_twin_recording_an_allowed_disclosure_lists_what_went(world):
    decided = disclosure.decide(world.case, REFERRAL)
    entry = disclosure.record(decided, actor=world.worker)
    assert entry.decision == "allow" and entry.shared == ["full_name", "individual_id"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"legal_basis": "friendship"}, "legal_basis"),
        ({"elements": ()}, "elements"),
        ({"elements": ("full_name", "")}, "elements"),
        ({"recipient": ""}, "recipient"),
        ({"purpose": ""}, "purpose"),
    ],
)
def test_a_malformed_intent_is_an_error_naming_the_field(world, change, field):
    intent = dataclasses.replace(REFERRAL, **change)
    with pytest.raises(ActionError) as raised:
        disclosure.decide(world.case, intent)
    assert raised.value.field == field


@pytest.mark.django_db(transaction=True)
def test_the_ledger_row_is_written_only_inside_the_actions_transaction():
    """No test-case transaction here: outside `atomic()` the ledger writer refuses."""
    made = make_world()
    agree(made, "referral_immediate", "unhcr")
    decided = disclosure.decide(made.case, REFERRAL)
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        disclosure.record(decided, actor=made.worker)
    assert not LedgerEntry.objects.exists()
    with transaction.atomic():
        entry = disclosure.record(decided, actor=made.worker)
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()

"""The protocol in force: chosen by the day and the parties, not by the order of loading."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import yaml
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from amana.protocol.bench import demo_protocol_path
from amana.protocols.actions import do_load_protocol
from amana.protocols.choice import protocol_in_force, protocols_in_force
from amana.protocols.models import ProtocolVersion
from amana.protocols.status import State, protocol_status, status_of
from amana.referrals.actions import (
    ReferralInput,
    decide_referral,
    do_respond_referral,
    do_send_referral,
)
from amana.sharing import facts
from amana.sharing.disclosure import protocol_version
from amana.sharing.models import LedgerEntry
from tests.factories import AgencyFactory
from tests.referrals.backend_helpers import consents_for
from tests.referrals.test_views import make_world

pytestmark = pytest.mark.django_db
DEMO = demo_protocol_path().read_text(encoding="utf-8")
TODAY = timezone.localdate()
REFERRAL = ReferralInput(
    recipient="unhcr",
    service="resettlement_consideration",
    legal_basis="consent",
    elements=["full_name", "individual_id"],
    written={},
)


def load(
    *, start: date | None, until: date | None, title: str = "", source: str = DEMO
) -> ProtocolVersion:
    """The demo protocol (or another text) with its own dates; a new version each time."""
    document = yaml.safe_load(source)
    document["effective_from"] = start
    document["valid_until"] = until
    document["title"] = title or f"{document['title']} ({start} to {until})"
    return do_load_protocol(source_text=yaml.safe_dump(document), filename="p.yaml", actor=None)


def operation_b() -> str:
    """Another operation's protocol: NGO C takes part, UNHCR does not (CARA does)."""
    return re.sub(r"\bunhcr\b", "cara", DEMO).replace("demo-op-a", "demo-op-b")


def consents(recipient: str = "unhcr", purpose: str = "referral_immediate"):
    return consents_for(recipient, purpose)


# --- A revision waiting for its effective date ----------------------------------------------


def test_a_revision_loaded_later_waits_for_its_effective_date():
    world = make_world()  # loads the demo protocol as it is
    ProtocolVersion.objects.all().delete()
    v1 = load(start=TODAY - timedelta(days=30), until=TODAY + timedelta(days=300))
    v2 = load(start=TODAY + timedelta(days=30), until=TODAY + timedelta(days=700))
    assert (v1.version, v2.version) == (1, 2)
    assert protocol_in_force("ngo-psy", TODAY, "unhcr") == v1
    assert protocol_version(world.case.agency.slug) == v1
    status = protocol_status(world.case.agency, TODAY)
    assert status.state == State.IN_FORCE and status.version == v1
    decided = decide_referral(world.case, REFERRAL, TODAY)
    _decision, reference = decided.explained, decided.protocol
    assert reference == v1.reference
    client = Client()
    client.force_login(world.worker)
    page = client.get(reverse("referrals:refer", args=[world.case.pk])).content.decode()
    assert "Protocol in force" in page and "sharing has stopped" not in page
    # Once its day comes, the revision governs.
    later = TODAY + timedelta(days=31)
    assert protocol_in_force("ngo-psy", later, "unhcr") == v2
    assert status_of(protocol_in_force("ngo-psy", later), later).state == State.IN_FORCE


def test_the_newest_loaded_is_chosen_only_when_none_is_in_force():
    make_world()
    ProtocolVersion.objects.all().delete()
    load(start=TODAY - timedelta(days=400), until=TODAY - timedelta(days=40))
    newest = load(start=TODAY - timedelta(days=39), until=TODAY - timedelta(days=1))
    chosen = protocol_in_force("ngo-psy", TODAY, "unhcr")
    assert chosen == newest  # both expired: the engine explains with the newest
    assert status_of(chosen, TODAY).state == State.EXPIRED


# --- Expired and in force ---------------------------------------------------------------------


def test_an_expired_version_loaded_later_gives_way_to_the_one_in_force(monkeypatch):
    monkeypatch.setattr(facts, "engine_consent_records", consents())
    world = make_world()
    ProtocolVersion.objects.all().delete()
    in_force = load(start=TODAY - timedelta(days=10), until=TODAY + timedelta(days=300))
    load(start=TODAY - timedelta(days=400), until=TODAY - timedelta(days=11))
    assert protocol_in_force("ngo-psy", TODAY, "unhcr") == in_force
    decided = decide_referral(world.case, REFERRAL, TODAY)
    decision, reference = decided.explained, decided.protocol
    assert reference == in_force.reference
    assert decision["decision"] == "allow", decision["reasons"]


def test_denied_twin_only_an_expired_version_the_engine_says_expired(monkeypatch):
    monkeypatch.setattr(facts, "engine_consent_records", consents())
    world = make_world()
    ProtocolVersion.objects.all().delete()
    expired = load(start=TODAY - timedelta(days=400), until=TODAY - timedelta(days=11))
    decided = decide_referral(world.case, REFERRAL, TODAY)
    decision, reference = decided.explained, decided.protocol
    assert reference == expired.reference and decision["decision"] == "deny"
    assert "protocol.expired" in {r["code"] for r in decision["reasons"]}


def test_a_running_interim_draft_is_chosen_over_an_expired_version():
    world = make_world()
    ProtocolVersion.objects.all().delete()
    document = yaml.safe_load(DEMO)
    document |= {"id": "demo-draft", "effective_from": None, "valid_until": None}
    document["case_management_started_on"] = TODAY - timedelta(days=10)
    draft = do_load_protocol(source_text=yaml.safe_dump(document), filename="d", actor=None)
    load(start=TODAY - timedelta(days=400), until=TODAY - timedelta(days=1))
    assert protocol_in_force("ngo-psy", TODAY) == draft
    assert protocol_status(world.case.agency, TODAY).state == State.INTERIM


# --- Two operations ---------------------------------------------------------------------------


def test_two_operations_the_one_listing_the_recipient_governs(monkeypatch):
    monkeypatch.setattr(facts, "engine_consent_records", consents())
    world = make_world()  # operation A: NGO C and UNHCR
    op_a = ProtocolVersion.objects.get(protocol_id="demo-op-a")
    op_b = load(
        start=TODAY - timedelta(days=5), until=TODAY + timedelta(days=300), source=operation_b()
    )
    assert protocol_in_force("ngo-psy", TODAY, "unhcr") == op_a
    assert protocol_in_force("ngo-psy", TODAY, "cara") == op_b
    decided = decide_referral(world.case, REFERRAL, TODAY)
    decision, reference = decided.explained, decided.protocol
    assert reference == op_a.reference and decision["decision"] == "allow", decision["reasons"]
    # The answer flows back under the protocol listing both agencies too.
    referral = do_send_referral(case=world.case, data=REFERRAL, actor=world.worker).referral
    assert referral is not None and referral.ledger.protocol == op_a.reference
    do_respond_referral(referral=referral, accept=True, actor=world.officer)
    feedback = LedgerEntry.objects.get(purpose="feedback_process")
    assert feedback.protocol == op_a.reference and feedback.decision == "allow"


def test_denied_twin_no_protocol_lists_the_recipient_the_engine_says_not_participant(
    monkeypatch,
):
    monkeypatch.setattr(facts, "engine_consent_records", consents("outsider"))
    world = make_world()
    AgencyFactory(slug="outsider", name="Outsider", case_prefix="OUT")
    load(start=TODAY - timedelta(days=5), until=TODAY + timedelta(days=300), source=operation_b())
    data = ReferralInput(**{**REFERRAL.__dict__, "recipient": "outsider"})
    decided = decide_referral(world.case, data, TODAY)
    decision, reference = decided.explained, decided.protocol
    assert reference != "none" and decision["decision"] == "deny"
    assert "party.not_participant" in {r["code"] for r in decision["reasons"]}


# --- Many senders at once -------------------------------------------------------------------


def test_many_senders_at_once_get_the_choice_made_one_by_one():
    """`protocols_in_force` (lists of many agencies' referrals) chooses as `protocol_in_force`
    does, whatever the dates, drafts and operations, reading the versions once."""
    make_world()
    ProtocolVersion.objects.all().delete()
    load(start=TODAY - timedelta(days=400), until=TODAY - timedelta(days=11))
    load(start=TODAY - timedelta(days=10), until=TODAY + timedelta(days=300))
    load(start=TODAY + timedelta(days=30), until=TODAY + timedelta(days=700))
    load(start=TODAY - timedelta(days=5), until=TODAY + timedelta(days=20), source=operation_b())
    document = yaml.safe_load(DEMO)
    document |= {"id": "demo-draft", "effective_from": None, "valid_until": None}
    document["participants"].append({"id": "ngo-new", "name": "New", "kind": "national_ngo"})
    document["case_management_started_on"] = TODAY - timedelta(days=10)
    do_load_protocol(source_text=yaml.safe_dump(document), filename="d", actor=None)
    senders = ["ngo-psy", "unhcr", "cara", "ngo-new", "nobody"]
    for day in (
        TODAY - timedelta(days=200),
        TODAY,
        TODAY + timedelta(days=40),
        TODAY + timedelta(days=1000),
    ):
        expected = {slug: protocol_in_force(slug, day) for slug in senders}
        assert protocols_in_force(senders, day) == expected  # drafts parsed (once a process)
        with CaptureQueriesContext(connection) as captured:
            assert protocols_in_force(senders, day) == expected
        assert len(captured) == 1
    assert protocols_in_force([], TODAY) == {}

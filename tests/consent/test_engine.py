"""Consent on record, given to the protocol engine in the contract's format."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from amana.consent.access import engine_consents
from amana.protocol import evaluate, load_protocol, protocol_from_data, request_from_data
from amana.protocol.loading import parse_document
from tests.consent.helpers import record

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "src" / "amana" / "protocol" / "data" / "demo.protocol.yaml"
SCHEMA = ROOT.parent / "shared" / "contract" / "request.schema.json"
AT = date(2026, 6, 15)


def _request(world, at: date = AT, **changes) -> dict:
    request = {
        "at": at.isoformat(),
        "from": "imc",
        "to": "ngo-psy",
        "purpose": "referral_immediate",
        "service": "psychosocial_support",
        "legal_basis": "consent",
        "subject": {"age": 12, "care_status": "with_parents"},
        "consents": engine_consents(world.case, at),
        "elements": ["full_name", "date_of_birth", "contact_phone", "referral_summary"],
    }
    request.update(changes)
    return request


def test_records_come_out_in_the_contract_format(world):
    record(world, given_by="relative", services=["psychosocial_support"], stage="intake")
    record(world, given_by="child", kind="assent", stage="other", given_on=date(2026, 6, 2))
    record(world, kind="refusal", purposes=[], recipients=[], given_on=date(2026, 6, 3))
    assert engine_consents(world.case, AT) == [
        {"given_by": "caregiver", "kind": "consent", "purposes": ["referral_immediate"],
         "recipients": ["ngo-psy"], "services": ["psychosocial_support"], "on": "2026-06-01",
         "stage": "intake"},
        {"given_by": "child", "kind": "assent", "purposes": ["referral_immediate"],
         "recipients": ["ngo-psy"], "on": "2026-06-02", "stage": "other"},
        {"given_by": "caregiver", "kind": "refusal", "purposes": [], "recipients": [],
         "on": "2026-06-03", "stage": "intake"},
    ]  # fmt: skip


@pytest.mark.skipif(not SCHEMA.exists(), reason="the shared contract is not beside this clone")
def test_records_validate_against_the_request_schema(world):
    jsonschema = pytest.importorskip("jsonschema")
    record(world, given_by="relative", services=["psychosocial_support"])
    record(world, given_by="adult_subject", kind="withdrawal", purposes=[], recipients=[])
    request = _request(world)
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(request, schema)
    request_from_data(json.loads(json.dumps(request)))


def test_only_records_given_on_or_before_the_day_count(world):
    record(world, given_on=date(2026, 6, 1))
    record(world, kind="withdrawal", given_on=date(2026, 6, 20))
    assert [c["on"] for c in engine_consents(world.case, date(2026, 5, 31))] == []
    assert [c["on"] for c in engine_consents(world.case, AT)] == ["2026-06-01"]
    assert [c["on"] for c in engine_consents(world.case, date(2026, 6, 20))] == [
        "2026-06-01", "2026-06-20",
    ]  # fmt: skip


def test_engine_consents_never_carries_notes(world):
    record(world, notes="private remark")
    assert "private remark" not in json.dumps(engine_consents(world.case, AT))


@pytest.mark.parametrize("load", ["file", "data"])
def test_referral_allowed_with_caregiver_consent_and_child_assent_then_refused_after_withdrawal(
    world, load
):
    protocol = (
        load_protocol(DEMO)
        if load == "file"
        else protocol_from_data(parse_document(DEMO.read_text(), str(DEMO)))
    )
    record(world, given_by="caregiver", kind="consent", given_on=date(2026, 6, 1))
    first = evaluate(protocol, request_from_data(_request(world)))
    assert first.decision == "deny"
    assert "assent.missing" in first.codes

    record(world, given_by="child", kind="assent", given_on=date(2026, 6, 2))
    allowed = evaluate(protocol, request_from_data(_request(world)))
    assert allowed.decision == "allow", allowed.to_dict()
    assert "full_name" in allowed.share

    record(world, given_by="caregiver", kind="withdrawal", purposes=[], recipients=[],
           given_on=date(2026, 6, 10))  # fmt: skip
    denied = evaluate(protocol, request_from_data(_request(world)))
    assert denied.decision == "deny"
    assert "consent.refused" in denied.codes
    before = evaluate(protocol, request_from_data(_request(world, at=date(2026, 6, 9))))
    assert before.decision == "allow"


def test_a_relative_caring_for_a_separated_child_consents_as_the_caregiver(world):
    protocol = load_protocol(DEMO)
    record(world, given_by="relative", given_on=date(2026, 6, 1))
    record(world, given_by="child", kind="assent", given_on=date(2026, 6, 1))
    request = _request(world, subject={"age": 12, "care_status": "separated"})
    assert evaluate(protocol, request_from_data(request)).decision == "allow"


def test_archiving_needs_consent_at_intake_and_at_closure(world):
    protocol = load_protocol(DEMO)
    archive = {"purpose": "closed_case_archive", "to": "unhcr", "service": None,
               "subject": {"age": 12, "care_status": "with_parents", "case_status": "closed"},
               "elements": ["full_name", "case_summary"]}  # fmt: skip
    for given_by, kind in (("caregiver", "consent"), ("child", "assent")):
        record(world, given_by=given_by, kind=kind, purposes=["closed_case_archive"],
               recipients=["unhcr"], stage="intake", given_on=date(2026, 6, 1))  # fmt: skip
    at_intake_only = evaluate(protocol, request_from_data(_request(world, **archive)))
    assert "consent.missing" in at_intake_only.codes
    record(world, purposes=["closed_case_archive"], recipients=["unhcr"], stage="closure",
           given_on=date(2026, 6, 5))  # fmt: skip
    confirmed = evaluate(protocol, request_from_data(_request(world, **archive)))
    assert confirmed.decision == "allow", confirmed.to_dict()

"""The contract's later rules: the geographic scope (R1.5), process feedback on the mandate basis
(R4.3), a request whose facts contradict each other, and the decision without a protocol."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from amana.protocol import (
    ContractError,
    cli,
    evaluate,
    load_protocol,
    no_protocol_decision,
    protocol_from_data,
    request_from_data,
)
from amana.protocol.codes import SOURCES, Code
from amana.protocol.fast import tables
from amana.protocol.fast.batch import decide_json
from amana.protocol.fast.wire import decode_request, encode
from amana.protocol.loading import parse_request
from amana.protocol.model import Suspension
from amana.protocol.texts import LANGUAGES, REASONS, translate

from .test_cli import CAMP, REQUEST

CAMP_PROTOCOL = load_protocol(CAMP)


def _with(**subject: object) -> dict:
    return REQUEST | {"subject": REQUEST["subject"] | subject}


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_protocol_decision_is_what_the_web_answers_for_an_unknown_protocol(language):
    decision = no_protocol_decision()
    assert decision.decision == "deny" and not decision.allowed
    assert decision.to_dict(language) == {
        "decision": "deny",
        "share": [],
        "withhold": [],
        "label": None,
        "reasons": [
            {
                "code": "protocol.unknown",
                "text": translate(REASONS[Code.PROTOCOL_UNKNOWN, ""], language),
                "source": SOURCES[Code.PROTOCOL_UNKNOWN],
            }
        ],
        "obligations": [],
    }
    assert decision.to_json(language) == encode(decision.to_dict(language))


def test_areas_are_read_from_the_scope():
    data = {
        "id": "p",
        "title": "P",
        "effective_from": "2026-01-01",
        "participants": [{"id": "a", "name": "A", "signed_on": "2026-01-01"}],
        "purposes": {},
    }
    assert protocol_from_data(data).scope_areas == ()
    assert protocol_from_data(data | {"scope": {"country": "X"}}).scope_areas == ()
    areas = {"scope": {"areas": ["North", "South", "North"]}}
    assert protocol_from_data(data | areas).scope_areas == ("North", "South")
    with pytest.raises(ContractError, match=r"^scope\.areas\[0\]: expected a non-empty string"):
        protocol_from_data(data | {"scope": {"areas": [" "]}})


@pytest.mark.parametrize("language", LANGUAGES)
def test_outside_the_scope_names_the_area_and_the_covered_ones(language):
    decision = evaluate(CAMP_PROTOCOL, request_from_data(_with(area="Far District")))
    assert not decision.allowed and decision.share == ()
    reason = next(r for r in decision.to_dict(language)["reasons"] if r["code"] == "scope.outside")
    assert "Far District" in reason["text"] and "Camp Test, Town Annex" in reason["text"]
    assert reason["source"] == SOURCES[Code.SCOPE_OUTSIDE]


def test_the_area_is_read_by_every_reader_and_blank_is_refused():
    data = _with(area="Camp Test")
    request = request_from_data(data)
    assert request.subject.area == "Camp Test"
    assert parse_request(data) == request == decode_request(json.dumps(data).encode())
    for reader in (request_from_data, parse_request):
        with pytest.raises(ContractError, match=r"^subject\.area: expected a non-empty string"):
            reader(_with(area="  "))
    with pytest.raises(ContractError, match=r"^subject\.area: expected a non-empty string"):
        decode_request(json.dumps(_with(area="\t")).encode())


@pytest.mark.parametrize("age", [0, 12, 17])
def test_a_subject_under_18_cannot_be_an_adult(age):
    data = _with(age=age, care_status="adult")
    line = json.dumps(data).encode()
    expected = f"subject.care_status: expected not adult for a subject aged {age} (under 18)"
    for read in (request_from_data, parse_request, lambda d: decode_request(line)):
        with pytest.raises(
            ContractError, match="^" + expected.replace("(", r"\(").replace(")", r"\)")
        ):
            read(data)


def test_an_adult_of_18_and_a_child_without_care_status_are_well_formed():
    assert request_from_data(_with(age=18, care_status="adult")).subject.is_child is False
    assert parse_request(_with(age=17, care_status=None)).subject.is_child is True


def test_check_refuses_a_child_said_to_be_an_adult(tmp_path, capsys):
    bad = json.dumps(_with(age=15, care_status="adult"))
    single = tmp_path / "request.json"
    single.write_text(bad)
    assert cli.main(["--protocol", CAMP, str(single)]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("\n") == 1 and "subject.care_status" in out.err
    batch = tmp_path / "batch.jsonl"
    batch.write_text(bad + "\n" + json.dumps(REQUEST) + "\n")
    assert cli.main(["--protocol", CAMP, "--batch", str(batch)]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert "subject.care_status" in first["error"] and second["decision"] == "allow"


@pytest.mark.parametrize("basis", ["mandate", "vital_interests", "consent"])
def test_process_feedback_takes_any_basis_but_mandate(basis):
    data = REQUEST | {
        "from": "un",
        "to": "ngo-a",
        "purpose": "feedback_process",
        "service": None,
        "legal_basis": basis,
        "consents": [],
        "elements": ["referral_status"],
    }
    request = request_from_data(data)
    decision = evaluate(CAMP_PROTOCOL, request)
    assert decision.allowed is (basis != "mandate")
    assert ("basis.invalid" in decision.codes) is (basis == "mandate")
    assert decide_json(CAMP_PROTOCOL, request, "en") == decision.to_json("en")


def test_an_open_ended_suspension_breaks_the_days_once():
    paused = CAMP_PROTOCOL.participants["ngo-paused"]
    open_ended = dataclasses.replace(
        paused, suspended=Suspension(date(2026, 6, 1), None, "until further notice")
    )
    participants = CAMP_PROTOCOL.participants | {"ngo-paused": open_ended}
    protocol = dataclasses.replace(CAMP_PROTOCOL, participants=participants)
    breaks = tables.day_breaks(protocol)
    assert date(2026, 6, 1) in breaks and date(2026, 7, 1) not in breaks

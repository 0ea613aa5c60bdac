"""The batch path (fast/wire.py, the fast path's tables and memo) decides exactly as the plain
path."""

from __future__ import annotations

import copy
import io
import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from amana.protocol import cli, evaluate, request_from_data
from amana.protocol.fast import tables
from amana.protocol.fast.wire import decode_request, run_floor
from amana.protocol.loading import parse_request_json
from amana.protocol.reader import ContractError

from .test_invariants import JUNK, PROTOCOLS, _paths, memo_findings, plain_findings, requests


def _line(data) -> bytes:
    return json.dumps(data).encode()


@settings(max_examples=400, deadline=None)
@given(requests)
def test_the_fast_decoder_reads_what_the_validator_reads(case):
    _, data = case
    assert decode_request(_line(data)) == request_from_data(data)


@settings(max_examples=600, deadline=None)
@given(requests, st.data(), JUNK)
def test_the_fast_decoder_accepts_nothing_the_validator_rejects(case, draw, junk):
    _, data = case
    path = draw.draw(st.sampled_from([p for p in _paths(data) if p]))
    broken = copy.deepcopy(data)
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = junk
    line = _line(broken)
    try:
        expected = parse_request_json(line.decode())
    except ContractError as exc:
        try:
            decode_request(line)
        except ContractError as fast:
            assert str(fast) == str(exc)
        else:  # pragma: no cover - reported as a failure
            raise AssertionError(f"fast decoder accepted what the validator rejects: {exc}")
        return
    assert decode_request(line) == expected


@settings(max_examples=400, deadline=None)
@given(requests, st.booleans())
def test_the_rule_tables_and_the_standing_memo_never_change_a_finding(case, twice):
    """The same findings, in the same order, as every rule run afresh."""
    protocol, data = case
    request = request_from_data(data)
    if twice:
        memo_findings(protocol, request)  # the second look-up reads the memo
    assert memo_findings(protocol, request) == plain_findings(protocol, request)


@settings(max_examples=300, deadline=None)
@given(requests)
def test_batch_output_is_the_plain_decision(case):
    protocol, data = case
    out = cli.decide_line(protocol, _line(data), "en")
    assert json.loads(out) == evaluate(protocol, request_from_data(data)).to_dict("en")


def test_blank_texts_go_to_the_validator_and_are_refused():
    data = make()
    for change, message in [
        ({"from": "  "}, "from: expected a non-empty string"),
        ({"elements": ["full_name", " "]}, "elements[1]: expected a non-empty string"),
        ({"label": "\u3000"}, "label: expected a non-empty string"),
        ({"exceptional": {"circumstance": " "}}, "exceptional.circumstance"),
        (
            {"consents": [consent() | {"recipients": ["\t"]}]},
            "consents[0].recipients[0]: expected a non-empty string",
        ),
        (
            {"consents": [consent() | {"services": ["legal_aid", " "]}]},
            "consents[0].services[1]: expected a non-empty string",
        ),
    ]:
        try:
            decode_request(_line(data | change))
        except ContractError as exc:
            assert message in str(exc)
        else:  # pragma: no cover - reported as a failure
            raise AssertionError(change)


def test_settled_values_match_the_validator():
    data = make() | {
        "elements": ["full_name", "sex", "full_name"],
        "exceptional": {"risk_assessment": "  ", "circumstance": "risk to life"},
        "consents": [consent() | {"services": ["legal_aid"]}],
    }
    request = decode_request(_line(data))
    assert request == request_from_data(data)
    assert request.elements == ("full_name", "sex") and request.exceptional.risk_assessment is None


def test_a_line_the_validator_reads_alone_is_decided_alike():
    """ "consents": null is not the typed decoder's form; the validator reads it as none."""
    protocol = PROTOCOLS[0]
    data = make()
    without = cli.decide_line(
        protocol, _line({k: v for k, v in data.items() if k != "consents"}), "en"
    )
    assert cli.decide_line(protocol, _line(data | {"consents": None}), "en") == without


def test_batch_lines_as_a_text_reader_sees_them():
    protocol = PROTOCOLS[0]
    one = _line(make())
    source = io.BytesIO(one + b"\r" + one + b"\r\n\xe3\x80\x80\n\n" + one + b"\n{bad\n")
    out = io.BytesIO()
    cli.run_batch(protocol, source, out, "en")
    lines = out.getvalue().splitlines()
    assert len(lines) == 4 and "error" in json.loads(lines[3])
    assert lines[0] == lines[1] == lines[2]


def test_a_line_that_is_not_utf8_stops_the_batch(tmp_path, capsys):
    batch = tmp_path / "batch.jsonl"
    batch.write_bytes(b'{"at": "caf\xe9"}\n')
    protocol = str(engine_protocol_path())
    assert cli.main(["--protocol", protocol, "--batch", str(batch)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_the_floor_reads_and_writes_every_line():
    typical = json.dumps({"decision": "deny", "share": []})
    source = io.BytesIO(_line(make()) + b"\n\n" + _line(make()) + b"\n")
    out = io.BytesIO()
    run_floor(typical, source, out)
    assert out.getvalue().splitlines() == [b'{"decision":"deny","share":[]}'] * 2


def test_the_standing_memo_keeps_a_few_protocols_and_a_bounded_number_of_keys(monkeypatch):
    import dataclasses

    request = request_from_data(make())
    copies = [dataclasses.replace(PROTOCOLS[0]) for _ in range(10)]
    for protocol in copies:
        memo_findings(protocol, request)
    assert len(tables._TABLES) <= 8
    monkeypatch.setattr(tables, "_STANDING_MAX", 0)
    tables._TABLES.clear()
    memo_findings(PROTOCOLS[0], request)
    assert all(not kept.standing for kept in tables._TABLES.values())


def engine_protocol_path():
    from amana.protocol.bench import demo_protocol_path

    return demo_protocol_path()


def consent():
    return {
        "given_by": "caregiver",
        "kind": "consent",
        "purposes": ["referral_immediate"],
        "recipients": ["ngo-legal"],
        "on": "2026-05-01",
    }


def make():
    from amana.protocol.generate import make_request

    data = make_request(random.Random(11), PROTOCOLS[0])
    return data | {"consents": [consent()]}


def test_batch_reads_the_bytes_under_standard_input(monkeypatch, capsys):
    stdin = io.TextIOWrapper(io.BytesIO(_line(make()) + b"\n"), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    assert cli.main(["--protocol", str(engine_protocol_path()), "--batch", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["decision"] in ("allow", "deny")


def test_the_not_blank_set_stops_growing(monkeypatch):
    from amana.protocol.fast import wire

    monkeypatch.setattr(wire, "_NOT_BLANK", {None})
    monkeypatch.setattr(wire, "_NOT_BLANK_MAX", 1)
    data = make()
    assert decode_request(_line(data)) == request_from_data(data)
    assert len(wire._NOT_BLANK) == 1

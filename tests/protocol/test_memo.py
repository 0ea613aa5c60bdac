"""The fast path's memos and the batch path never change a decision.

- `fast.inputs.consent_facts` reads consents exactly as `rules.consent.read_consents` does;
- a memoised outcome (keyed by `fast.inputs.RuleInputs.key`) and a standing kept per period
  between the protocol's dates (and per area) give the findings every rule run afresh gives;
- `fast.batch.decide_json` writes, byte for byte, what `evaluate(...).to_json(...)` writes.
"""

from __future__ import annotations

import dataclasses
import gc
import io
import itertools
import json
import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amana.protocol import catalogue, cli, evaluate, request_from_data
from amana.protocol.fast import batch, tables, wire
from amana.protocol.fast.inputs import (
    AT_CLOSURE,
    AT_INTAKE,
    CHILD_AGREED,
    CONSENTED,
    NO_CONSENT_RULES,
    REFUSAL_ORDER,
    consent_facts,
    rule_inputs,
)
from amana.protocol.generate import make_request
from amana.protocol.reader import ContractError
from amana.protocol.rules.basis import CLOSED_CASE_PURPOSES, CONSENT_ONLY
from amana.protocol.rules.consent import AGREEING, read_consents

from .corpus_runner import load_cases
from .test_invariants import AREAS, PROTOCOLS, memo_findings, plain_findings, requests

LANGUAGES = ("en", "fr", "ar")
DAYS = [date(2026, 1, 1) + timedelta(days=n) for n in range(0, 400, 7)]

consent_records = st.lists(
    st.fixed_dictionaries(
        {
            "given_by": st.sampled_from(REFUSAL_ORDER),
            "kind": st.sampled_from(["consent", "assent", "refusal", "withdrawal"]),
            "purposes": st.lists(
                st.sampled_from(["referral_immediate", "closed_case_archive", "case_transfer"]),
                max_size=2,
            ),
            "recipients": st.lists(st.sampled_from(["unhcr", "imc", "ngo-legal"]), max_size=2),
            "on": st.sampled_from(DAYS).map(date.isoformat),
            "stage": st.sampled_from(["intake", "closure", "other"]),
        },
        optional={"services": st.lists(st.sampled_from(["legal_aid", "health"]), max_size=2)},
    ),
    max_size=6,
)


def _request(protocol, seed, **changes):
    data = make_request(random.Random(seed), protocol) | changes
    try:
        return request_from_data(data)
    except ContractError:  # a generated change the contract refuses: not this test's
        return None


def _facts_from_state(request, child):
    """What `consent_facts` must say, read through the rules' own `read_consents`."""
    purpose = request.purpose
    if purpose not in catalogue.CHECKED:
        return NO_CONSENT_RULES
    if request.legal_basis != "consent" and purpose not in CLOSED_CASE_PURPOSES:
        return NO_CONSENT_RULES
    state = read_consents(request)
    giver = "caregiver" if child else "adult_subject"
    refused = next((n for n, g in enumerate(REFUSAL_ORDER, 1) if g in state.refused), 0)
    stages = state.stages(giver) if purpose == "closed_case_archive" else frozenset()
    return (
        (CONSENTED if state.has_agreement(giver, CONSENT_ONLY) else 0)
        | (CHILD_AGREED if state.has_agreement("child", AGREEING) else 0)
        | (AT_INTAKE if "intake" in stages else 0)
        | (AT_CLOSURE if "closure" in stages else 0)
        | refused << 4
    )


@settings(max_examples=600, deadline=None)
@given(
    st.integers(0, 2**32),
    consent_records,
    st.tuples(
        st.sampled_from(["referral_immediate", "closed_case_archive", "case_transfer", "research"]),
        st.sampled_from(["consent", "best_interests"]),
    ),
    st.sampled_from(DAYS).map(date.isoformat),
    st.booleans(),
)
def test_consent_facts_read_the_records_as_the_rules_do(seed, records, purpose_basis, at, child):
    purpose, basis = purpose_basis
    request = _request(
        PROTOCOLS[0],
        seed,
        consents=records,
        purpose=purpose,
        legal_basis=basis,
        at=at,
        to="unhcr",
        service="legal_aid",
    )
    if request is None:
        return
    assert consent_facts(request, child) == _facts_from_state(request, child)


@pytest.mark.parametrize("child", [True, False])
@pytest.mark.parametrize("kind", ["refusal", "withdrawal"])
def test_an_older_refusal_listed_after_a_newer_one_is_read_as_the_rules_read_it(child, kind):
    """The branch the property test reaches only by chance: one giver refused twice, the newer
    refusal listed first, an agreement between the two."""
    giver = "caregiver" if child else "adult_subject"
    scope = {"purposes": ["referral_immediate"], "recipients": ["unhcr"], "stage": "intake"}
    records = [
        {"given_by": giver, "kind": kind, "on": "2026-05-10", **scope},
        {"given_by": giver, "kind": kind, "on": "2026-05-01", **scope},
        {"given_by": giver, "kind": "consent", "on": "2026-05-05", **scope},
        {"given_by": "child", "kind": "assent", "on": "2026-05-05", **scope},
    ]
    request = _request(
        PROTOCOLS[0],
        1,
        consents=records,
        purpose="referral_immediate",
        legal_basis="consent",
        at="2026-06-01",
        to="unhcr",
        service="legal_aid",
    )
    assert request is not None
    assert consent_facts(request, child) == _facts_from_state(request, child)
    assert consent_facts(request, child) >> 4  # the newer refusal stands


_plain_findings = plain_findings
_memo_findings = memo_findings


@settings(max_examples=500, deadline=None)
@given(requests, consent_records)
def test_memoised_findings_are_the_rules_findings_with_any_consents(case, records):
    """Many requests share a key (the memo is shared across examples): each must still get
    exactly the findings of every rule run afresh."""
    protocol, data = case
    try:
        request = request_from_data(data | {"consents": records})
    except ContractError:
        return
    assert _memo_findings(protocol, request) == _plain_findings(protocol, request)


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: p.id)
def test_the_bench_requests_get_the_rules_findings_from_the_memo(protocol):
    """The bench's own mix, 4,000 requests per protocol, most of them memo hits."""
    rng = random.Random(7)
    for _ in range(4000):
        request = request_from_data(make_request(rng, protocol))
        assert _memo_findings(protocol, request) == _plain_findings(protocol, request)


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: p.id)
def test_standing_is_the_same_on_every_day_of_a_period(protocol):
    """Every day around every break, for every pair of parties (and one unknown party), in
    every area (and none)."""
    kept = tables.tables(protocol)
    parties = [*sorted(protocol.participants), "nobody"]
    days = {b + timedelta(days=d) for b in kept.breaks for d in (-2, -1, 0, 1, 2)}
    base = make_request(random.Random(3), protocol)
    for day, sender, recipient, area in itertools.product(sorted(days), parties, parties, AREAS):
        subject = base["subject"] | ({"area": area} if area else {})
        data = base | {"at": day.isoformat(), "from": sender, "to": recipient, "subject": subject}
        request = request_from_data(data)
        memo = tables.standing_for(kept, request)
        fresh = tables.standing_of(protocol, request)
        assert (memo.findings, memo.interim, memo.denied, memo.stopped) == (
            fresh.findings,
            fresh.interim,
            fresh.denied,
            fresh.stopped,
        ), (day, sender, recipient, area)


def test_the_harm_rules_end_every_rule_list():
    """`tables._with_harm` keeps the rules before them apart from the harm rules."""
    harm = catalogue.HARM_RULES
    unknown = catalogue.rules_for("no_such_purpose", "consent", False, False)
    for rules in [*catalogue._TABLE.values(), unknown, catalogue.RULES]:
        assert rules[-len(harm) :] == harm
        assert not set(rules[: -len(harm)]) & set(harm)


def test_breaks_are_the_days_the_comparisons_turn():
    protocol = PROTOCOLS[0]
    breaks = tables.day_breaks(protocol)
    assert breaks == sorted(set(breaks))
    assert protocol.effective_from in breaks
    if protocol.valid_until is not None:
        assert protocol.valid_until + timedelta(days=1) in breaks
    suspended = [p for p in protocol.participants.values() if p.suspended is not None]
    for participant in suspended:
        assert participant.suspended.since in breaks


def test_rule_inputs_leave_out_what_no_rule_reads():
    protocol = PROTOCOLS[0]
    request = _request(protocol, 1, purpose="research", legal_basis="mandate")
    key = rule_inputs(protocol, request, False)
    assert key[1] is None and key[3] is None  # no service, no recipient
    assert key[4] == NO_CONSENT_RULES


@settings(max_examples=400, deadline=None)
@given(requests, st.sampled_from(LANGUAGES))
def test_batch_lines_are_the_decisions_json(case, language):
    protocol, data = case
    request = request_from_data(data)
    assert batch.decide_json(protocol, request, language) == evaluate(protocol, request).to_json(
        language
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_batch_lines_for_the_bench_mix_and_the_corpus(language):
    protocol = PROTOCOLS[0]
    rng = random.Random(11)
    for _ in range(3000):
        request = request_from_data(make_request(rng, protocol))
        assert batch.decide_json(protocol, request, language) == evaluate(
            protocol, request
        ).to_json(language)
    for case in load_cases():
        if "error" in case.expect:  # malformed: no decision
            continue
        protocol = engine_protocol(case.protocol)
        request = request_from_data(case.request)
        assert batch.decide_json(protocol, request, language) == evaluate(
            protocol, request
        ).to_json(language), case.id


_LOADED: dict = {}


def engine_protocol(path):
    from amana.protocol import load_protocol

    if path not in _LOADED:
        _LOADED[path] = load_protocol(path)
    return _LOADED[path]


def test_the_memos_are_bounded_and_still_decide_alike(monkeypatch):
    """Past every bound nothing more is kept, and the decisions stay the same."""
    protocol = dataclasses.replace(PROTOCOLS[0])  # a fresh protocol: fresh tables
    for name in ("_STANDING_MAX", "_KINDS_MAX", "_OUTCOMES_MAX"):
        monkeypatch.setattr(tables, name, 0)
    monkeypatch.setattr(batch, "_MAX", 0)
    for shared in ("_REASONS_JSON", "_REFUSED", "_EXTRAS", "_ALLOW_ENDS", "_DECIDERS"):
        monkeypatch.setattr(batch, shared, {})
    monkeypatch.setattr("amana.protocol.fast.inputs._LABELS_MAX", 0)
    rng = random.Random(5)
    for _ in range(300):
        request = request_from_data(make_request(rng, protocol))
        for language in LANGUAGES:
            assert batch.decide_json(protocol, request, language) == evaluate(
                protocol, request
            ).to_json(language)
    kept = tables.tables(protocol)
    assert not kept.standing and not kept.kinds and not kept.outcomes and not kept.before_harm
    assert not kept.element_json and not kept.summaries
    assert not kept.inputs.people and not kept.inputs.harms
    assert not batch._REASONS_JSON and not any(batch._REFUSED.values())
    for language in LANGUAGES:
        found = batch.decider(protocol, language)
        assert not found.verdicts


def test_deciders_are_kept_for_the_protocols_last_used(monkeypatch):
    monkeypatch.setattr(batch, "_DECIDERS", {})
    monkeypatch.setattr(batch, "_DECIDERS_MAX", 2)
    first = batch.decider(PROTOCOLS[0], "en")
    assert batch.decider(PROTOCOLS[0], "en") is first
    assert batch.decider(PROTOCOLS[0], "fr") is not first
    batch.decider(PROTOCOLS[1], "en")  # a third: the kept ones are let go
    assert len(batch._DECIDERS) == 1 and batch.decider(PROTOCOLS[0], "en") is not first


def test_a_batch_pauses_the_cycle_collector_and_restores_it(monkeypatch):
    collected = []
    monkeypatch.setattr(wire, "COLLECT_EVERY", 2)
    monkeypatch.setattr(gc, "collect", lambda *a: collected.append(1) or 0)
    line = json.dumps(make_request(random.Random(2), PROTOCOLS[0])).encode()
    out = io.BytesIO()
    assert gc.isenabled()
    cli.run_batch(PROTOCOLS[0], io.BytesIO(b"\n".join([line] * 5) + b"\n"), out, "en")
    assert gc.isenabled() and len(out.getvalue().splitlines()) == 5
    assert len(collected) == 2  # after lines 2 and 4 (young generations)


def test_a_paused_collector_stays_paused_after_a_batch():
    gc.disable()
    try:
        with wire.paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()

"""Amana's own corpus: every rule of rules.md with allow and deny cases, edges included."""

from __future__ import annotations

from collections import defaultdict

import pytest

from amana.protocol import ContractError, evaluate, load_protocol, request_from_data
from tests.protocol.corpus_runner import load_cases, mismatches

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.file}:{c.id}" for c in CASES])
def test_corpus_case(case):
    if "error" in case.expect:  # a malformed request: refused, naming the key
        with pytest.raises(ContractError, match=f"^{case.expect['error']}: "):
            request_from_data(case.request)
        return
    decision = evaluate(load_protocol(case.protocol), request_from_data(case.request))
    problems = mismatches(decision.to_dict(), case.expect)
    assert not problems, f"{case.rule} {case.id}: {'; '.join(problems)}"


def test_corpus_has_allow_and_deny_for_every_individual_rule():
    outcomes: dict[str, set[str]] = defaultdict(set)
    for case in CASES:
        outcomes[case.rule].add(case.expect.get("decision", "error"))
    required = [
        "R1.1", "R1.2", "R1.3", "R1.4", "R1.5", "R2.1", "R2.2", "R2.3",
        "R3.1", "R3.2", "R3.3", "R3.4", "R3.5",
        "R4.0", "R4.1", "R4.2", "R4.3", "R4.4", "R4.5", "R4.6", "R4.7",
        "R5.2", "R5.3",
    ]  # fmt: skip
    lacking = [rule for rule in required if outcomes[rule] != {"allow", "deny"}]
    assert not lacking, f"rules without both an allow and a deny case: {lacking}"
    assert {"allow", "error"} <= outcomes["malformed"]


def test_label_rule_has_a_replaced_and_a_kept_case():
    """R5.1 never refuses a disclosure; its twin cases are a label replaced and a label kept."""
    label_cases = [case for case in CASES if case.rule == "R5.1"]
    replaced = [c for c in label_cases if "label.stigmatising" in c.expect.get("codes", [])]
    kept = [c for c in label_cases if "label.stigmatising" in c.expect.get("absent_codes", [])]
    assert replaced and kept

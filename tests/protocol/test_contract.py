"""The shared acceptance scenarios and schemas, read in place from ../shared/contract.

Where ../shared is absent (a user's own clone) these tests skip; the corpus in
tests/protocol/corpus still covers every rule.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amana.protocol import evaluate, load_protocol, request_from_data
from amana.protocol.generate import make_request
from tests.protocol.corpus_runner import mismatches

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT.parent / "shared" / "contract"
EXAMPLES = CONTRACT / "examples"
ABSENT = f"the shared contract is not beside this clone ({CONTRACT} is missing)"


def _scenarios() -> list[dict]:
    path = EXAMPLES / "scenarios.json"
    return json.loads(path.read_text()) if path.exists() else []


SCENARIOS = _scenarios()


@pytest.mark.skipif(not SCENARIOS, reason=ABSENT)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["id"] for s in SCENARIOS])
def test_shared_scenario(scenario):
    protocol = load_protocol(EXAMPLES / scenario["protocol"])
    decision = evaluate(protocol, request_from_data(scenario["request"])).to_dict()
    expect = {
        "decision": scenario["expect"]["decision"],
        "codes": scenario["expect"]["codes"],
        "share_includes": scenario["expect"]["share_includes"],
        "share_excludes": scenario["expect"]["share_excludes"],
    }
    if "label" in scenario["expect"]:
        expect["label"] = scenario["expect"]["label"]
    problems = mismatches(decision, expect)
    assert not problems, f"{scenario['id']}: {'; '.join(problems)}"


@pytest.mark.skipif(not CONTRACT.exists(), reason=ABSENT)
def test_decisions_match_the_decision_schema():
    import random

    import jsonschema

    schema = json.loads((CONTRACT / "decision.schema.json").read_text())
    request_schema = json.loads((CONTRACT / "request.schema.json").read_text())
    protocol = load_protocol(EXAMPLES / "operation-a.protocol.yaml")
    rng = random.Random(7)
    for _ in range(300):
        data = make_request(rng, protocol)
        jsonschema.validate(data, request_schema)
        for language in ("en", "fr", "ar"):
            jsonschema.validate(
                evaluate(protocol, request_from_data(data)).to_dict(language), schema
            )


@pytest.mark.skipif(not CONTRACT.exists(), reason=ABSENT)
def test_shipped_protocols_match_the_protocol_schema():
    import jsonschema
    import yaml

    from amana.protocol.bench import demo_protocol_path

    schema = json.loads((CONTRACT / "protocol.schema.json").read_text())
    corpus = ROOT / "tests" / "protocol" / "corpus" / "protocols"
    for path in [demo_protocol_path(), *sorted(corpus.glob("*.yaml"))]:
        data = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        jsonschema.validate(data, schema)

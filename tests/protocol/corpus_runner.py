"""Reads the corpus files: protocols, defaults, and cases of request → expected decision."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).resolve().parent / "corpus"


@dataclass(frozen=True)
class Case:
    file: str
    id: str
    rule: str
    protocol: Path
    request: dict[str, Any]
    expect: dict[str, Any]


def merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        merged = copy.deepcopy(base)
        for key, value in override.items():
            merged[key] = merge(base.get(key), value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(override)


def _stringify_dates(value: Any) -> Any:
    """YAML reads 2026-05-10 as a date; the request contract wants strings."""
    if isinstance(value, dict):
        return {key: _stringify_dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_stringify_dates(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def load_cases() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(CORPUS.glob("*.yaml")):
        document = yaml.safe_load(path.read_text())
        defaults = document.get("defaults", {})
        for item in document["cases"]:
            protocol = item.get("protocol", defaults.get("protocol", "camp.yaml"))
            request = merge(defaults.get("request", {}), item.get("request", {}))
            for key in item.get("drop", []):
                request.pop(key, None)
            cases.append(
                Case(
                    file=path.name,
                    id=item["id"],
                    rule=item["rule"],
                    protocol=CORPUS / "protocols" / protocol,
                    request=_stringify_dates(request),
                    expect=item["expect"],
                )
            )
    return cases


def mismatches(decision: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    codes = {r["code"] for r in decision["reasons"]} | {w["code"] for w in decision["withhold"]}
    share = set(decision["share"])
    problems = []
    if decision["decision"] != expect["decision"]:
        problems.append(f"decision {decision['decision']} != {expect['decision']}")
    problems += [f"missing code {c}" for c in expect.get("codes", []) if c not in codes]
    problems += [f"unexpected code {c}" for c in expect.get("absent_codes", []) if c in codes]
    if "share" in expect and share != set(expect["share"]):
        problems.append(f"share {sorted(share)} != {sorted(expect['share'])}")
    problems += [f"should share {e}" for e in expect.get("share_includes", []) if e not in share]
    problems += [f"must not share {e}" for e in expect.get("share_excludes", []) if e in share]
    if "label" in expect and decision["label"] != expect["label"]:
        problems.append(f"label {decision['label']!r} != {expect['label']!r}")
    if "obligations" in expect:
        got = [o["code"] for o in decision["obligations"]]
        problems += [f"missing obligation {o}" for o in expect["obligations"] if o not in got]
    if expect["decision"] == "deny" and (share or decision["obligations"]):
        problems.append("a denial shares nothing and carries no obligations")
    return problems

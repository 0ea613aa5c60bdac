"""The Decision: allow or deny, what goes, what is held back and why, and what must follow."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from amana.protocol.codes import SOURCES, Code, Obligation
from amana.protocol.findings import Finding, Withheld
from amana.protocol.texts import (
    DENIED_ELEMENT,
    OBLIGATIONS,
    REASONS,
    WITHHELD,
    WORDS,
    translate,
)

WORD_KEYS = frozenset({"giver", "role"})
ALLOW = "allow"
DENY = "deny"


@dataclass(slots=True)
class Decision:
    decision: str
    share: tuple[str, ...]
    withheld: tuple[Withheld, ...]
    findings: tuple[Finding, ...]
    obligations: tuple[Obligation, ...]
    label: str | None

    @property
    def allowed(self) -> bool:
        return self.decision == ALLOW

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(
            [str(f.code) for f in self.findings] + [str(w.code) for w in self.withheld]
        )

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """The contract's JSON form, with texts in `language` (en, fr, ar)."""
        allowed = self.allowed
        return {
            "decision": self.decision,
            "share": list(self.share),
            "withhold": [_withheld(w.element, w.code, allowed, language) for w in self.withheld],
            "label": self.label,
            "reasons": [_reason(f.code, f.params, language) for f in self.findings],
            "obligations": [_obligation(o, language) for o in self.obligations],
        }


@lru_cache(maxsize=4096)
def _reason(code: Code, params: tuple[tuple[str, str], ...], language: str) -> dict[str, str]:
    values = {
        key: translate(WORDS[value], language) if key in WORD_KEYS and value in WORDS else value
        for key, value in params
    }
    template = REASONS.get((code, values.get("why", "")), REASONS.get((code, ""), str(code)))
    return {
        "code": str(code),
        "text": translate(template, language).format_map(_Blank(values)),
        "source": SOURCES[code],
    }


@lru_cache(maxsize=256)
def _withheld(element: str, code: Code, allowed: bool, language: str) -> dict[str, str]:
    template = WITHHELD.get(code, DENIED_ELEMENT) if allowed or code in WITHHELD else DENIED_ELEMENT
    return {"element": element, "code": str(code), "text": translate(template, language)}


@lru_cache(maxsize=64)
def _obligation(obligation: Obligation, language: str) -> dict[str, str]:
    return {"code": str(obligation), "text": translate(OBLIGATIONS[obligation], language)}


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "—"

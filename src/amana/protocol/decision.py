"""The Decision: allow or deny, what goes, what is held back and why, and what must follow."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Final

import msgspec

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
# The batch path's encoder (wire.py uses the same settings): compact UTF-8, keys in order.
_encode: Final = msgspec.json.Encoder().encode
ALLOW = "allow"
DENY = "deny"


class Decision(msgspec.Struct, kw_only=True, gc=False):
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
            "obligations": list(_obligations(self.obligations, language)),
        }

    def to_json(self, language: str = "en") -> bytes:
        """`to_dict` as one compact JSON line (the batch output), byte for byte what encoding
        `to_dict` gives: each entry's JSON is kept per exact (entry, language) and spliced in."""
        allowed = self.decision == ALLOW
        return _encode(
            {
                "decision": self.decision,
                "share": self.share,
                "withhold": [
                    _withheld_json(w.element, w.code, allowed, language) for w in self.withheld
                ],
                "label": self.label,
                "reasons": [_reason_json(f.code, f.params, language) for f in self.findings],
                "obligations": _obligations_json(self.obligations, language),
            }
        )


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


@lru_cache(maxsize=4096)
def _reason_json(code: Code, params: tuple[tuple[str, str], ...], language: str) -> msgspec.Raw:
    return msgspec.Raw(_encode(_reason(code, params, language)))


@lru_cache(maxsize=1024)
def _withheld_json(element: str, code: Code, allowed: bool, language: str) -> msgspec.Raw:
    return msgspec.Raw(_encode(_withheld(element, code, allowed, language)))


@lru_cache(maxsize=64)
def _obligations_json(obligations: tuple[Obligation, ...], language: str) -> msgspec.Raw:
    return msgspec.Raw(_encode(_obligations(obligations, language)))


@lru_cache(maxsize=64)
def _obligations(obligations: tuple[Obligation, ...], language: str) -> tuple[dict[str, str], ...]:
    return tuple(_obligation(o, language) for o in obligations)


@lru_cache(maxsize=64)
def _obligation(obligation: Obligation, language: str) -> dict[str, str]:
    return {"code": str(obligation), "text": translate(OBLIGATIONS[obligation], language)}


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "—"

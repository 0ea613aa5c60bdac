"""The batch command's path: the decision `evaluate` makes, written straight to its JSON line.

`decide_json(protocol, request, language)` gives, byte for byte, what
`evaluate(protocol, request).to_json(language)` gives (tests/protocol/test_batch.py holds it to
that over generated requests, the corpus and the bench's requests). It reads the same memos as
`evaluate` (`engine.Tables`) and keeps, per language, the JSON of what they hold: for each
memoised outcome and kind of standing, a `Verdict` (the reasons, already encoded and joined, the
first refusal, the label and the end of the line); for each purpose, service and element, the
element's entry. A decision already met costs a few dictionary look-ups and one join.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Final, cast

import msgspec

from amana.protocol.codes import Code
from amana.protocol.decision import _obligations, _reason, _withheld
from amana.protocol.engine import (
    _TABLES,
    OBLIGATIONS_FOR,
    Outcome,
    Standing,
    Tables,
    _name_of,
    _outcome,
    _standing,
    evaluate,
    tables,
)
from amana.protocol.findings import Finding
from amana.protocol.model import Protocol, Request
from amana.protocol.vocabulary import EXCEPTIONAL_BASES

_encode: Final = msgspec.json.Encoder().encode
_MAX: Final = 100_000  # entries per cache, so that odd input cannot grow them without end
_DENY_HEAD: Final = b'{"decision":"deny","share":[],"withhold":['
_ALLOW_HEAD: Final = b'{"decision":"allow","share":'
_WITHHOLD: Final = b',"withhold":['
_LABEL: Final = b'],"label":'
_REASONS: Final = b',"reasons":['
_NO_OBLIGATIONS: Final = b'],"obligations":[]}'

# An element's entry: None (it goes) or (its code, its JSON in an allowance, in a denial).
Entry = tuple[Code, bytes, bytes] | None


class Verdict:
    """What one outcome, after one kind of standing, puts in every line, in one language.

    An outcome belongs to one legitimate basis and one interim state (both are in its key), so
    the obligations of an allowance are the verdict's too.
    """

    __slots__ = (
        "allow_tail",
        "codes",
        "deny_tail",
        "first_refusal",
        "label",
        "reasons",
        "refused",
        "services",
    )

    def __init__(
        self, kept: Tables, standing: Standing, outcome: Outcome, request: Request, language: str
    ) -> None:
        findings = standing.findings + outcome.findings
        self.reasons = b",".join(_reason_json(f, language) for f in findings)
        self.codes = frozenset(f.code for f in findings)
        self.first_refusal = next((f.code for f in findings if f.denies), None)
        neutral = Code.LABEL_STIGMATISING in self.codes
        self.label = _encode(kept.protocol.settings.neutral_label) if neutral else None
        self.deny_tail = _REASONS + self.reasons + _NO_OBLIGATIONS
        exceptional = request.legal_basis in EXCEPTIONAL_BASES
        self.allow_tail = _allow_tail(exceptional, standing.interim, language)
        # element -> its JSON, held back by the refusal (shared by every verdict of that code)
        self.refused = _refused_items(self.first_refusal, language)
        # (service, recipient) -> (the element table, the start of an allowance's reasons)
        self.services: dict[tuple[str | None, str], tuple[dict[str, Entry], bytes]] = {}


_REASONS_JSON: dict[tuple[Finding, str], bytes] = {}


def _reason_json(finding: Finding, language: str) -> bytes:
    key = (finding, language)
    found = _REASONS_JSON.get(key)
    if found is None:
        found = _encode(_reason(finding.code, finding.params, language))
        if len(_REASONS_JSON) < _MAX:
            _REASONS_JSON[key] = found
    return found


def _verdict(
    kept: Tables, standing: Standing, outcome: Outcome, request: Request, language: str
) -> Verdict:
    """A verdict not kept yet (`decide_json` looks it up first); kept unless the standing is
    past the bound on kinds of standing (no token)."""
    verdict = Verdict(kept, standing, outcome, request, language)
    if standing.token is not None:
        outcome.verdicts[standing.token, language] = verdict
    return verdict


_ALLOW_TAILS: dict[tuple[bool, bool, str], bytes] = {}
_REFUSED: dict[tuple[Code | None, str], dict[str, bytes]] = {}


def _allow_tail(exceptional: bool, interim: bool, language: str) -> bytes:
    key = (exceptional, interim, language)
    tail = _ALLOW_TAILS.get(key)
    if tail is None:
        obligations = _encode(_obligations(OBLIGATIONS_FOR[exceptional, interim], language))
        tail = _ALLOW_TAILS[key] = b'],"obligations":' + obligations + b"}"
    return tail


def _refused_items(code: Code | None, language: str) -> dict[str, bytes]:
    return _REFUSED.setdefault((code, language), {})


def _refused_items_of(verdict: Verdict, request: Request, language: str) -> list[bytes]:
    refused = verdict.refused
    return [refused.get(e) or _refused_item(verdict, e, language) for e in request.elements]


def _refused_item(verdict: Verdict, element: str, language: str) -> bytes:
    code = verdict.first_refusal
    assert code is not None
    item = _encode(_withheld(element, code, False, language))
    if len(verdict.refused) < _MAX:
        verdict.refused[element] = item
    return item


_EXTRAS: dict[tuple[Code, str], bytes] = {}


def _element_table(
    kept: Tables, purpose: str, service: str | None, language: str
) -> dict[str, Entry]:
    key = (purpose, service, language)
    table = kept.element_json.get(key)
    if table is None:
        table = {}
        if len(kept.element_json) < _MAX:
            kept.element_json[key] = table
    return table


def _element_entry(
    kept: Tables, request: Request, element: str, table: dict[str, Entry], language: str
) -> Entry:
    held = kept.elements.entry(request.purpose, request.service, element)
    entry: Entry = None
    if held is not None:
        entry = (
            held.code,
            _encode(_withheld(element, held.code, True, language)),
            _encode(_withheld(element, held.code, False, language)),
        )
    if len(table) < _MAX:
        table[element] = entry
    return entry


def _extra_json(code: Code, language: str) -> bytes:
    key = (code, language)
    found = _EXTRAS.get(key)
    if found is None:
        found = _EXTRAS[key] = _encode(_reason(code, (), language))
    return found


def _summary_json(kept: Tables, request: Request, language: str) -> bytes:
    purpose = request.service or request.purpose
    key = (request.recipient, purpose, request.legal_basis, language)
    found = kept.summaries.get(key)
    if found is None:
        params = (
            ("recipient", _name_of(kept.protocol, request.recipient)),
            ("purpose", purpose),
            ("basis", request.legal_basis),
        )
        found = _encode(_reason(Code.SHARING_ALLOWED, params, language))
        if len(kept.summaries) < _MAX:
            kept.summaries[key] = found
    return found


_UNSEEN: Final = (Code.ELEMENTS_NOT_AGREED, b"", b"")  # a marker: never in a table


def _for_service(
    kept: Tables, verdict: Verdict, request: Request, language: str
) -> tuple[dict[str, Entry], bytes]:
    """The element table of the request's purpose and service, and the reasons an allowance
    starts with: its summary, then the verdict's reasons."""
    table = _element_table(kept, request.purpose, request.service, language)
    summary = _summary_json(kept, request, language)
    found = (table, summary + b"," + verdict.reasons if verdict.reasons else summary)
    if len(verdict.services) < _MAX:
        verdict.services[request.service, request.recipient] = found
    return found


def _extras(verdict: Verdict, held: list[tuple[Code, bytes, bytes]], language: str) -> list[bytes]:
    """`engine._withheld_codes`: one reason per element code not already given, in order."""
    codes = verdict.codes
    extra: list[Code] = []
    for entry in held:
        code = entry[0]
        if code not in codes and code not in extra:
            extra.append(code)
    return [_extra_json(code, language) for code in extra]


def decide_json(protocol: Protocol, request: Request, language: str) -> bytes:
    """`evaluate(protocol, request).to_json(language)`, from the memos."""
    kept = _TABLES.get(id(protocol))
    if kept is None or kept.protocol is not protocol:
        kept = tables(protocol)
    # `engine._standing`, `engine._outcome` and `_verdict`, inlined: their look-ups first
    period = bisect_right(kept.breaks, request.at)
    standing = kept.standing.get((period, request.sender, request.recipient))
    if standing is None:
        standing = _standing(kept, request)
    if standing.stopped:  # not in force: no other rule runs; rare enough for the plain path
        return evaluate(protocol, request).to_json(language)
    outcome = kept.outcomes.get(kept.inputs.key(request, standing.interim))
    if outcome is None:
        outcome = _outcome(kept, request, standing.interim)
    verdict = outcome.verdicts.get((standing.token, language))
    if verdict is None:
        verdict = _verdict(kept, standing, outcome, request, language)
    label = verdict.label or _encode(request.label)
    if verdict.first_refusal is not None:
        # A rule denied: every element is held back with the first refusal's code.
        refused = verdict.refused
        found = list(map(refused.get, request.elements))  # in C: most elements were met
        items = (
            cast(list[bytes], found)
            if None not in found
            else _refused_items_of(verdict, request, language)
        )
        return b"".join((_DENY_HEAD, b",".join(items), _LABEL, label, verdict.deny_tail))
    return _split_line(kept, verdict, request, label, language)


def _split_line(
    kept: Tables, verdict: Verdict, request: Request, label: bytes, language: str
) -> bytes:
    """No rule denied: the elements are split; an allowance, or a denial if none may go."""
    per_service = verdict.services.get((request.service, request.recipient))
    if per_service is None:
        per_service = _for_service(kept, verdict, request, language)
    table = per_service[0]
    share: list[str] = []
    held: list[tuple[Code, bytes, bytes]] = []
    for element in request.elements:
        entry = table.get(element, _UNSEEN)
        if entry is _UNSEEN:
            entry = _element_entry(kept, request, element, table, language)
        if entry is None:
            share.append(element)
        else:
            held.append(entry)
    if not share:  # no rule denied, but nothing asked for is agreed
        given = [verdict.reasons] if verdict.reasons else []
        given += _extras(verdict, held, language)
        items = [entry[2] for entry in held]
        return b"".join(
            (
                _DENY_HEAD,
                b",".join(items),
                _LABEL,
                label,
                _REASONS,
                b",".join(given),
                _NO_OBLIGATIONS,
            )
        )
    reasons = per_service[1]
    if held:
        reasons = b",".join((reasons, *_extras(verdict, held, language)))
    return b"".join(
        (
            _ALLOW_HEAD,
            _encode(share),
            _WITHHOLD,
            b",".join([entry[1] for entry in held]),
            _LABEL,
            label,
            _REASONS,
            reasons,
            verdict.allow_tail,
        )
    )

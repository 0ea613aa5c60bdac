"""The batch command's path: the decision `evaluate` makes, written straight to its JSON line.

`decide_json(protocol, request, language)` gives, byte for byte, what
`evaluate(protocol, request).to_json(language)` gives (tests/protocol/test_memo.py holds it to
that over generated requests, the corpus and the bench's requests). A `Decider` (one protocol,
one language) reads the memos of `fast.tables` (`Tables`) and keeps the JSON of what
they hold: for each memoised outcome and kind of standing, a `Verdict` (the reasons, already
encoded and joined, the first refusal, the label and the end of the line); for each purpose and
service, an `ElementJson` (the elements that go, and the entry of each one held back). A
decision already met costs a few dictionary look-ups, two filters run in C and one join.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Final

import msgspec

from amana.protocol.codes import Code
from amana.protocol.decision import _obligations, _reason, _withheld
from amana.protocol.engine import OBLIGATIONS_FOR, evaluate, name_of
from amana.protocol.fast import canon
from amana.protocol.fast.tables import (
    Outcome,
    Standing,
    Tables,
    outcome_for,
    standing_for,
    tables,
)
from amana.protocol.fast.wire import DecodeError, SlowPath, decode_typed, encode, settle
from amana.protocol.findings import Finding
from amana.protocol.loading import parse_request_json
from amana.protocol.model import Protocol, Request
from amana.protocol.reader import ContractError
from amana.protocol.vocabulary import EXCEPTIONAL_BASES

_encode: Final = msgspec.json.Encoder().encode
_MAX: Final = 100_000  # entries per cache, so that odd input cannot grow them without end
_DENY_HEAD: Final = b'{"decision":"deny","share":[],"withhold":['
_ALLOW_HEAD: Final = b'{"decision":"allow","share":'
_WITHHOLD: Final = b',"withhold":['
_LABEL: Final = b'],"label":'
_REASONS: Final = b',"reasons":['
_NO_OBLIGATIONS: Final = b'],"obligations":[]}\n'
_COMMA: Final = b","

# A line is written by one join of pieces. Reasons are kept as the pieces of their JSON (one per
# finding, shared by every verdict: about a hundred in all) with commas between, never joined
# per verdict, so that the bytes a line copies stay few and in the processor's caches.
Pieces = tuple[bytes, ...]
# What a verdict adds for the codes of the elements held back (in order, without repeats): the
# end of an allowance's reasons, and the reasons of a denial where nothing asked for is agreed.
Extras = tuple[Pieces, Pieces]


def _listed(items: list[bytes]) -> Pieces:
    """The pieces of a JSON list's items: commas between them."""
    pieces: list[bytes] = []
    for item in items:
        pieces += (_COMMA, item) if pieces else (item,)
    return tuple(pieces)


class Verdict:
    """What one outcome, after one kind of standing, puts in every line, in one language.

    An outcome belongs to one legitimate basis and one interim state (both are in its key), so
    the obligations of an allowance are the verdict's too. The ends of lines carry the newline.
    """

    __slots__ = (
        "allow_end",
        "codes",
        "deny_tail",
        "extras",
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
        self.reasons = _listed([_reason_json(f, language) for f in findings])
        self.codes = frozenset(f.code for f in findings)
        self.first_refusal = next((f.code for f in findings if f.denies), None)
        neutral = Code.LABEL_STIGMATISING in self.codes
        self.label = _encode(kept.protocol.settings.neutral_label) if neutral else None
        self.deny_tail = (_REASONS, *self.reasons, _NO_OBLIGATIONS)
        exceptional = request.legal_basis in EXCEPTIONAL_BASES
        self.allow_end = _allow_end(exceptional, standing.interim, language)
        # element -> its JSON, held back by the refusal (shared by every verdict of that code)
        self.refused = _refused_items(self.first_refusal, language)
        # (service, recipient) -> (the element table, the start of an allowance's reasons)
        self.services: dict[tuple[str | None, str], tuple[ElementJson, Pieces]] = {}
        self.extras: dict[tuple[Code, ...], Extras] = {}


class ElementJson:
    """The element split of one purpose and service (`rules.elements.ElementSplit`), in one
    language: the elements that go, and for each one held back its code and its entry in an
    allowance and in a denial. `goes`, `held` and `code_of` are the look-ups, bound once."""

    __slots__ = ("allowed", "code_of", "codes", "denied", "goes", "held", "shared")

    def __init__(self) -> None:
        self.shared: set[str] = set()
        self.codes: dict[str, Code] = {}
        self.allowed: dict[str, bytes] = {}
        self.denied: dict[str, bytes] = {}
        self.goes = self.shared.__contains__
        self.held = self.codes.__contains__
        self.code_of = self.codes.__getitem__

    def split(
        self, kept: Tables, request: Request, language: str
    ) -> tuple[list[str], list[str]] | None:
        """The request's elements that go and those held back, in the request's order; None
        if an element is new and the table is full."""
        elements = request.elements
        share = list(filter(self.goes, elements))
        held = list(filter(self.held, elements))
        if len(share) + len(held) == len(elements):
            return share, held
        if len(self.shared) + len(self.codes) >= _MAX:
            return None
        for element in elements:
            self._learn(kept, request, element, language)
        return self.split(kept, request, language)

    def _learn(self, kept: Tables, request: Request, element: str, language: str) -> None:
        held = kept.elements.entry(request.purpose, request.service, element)
        if held is None:
            self.shared.add(canon.text(element))
            return
        element = canon.text(element)
        self.codes[element] = held.code
        self.allowed[element] = _encode(_withheld(element, held.code, True, language))
        self.denied[element] = _encode(_withheld(element, held.code, False, language))


_REASONS_JSON: dict[tuple[Finding, str], bytes] = {}
_ALLOW_ENDS: dict[tuple[bool, bool, str], bytes] = {}
_REFUSED: dict[tuple[Code | None, str], dict[str, bytes]] = {}
_EXTRAS: dict[tuple[Code, str], bytes] = {}


def _reason_json(finding: Finding, language: str) -> bytes:
    key = (finding, language)
    found = _REASONS_JSON.get(key)
    if found is None:
        found = _encode(_reason(finding.code, finding.params, language))
        if len(_REASONS_JSON) < _MAX:
            _REASONS_JSON[key] = found
    return found


def _allow_end(exceptional: bool, interim: bool, language: str) -> bytes:
    key = (exceptional, interim, language)
    end = _ALLOW_ENDS.get(key)
    if end is None:
        obligations = _encode(_obligations(OBLIGATIONS_FOR[exceptional, interim], language))
        end = _ALLOW_ENDS[key] = b'],"obligations":' + obligations + b"}\n"
    return end


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


def _extra_json(code: Code, language: str) -> bytes:
    key = (code, language)
    found = _EXTRAS.get(key)
    if found is None:
        found = _EXTRAS[key] = _encode(_reason(code, (), language))
    return found


def _extras(verdict: Verdict, codes: tuple[Code, ...], language: str) -> Extras:
    """`engine._withheld_codes`: one reason per element code not already given, in order."""
    extra = [_extra_json(code, language) for code in codes if code not in verdict.codes]
    after = tuple(piece for item in extra for piece in (_COMMA, item))
    given = (*verdict.reasons, *after) if verdict.reasons else _listed(extra)
    # Not bounded: a few element codes make only a few orders of them.
    found = verdict.extras[codes] = (after, given)
    return found


def _element_table(kept: Tables, purpose: str, service: str | None, language: str) -> ElementJson:
    key = (purpose, service, language)
    table = kept.element_json.get(key)
    if table is None:
        table = ElementJson()
        if len(kept.element_json) < _MAX:
            kept.element_json[key] = table
    return table


def _summary_json(kept: Tables, request: Request, language: str) -> bytes:
    purpose = request.service or request.purpose
    key = (request.recipient, purpose, request.legal_basis, language)
    found = kept.summaries.get(key)
    if found is None:
        params = (
            ("recipient", name_of(kept.protocol, request.recipient)),
            ("purpose", purpose),
            ("basis", request.legal_basis),
        )
        found = _encode(_reason(Code.SHARING_ALLOWED, params, language))
        if len(kept.summaries) < _MAX:
            kept.summaries[key] = found
    return found


def _for_service(
    kept: Tables, verdict: Verdict, request: Request, language: str
) -> tuple[ElementJson, Pieces]:
    """The element table of the request's purpose and service, and the reasons an allowance
    starts with: its summary, then the verdict's reasons."""
    table = _element_table(kept, request.purpose, request.service, language)
    summary = _summary_json(kept, request, language)
    found = (table, (summary, _COMMA, *verdict.reasons) if verdict.reasons else (summary,))
    if len(verdict.services) < _MAX:
        verdict.services[canon.text(request.service), canon.text(request.recipient)] = found
    return found


_NOTHING_MORE: Final = Outcome((), False)  # after a standing that stops every other rule


class Decider:
    """`amana check --batch` for one protocol and one language: a JSON line in, the decision's
    JSON line out (with its newline)."""

    __slots__ = ("kept", "language", "protocol", "verdicts")

    def __init__(self, protocol: Protocol, language: str) -> None:
        self.protocol = protocol
        self.language = language
        self.kept = tables(protocol)
        # (*rule inputs, standing token) -> verdict; a standing without a token is never kept
        self.verdicts: dict[tuple[object, ...], Verdict] = {}

    def line(self, line: bytes) -> bytes:
        """The output line for one input line; b"" for a line that is only blank."""
        try:
            request = decode_typed(line)
            settle(request)
        except (DecodeError, SlowPath):
            return self._checked_line(line)
        return self.decide(request)

    def _checked_line(self, line: bytes) -> bytes:
        """A line the fast decoder did not take: the validating reader reads it or explains."""
        text = line.decode("utf-8")
        try:
            request = parse_request_json(text)
        except ContractError as exc:
            if not text.strip():
                return b""  # blank in Unicode terms, as a text reader sees it: no request
            return encode({"error": str(exc)}) + b"\n"
        return self.decide(request)

    def decide(self, request: Request) -> bytes:
        """`evaluate(protocol, request).to_json(language)` and a newline, from the memos."""
        kept = self.kept
        # `tables.standing_for` and `tables.outcome_for`, inlined: their look-ups first
        area = request.subject.area if kept.scoped else None
        period = bisect_right(kept.breaks, request.at)
        standing = kept.standing.get((period, request.sender, request.recipient, area))
        if standing is None:
            standing = standing_for(kept, request)
        # Not in force: no other rule runs, the standing's findings are the whole outcome.
        if standing.stopped:
            key: tuple[object, ...] = (None, standing.token)
        else:
            key = (*kept.inputs.key(request, standing.interim), standing.token)
        verdict = self.verdicts.get(key)
        if verdict is None:
            verdict = self._verdict(request, standing, key)
        label = verdict.label or _encode(request.label)
        if verdict.first_refusal is None:
            return self._split_line(verdict, request, label)
        # A rule denied: every element is held back with the first refusal's code.
        try:  # in C: most elements were met before
            items = list(map(verdict.refused.__getitem__, request.elements))
        except KeyError:
            items = _refused_items_of(verdict, request, self.language)
        return b"".join((_DENY_HEAD, b",".join(items), _LABEL, label, *verdict.deny_tail))

    def _plain(self, request: Request) -> bytes:
        return evaluate(self.protocol, request).to_json(self.language) + b"\n"

    def _verdict(
        self,
        request: Request,
        standing: Standing,
        key: tuple[object, ...],
    ) -> Verdict:
        """`key`: the rule inputs and the standing's token, or (None, token) if the standing
        stops every other rule."""
        kept = self.kept
        if key[0] is None:
            outcome = _NOTHING_MORE
        else:
            outcome = outcome_for(kept, request, standing.interim, key[:-1])
        verdict = Verdict(kept, standing, outcome, request, self.language)
        if standing.token is not None and len(self.verdicts) < _MAX:
            self.verdicts[canon.key(key)] = verdict
        return verdict

    def _split_line(self, verdict: Verdict, request: Request, label: bytes) -> bytes:
        """No rule denied: the elements are split; an allowance, or a denial if none may go."""
        language = self.language
        found = verdict.services.get((request.service, request.recipient))
        if found is None:
            found = _for_service(self.kept, verdict, request, language)
        table, reasons = found
        split = table.split(self.kept, request, language)
        if split is None:  # a new element and a full table: rare enough for the plain path
            return self._plain(request)
        share, held = split
        if not held:
            return b"".join(
                (
                    _ALLOW_HEAD,
                    _encode(share),
                    _WITHHOLD,
                    _LABEL,
                    label,
                    _REASONS,
                    *reasons,
                    verdict.allow_end,
                )
            )
        codes = tuple(dict.fromkeys(map(table.code_of, held)))
        extras = verdict.extras.get(codes)
        if extras is None:
            extras = _extras(verdict, codes, language)
        if not share:  # no rule denied, but nothing asked for is agreed
            items = b",".join(map(table.denied.__getitem__, held))
            return b"".join(
                (_DENY_HEAD, items, _LABEL, label, _REASONS, *extras[1], _NO_OBLIGATIONS)
            )
        items = b",".join(map(table.allowed.__getitem__, held))
        return b"".join(
            (
                _ALLOW_HEAD,
                _encode(share),
                _WITHHOLD,
                items,
                _LABEL,
                label,
                _REASONS,
                *reasons,
                *extras[0],
                verdict.allow_end,
            )
        )


_DECIDERS: dict[tuple[int, str], Decider] = {}
_DECIDERS_MAX = 24


def decider(protocol: Protocol, language: str) -> Decider:
    """The decider of this protocol and language (kept for the protocols last used)."""
    found = _DECIDERS.get((id(protocol), language))
    if found is None or found.protocol is not protocol:
        if len(_DECIDERS) >= _DECIDERS_MAX:
            _DECIDERS.clear()
        found = _DECIDERS[id(protocol), language] = Decider(protocol, language)
    return found


def decide_json(protocol: Protocol, request: Request, language: str) -> bytes:
    """`evaluate(protocol, request).to_json(language)`, from the memos."""
    return decider(protocol, language).decide(request)[:-1]

"""What the fast path keeps per protocol: the findings of the rules, remembered on their inputs.

`engine.evaluate` runs every rule for every request. Most requests of a batch repeat what an
earlier one met, so this module remembers, per protocol (`Tables`):

- the findings of rules 1.x (`engine.standing_findings`) per `(period, sender, recipient, area)`,
  where the period is the request date's place among the days the protocol's dates turn a
  comparison (`day_breaks`), and the area counts only for a protocol that lists its areas;
- the findings of the other rules (those `catalogue.rules_for` lists) per
  `inputs.RuleInputs.key`: everything those rules read of a request, reduced to what they compare.

Every memo is bounded; past a bound the findings are computed and not kept. The property tests
hold the findings to every rule run afresh (tests/protocol/test_memo.py, test_wire.py).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from typing import TYPE_CHECKING

from amana.protocol.catalogue import HARM_RULES, Rule, rules_for
from amana.protocol.engine import standing_findings
from amana.protocol.fast import canon
from amana.protocol.fast.elements import ElementSplit
from amana.protocol.fast.inputs import HARM_BITS, RuleInputs
from amana.protocol.findings import Context, Finding
from amana.protocol.model import Protocol, Request

if TYPE_CHECKING:
    from amana.protocol.fast.batch import ElementJson


class Standing:
    """The findings of rules 1.x for one (period, sender, recipient, area), kept once per
    distinct result: `token` numbers the distinct results of one protocol (None past
    `_KINDS_MAX`)."""

    __slots__ = ("denied", "findings", "interim", "stopped", "token")

    def __init__(
        self, findings: tuple[Finding, ...], interim: bool, denied: bool, stopped: bool
    ) -> None:
        self.findings = findings
        self.interim = interim
        self.denied = denied
        self.stopped = stopped  # not in force: no other rule runs
        self.token: int | None = None


class Outcome:
    """The findings of the rules after 1.x for one `rule_inputs` key, in order, and whether one
    denies."""

    __slots__ = ("denied", "findings")

    def __init__(self, findings: tuple[Finding, ...], denied: bool) -> None:
        self.findings = findings
        self.denied = denied


class Tables:
    """What the fast path derives from one protocol, on its first request.

    `standing`: the `Standing` of each `(period, sender, recipient, area)` met (bounded), where
    `breaks` are the protocol's `day_breaks` and the area is None unless the protocol lists
    areas (`scoped`); `kinds`, each distinct standing once. `outcomes`: the findings of the
    other rules for each `inputs.rule_inputs` met (bounded); `before_harm`: those of the rules
    before the harm rules, per key without the harm bits. `elements`: the element split per
    purpose and service (`fast.elements.ElementSplit`). `element_json`, `summaries`: what
    batch.py writes for them.
    """

    __slots__ = (
        "before_harm",
        "breaks",
        "element_json",
        "elements",
        "inputs",
        "kinds",
        "outcomes",
        "protocol",
        "scoped",
        "standing",
        "summaries",
    )

    def __init__(self, protocol: Protocol) -> None:
        self.protocol = protocol
        self.breaks = day_breaks(protocol)
        self.scoped = bool(protocol.scope_areas)
        self.standing: dict[tuple[int, str, str, str | None], Standing] = {}
        self.kinds: dict[tuple[object, ...], Standing] = {}
        self.inputs = RuleInputs(protocol)
        self.outcomes: dict[tuple[object, ...], Outcome] = {}
        self.before_harm: dict[tuple[object, ...], Outcome] = {}
        self.elements = ElementSplit(protocol)
        # batch.py's JSON of the element split and of an allowance's summary
        self.element_json: dict[tuple[str, str | None, str], ElementJson] = {}
        self.summaries: dict[tuple[str, str, str, str], bytes] = {}

    def standing_key(self, request: Request) -> tuple[int, str, str, str | None]:
        """What rules 1.x read of a request: the period of its date, its parties and, for a
        protocol that lists its areas, the subject's area."""
        area = request.subject.area if self.scoped else None
        return (bisect_right(self.breaks, request.at), request.sender, request.recipient, area)


_TABLES: dict[int, Tables] = {}
_STANDING_MAX = 50_000
_KINDS_MAX = 10_000
_OUTCOMES_MAX = 200_000


def tables(protocol: Protocol) -> Tables:
    kept = _TABLES.get(id(protocol))
    if kept is None or kept.protocol is not protocol:
        if len(_TABLES) >= 8:
            _TABLES.clear()
        kept = _TABLES[id(protocol)] = Tables(protocol)
    return kept


def day_breaks(protocol: Protocol) -> list[date]:
    """The days on which the findings of rules 1.x may change, sorted: every date they compare
    the request's date with, taken where the comparison turns (`effective_from <= at` turns on
    effective_from itself, `at > valid_until` on the day after, and so on). Between two breaks,
    every day gives the same findings: they quote the protocol's dates, never the request's."""
    day = timedelta(days=1)
    breaks: set[date] = set()
    if protocol.effective_from is not None:
        breaks.add(protocol.effective_from)
    for last in (protocol.valid_until, protocol.interim_last_day):
        if last is not None:
            breaks.add(last + day)
    for participant in protocol.participants.values():
        if participant.signed_on is not None:
            breaks.add(participant.signed_on)
        suspension = participant.suspended
        if suspension is not None:
            breaks.add(suspension.since)
            if suspension.until is not None:
                breaks.add(suspension.until + day)
    return sorted(breaks)


def standing_of(protocol: Protocol, request: Request) -> Standing:
    """Rules 1.x as `engine.evaluate` runs them, as a `Standing`."""
    ctx = Context(protocol=protocol, request=request)
    in_force = standing_findings(ctx)
    return Standing(tuple(ctx.findings), ctx.interim, ctx.denied, not in_force)


def _kind(kept: Tables, found: Standing) -> Standing:
    """The one kept instance of this result, numbered (bounded)."""
    key = (found.findings, found.interim, found.denied, found.stopped)
    kind = kept.kinds.get(key)
    if kind is None:
        if len(kept.kinds) >= _KINDS_MAX:
            return found
        kind = kept.kinds[key] = found
        found.token = len(kept.kinds)
    return kind


def standing_for(kept: Tables, request: Request) -> Standing:
    """The request's `Standing`, from the memo or computed and kept (bounded)."""
    memo = kept.standing
    key = kept.standing_key(request)
    found = memo.get(key)
    if found is None:
        found = _kind(kept, standing_of(kept.protocol, request))
        if len(memo) < _STANDING_MAX:
            memo[canon.key(key)] = found
    return found


def rule_findings(
    kept: Tables, request: Request, interim: bool, rules: tuple[Rule, ...]
) -> Outcome:
    """The findings of `rules` (some of those after 1.x), in order, and whether one denies."""
    ctx = Context(protocol=kept.protocol, request=request)
    ctx.interim = interim
    for rule in rules:
        ctx.add(rule(ctx))
    return Outcome(tuple(ctx.findings), ctx.denied)


def outcome_for(
    kept: Tables, request: Request, interim: bool, key: tuple[object, ...] | None = None
) -> Outcome:
    """The outcome kept for the request's rule inputs (`key`, if the caller has it already)."""
    memo = kept.outcomes
    if key is None:
        key = kept.inputs.key(request, interim)
    found = memo.get(key)
    if found is None:
        found = _with_harm(kept, request, interim, key)
        if len(memo) < _OUTCOMES_MAX:
            memo[key] = found
    return found


def _with_harm(kept: Tables, request: Request, interim: bool, key: tuple[object, ...]) -> Outcome:
    """The harm rules (5.x) come last and read nothing but their two facts, so the findings of
    the rules before them are kept per key without those two bits (`Tables.before_harm`), and
    the harm rules run on their own."""
    flags = key[-1]
    assert isinstance(flags, int)  # the key's last item: the facts as bits
    before_key = (*key[:-1], flags & ~HARM_BITS)
    before = kept.before_harm.get(before_key)
    if before is None:
        enabled = request.purpose in kept.protocol.purposes
        rules = rules_for(request.purpose, request.legal_basis, interim, enabled)
        before = rule_findings(kept, request, interim, rules[: -len(HARM_RULES)])
        if len(kept.before_harm) < _OUTCOMES_MAX:
            kept.before_harm[before_key] = before
    harm = rule_findings(kept, request, interim, HARM_RULES)
    if not harm.findings:
        return before
    return Outcome(before.findings + harm.findings, before.denied or harm.denied)

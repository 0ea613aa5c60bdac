"""`evaluate(protocol, request) -> Decision`: every rule of rules.md, deny unless a rule allows."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from amana.protocol import canon
from amana.protocol.codes import Code, Obligation
from amana.protocol.decision import ALLOW, DENY, Decision
from amana.protocol.findings import Context, Finding, Withheld, note
from amana.protocol.inputs import HARM_BITS, RuleInputs
from amana.protocol.model import Protocol, Request
from amana.protocol.rules import basis, harm, purpose, standing
from amana.protocol.rules.elements import ElementSplit
from amana.protocol.vocabulary import (
    BASES_FOR_PURPOSE,
    EXCEPTIONAL_BASES,
    INDIRECT_PURPOSES,
    PURPOSES,
)

if TYPE_CHECKING:
    from amana.protocol.batch import ElementJson

Rule = Callable[[Context], Finding | None]

PURPOSE_RULES: tuple[Rule, ...] = (
    standing.interim_purpose,
    standing.interim_basis,
    purpose.purpose_is_direct,
    purpose.purpose_is_enabled,
    purpose.referral_names_agreed_service,
    purpose.future_services_documented,
    basis.process_feedback_needs_no_consent,
    basis.basis_fits_purpose,
    basis.nobody_refused,
    basis.closed_case_not_against_best_interests,
)
# Each basis runs only the rules that can apply to it; every rule still checks its own
# conditions, so this table is a shortcut, never a change of outcome.
BASIS_RULES: dict[str, tuple[Rule, ...]] = {
    "consent": (
        basis.caregiver_can_be_asked,
        basis.consent_given,
        basis.child_assented,
        basis.archive_consent_at_intake_and_closure,
    ),
    "best_interests": (basis.best_interests_only_for_children, basis.best_interests_supports),
    "vital_interests": (basis.risk_assessed, basis.recipient_safe),
    "safety_security": (basis.risk_assessed, basis.recipient_safe),
    "mandate": (basis.risk_assessed,),
}
HARM_RULES: tuple[Rule, ...] = (harm.contact_is_safe, harm.label_is_neutral)
RULES: tuple[Rule, ...] = tuple(
    dict.fromkeys(
        PURPOSE_RULES + tuple(r for rules in BASIS_RULES.values() for r in rules) + HARM_RULES
    )
)
BASE_OBLIGATIONS = (
    Obligation.RECORD_BASIS,
    Obligation.INFORM_SUBJECT,
    Obligation.NO_ONWARD_SHARING,
    Obligation.REPORT_BREACH,
)


# Rules whose first condition is one purpose (or a few), or the interim period: elsewhere they
# return None, so the table below leaves them out. Rules that start with `_checks_basis` find
# nothing for a purpose without a basis check (indirect, unknown, process feedback).
ONLY_FOR_PURPOSES: dict[Rule, frozenset[str]] = {
    purpose.purpose_is_direct: frozenset(INDIRECT_PURPOSES),
    purpose.referral_names_agreed_service: frozenset({"referral_immediate"}),
    purpose.future_services_documented: frozenset({"referral_future"}),
    basis.process_feedback_needs_no_consent: frozenset({"feedback_process"}),
    basis.closed_case_not_against_best_interests: basis.CLOSED_CASE_PURPOSES,
    basis.archive_consent_at_intake_and_closure: frozenset({"closed_case_archive"}),
}
ONLY_IN_INTERIM = frozenset({standing.interim_purpose, standing.interim_basis})
NEED_A_BASIS_CHECK = frozenset(
    {
        basis.basis_fits_purpose,
        basis.best_interests_only_for_children,
        basis.caregiver_can_be_asked,
        basis.consent_given,
        basis.child_assented,
        basis.nobody_refused,
        basis.best_interests_supports,
        basis.risk_assessed,
        basis.recipient_safe,
    }
)
CHECKED_PURPOSES = frozenset(p for p in BASES_FOR_PURPOSE if p != "feedback_process")
# Rules that find nothing for a purpose the protocol enables (purpose_is_enabled), or for one it
# does not (those that start from the purpose's spec): decided per protocol, see `Tables`.
ONLY_IF_NOT_ENABLED = frozenset({purpose.purpose_is_enabled})
ONLY_IF_ENABLED = frozenset(
    {purpose.referral_names_agreed_service, purpose.future_services_documented}
)


def _may_find(rule: Rule, purpose: str, interim: bool) -> bool:
    if rule in ONLY_IN_INTERIM and not interim:
        return False
    if rule in NEED_A_BASIS_CHECK and purpose not in CHECKED_PURPOSES:
        return False
    return purpose in ONLY_FOR_PURPOSES.get(rule, frozenset({purpose}))


def _may_find_under(rule: Rule, protocol: Protocol, purpose: str) -> bool:
    enabled = purpose in protocol.purposes
    if rule in ONLY_IF_NOT_ENABLED and enabled:
        return False
    return enabled or rule not in ONLY_IF_ENABLED


# The rules that run for each (purpose, basis, interim), in the order their reasons are given;
# any other purpose (unknown to the vocabulary) runs every rule of its basis.
RULES_FOR_BASIS: dict[str, tuple[Rule, ...]] = {
    basis: PURPOSE_RULES + rules + HARM_RULES for basis, rules in BASIS_RULES.items()
}
RULES_FOR: dict[tuple[str, str, bool], tuple[Rule, ...]] = {
    (purpose, basis, interim): tuple(r for r in rules if _may_find(r, purpose, interim))
    for purpose in PURPOSES
    for basis, rules in RULES_FOR_BASIS.items()
    for interim in (False, True)
}
# The obligations of an allowance, by (exceptional basis, interim).
OBLIGATIONS_FOR: dict[tuple[bool, bool], tuple[Obligation, ...]] = {
    (exceptional, interim): BASE_OBLIGATIONS
    + ((Obligation.EXPLAIN_EXCEPTIONAL,) if exceptional else ())
    + ((Obligation.INTERIM_REVIEW,) if interim else ())
    for exceptional in (False, True)
    for interim in (False, True)
}


class Standing:
    """The findings of rules 1.x for one (date, sender, recipient), kept once per distinct result:
    `token` numbers the distinct results of one protocol (None past `_KINDS_MAX`)."""

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
    """What the engine derives from one protocol, on its first request.

    `rules`: `RULES_FOR` narrowed by what the protocol enables. `standing`: the findings of rules
    1.x, which read nothing of a request but its date, sender and recipient, for each
    `(period, sender, recipient)` met (bounded), where the period is the request date's place
    among the protocol's `breaks` (see `day_breaks`); `kinds`, each distinct such result once.
    `outcomes`: the findings of the other rules for each `inputs.rule_inputs` met (bounded);
    `before_harm`: those of the rules before the harm rules, per key without the harm bits.
    `elements`: the element split per purpose and service (see `rules.elements.ElementSplit`).
    `element_json`, `summaries`: what batch.py writes for them.
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
        "rules",
        "standing",
        "summaries",
    )

    def __init__(self, protocol: Protocol) -> None:
        self.protocol = protocol
        self.rules = {
            key: tuple(r for r in rules if _may_find_under(r, protocol, key[0]))
            for key, rules in RULES_FOR.items()
        }
        self.breaks = day_breaks(protocol)
        self.standing: dict[tuple[int, str, str], Standing] = {}
        self.kinds: dict[tuple[object, ...], Standing] = {}
        self.inputs = RuleInputs(protocol)
        self.outcomes: dict[tuple[object, ...], Outcome] = {}
        self.before_harm: dict[tuple[object, ...], Outcome] = {}
        self.elements = ElementSplit(protocol)
        # batch.py's JSON of the element split and of an allowance's summary
        self.element_json: dict[tuple[str, str | None, str], ElementJson] = {}
        self.summaries: dict[tuple[str, str, str, str], bytes] = {}


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


def standing_findings(protocol: Protocol, request: Request) -> Standing:
    """Rules 1.x, as `evaluate` runs them: whether the protocol is in force, then the parties."""
    ctx = Context(protocol=protocol, request=request)
    ctx.add(standing.protocol_in_force(ctx))
    if ctx.denied:
        return Standing(tuple(ctx.findings), ctx.interim, True, True)
    for finding in standing.parties_may_share(ctx):
        ctx.add(finding)
    return Standing(tuple(ctx.findings), ctx.interim, ctx.denied, False)


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


def _standing(kept: Tables, request: Request) -> Standing:
    memo = kept.standing
    key = (bisect_right(kept.breaks, request.at), request.sender, request.recipient)
    found = memo.get(key)
    if found is None:
        found = _kind(kept, standing_findings(kept.protocol, request))
        if len(memo) < _STANDING_MAX:
            memo[canon.key(key)] = found
    return found


def rule_findings(
    kept: Tables, request: Request, interim: bool, rules: tuple[Rule, ...]
) -> Outcome:
    """The findings of `rules` (some of those after 1.x), in order, and whether one denies."""
    ctx = Context(protocol=kept.protocol, request=request)
    ctx.interim = interim
    denied = False
    for rule in rules:
        finding = rule(ctx)
        if finding is not None:
            ctx.findings.append(finding)
            denied = denied or finding.denies
    return Outcome(tuple(ctx.findings), denied)


def _rules_for(kept: Tables, request: Request, interim: bool) -> tuple[Rule, ...]:
    key = (request.purpose, request.legal_basis, interim)
    return kept.rules.get(key) or RULES_FOR_BASIS[request.legal_basis]


def _outcome(
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
        rules = tuple(r for r in _rules_for(kept, request, interim) if r not in HARM_RULES)
        before = rule_findings(kept, request, interim, rules)
        if len(kept.before_harm) < _OUTCOMES_MAX:
            kept.before_harm[before_key] = before
    harm = rule_findings(kept, request, interim, HARM_RULES)
    if not harm.findings:
        return before
    return Outcome(before.findings + harm.findings, before.denied or harm.denied)


def evaluate(protocol: Protocol, request: Request) -> Decision:
    kept = tables(protocol)
    found = _standing(kept, request)
    interim = found.interim
    denied = found.denied
    findings = list(found.findings)
    if not found.stopped:
        outcome = _outcome(kept, request, interim)
        findings += outcome.findings
        denied = denied or outcome.denied
    withheld: list[Withheld] = []
    if denied:
        return _denial(protocol, request, findings, withheld)
    share = kept.elements.split(request.purpose, request.service, request.elements, withheld)
    if not share:
        return _denial(protocol, request, findings, withheld)
    return _allowance(
        protocol, request, interim=interim, findings=findings, withheld=withheld, share=share
    )


def _label(protocol: Protocol, request: Request, findings: list[Finding]) -> str | None:
    for finding in findings:
        if finding.code is Code.LABEL_STIGMATISING:
            return protocol.settings.neutral_label
    return request.label


def _withheld_codes(findings: list[Finding], withheld: list[Withheld]) -> list[Finding]:
    """One reason for each element code; a refusal's own code is already a reason."""
    if not withheld:
        return []
    present = {finding.code for finding in findings}
    codes = dict.fromkeys(w.code for w in withheld if w.code not in present)
    return [note(code) for code in codes]


def _first_refusal(findings: list[Finding]) -> Code | None:
    for finding in findings:
        if finding.denies:
            return finding.code
    return None


def _denial(
    protocol: Protocol, request: Request, findings: list[Finding], withheld: list[Withheld]
) -> Decision:
    # Computed before the refused elements are added: their code is a refusal's, already given.
    extra = _withheld_codes(findings, withheld)
    first = _first_refusal(findings)
    if first is not None:
        held = {w.element for w in withheld}
        withheld += [Withheld(e, first) for e in request.elements if e not in held]
    return Decision(
        decision=DENY,
        share=(),
        withheld=tuple(withheld),
        findings=tuple(findings + extra) if extra else tuple(findings),
        obligations=(),
        label=_label(protocol, request, findings),
    )


def _name_of(protocol: Protocol, participant_id: str) -> str:
    participant = protocol.participants.get(participant_id)
    return participant.name if participant else participant_id


def _allowance(
    protocol: Protocol,
    request: Request,
    *,
    interim: bool,
    findings: list[Finding],
    withheld: list[Withheld],
    share: list[str],
) -> Decision:
    summary = Finding(
        Code.SHARING_ALLOWED,
        False,
        (
            ("recipient", _name_of(protocol, request.recipient)),
            ("purpose", request.service or request.purpose),
            ("basis", request.legal_basis),
        ),
    )
    return Decision(
        decision=ALLOW,
        share=tuple(share),
        withheld=tuple(withheld),
        findings=(summary, *findings, *_withheld_codes(findings, withheld)),
        obligations=OBLIGATIONS_FOR[request.legal_basis in EXCEPTIONAL_BASES, interim],
        label=_label(protocol, request, findings),
    )

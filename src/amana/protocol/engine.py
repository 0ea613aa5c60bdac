"""`evaluate(protocol, request) -> Decision`: every rule of rules.md, deny unless a rule allows."""

from __future__ import annotations

from collections.abc import Callable

from amana.protocol.codes import Code, Obligation
from amana.protocol.decision import ALLOW, DENY, Decision
from amana.protocol.findings import Context, Finding, Withheld, note
from amana.protocol.model import Protocol, Request
from amana.protocol.rules import basis, harm, purpose, standing
from amana.protocol.rules.elements import ElementSplit
from amana.protocol.vocabulary import (
    BASES_FOR_PURPOSE,
    EXCEPTIONAL_BASES,
    INDIRECT_PURPOSES,
    PURPOSES,
)

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


# findings, interim, denied, stopped (not in force: no other rule runs)
Standing = tuple[tuple[Finding, ...], bool, bool, bool]


class Tables:
    """What the engine derives from one protocol, on its first request.

    `rules`: `RULES_FOR` narrowed by what the protocol enables. `standing`: the findings of rules
    1.x, which read nothing of a request but its date, sender and recipient, for each exact
    `(date, sender, recipient)` met (bounded). `elements`: the element split per purpose and
    service (see `rules.elements.ElementSplit`).
    """

    __slots__ = ("elements", "protocol", "rules", "standing")

    def __init__(self, protocol: Protocol) -> None:
        self.protocol = protocol
        self.rules = {
            key: tuple(r for r in rules if _may_find_under(r, protocol, key[0]))
            for key, rules in RULES_FOR.items()
        }
        self.standing: dict[tuple[object, str, str], Standing] = {}
        self.elements = ElementSplit(protocol)


_TABLES: dict[int, Tables] = {}
_STANDING_MAX = 50_000


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
        return tuple(ctx.findings), ctx.interim, True, True
    for finding in standing.parties_may_share(ctx):
        ctx.add(finding)
    return tuple(ctx.findings), ctx.interim, ctx.denied, False


def _standing(kept: Tables, request: Request) -> Standing:
    memo = kept.standing
    key = (request.at, request.sender, request.recipient)
    found = memo.get(key)
    if found is None:
        found = standing_findings(kept.protocol, request)
        if len(memo) < _STANDING_MAX:
            memo[key] = found
    return found


def evaluate(protocol: Protocol, request: Request) -> Decision:
    kept = tables(protocol)
    ctx = Context(protocol=protocol, request=request)
    found, ctx.interim, denied, stopped = _standing(kept, request)
    findings = ctx.findings
    findings.extend(found)
    if not stopped:
        key = (request.purpose, request.legal_basis, ctx.interim)
        for rule in kept.rules.get(key) or RULES_FOR_BASIS[request.legal_basis]:
            finding = rule(ctx)
            if finding is not None:
                findings.append(finding)
                denied = denied or finding.denies
    ctx.denied = denied
    if denied:
        return _denial(ctx)
    share = kept.elements.split(request.purpose, request.service, request.elements, ctx.withheld)
    if not share:
        return _denial(ctx)
    return _allowance(ctx, share)


def _label(ctx: Context) -> str | None:
    for finding in ctx.findings:
        if finding.code is Code.LABEL_STIGMATISING:
            return ctx.protocol.settings.neutral_label
    return ctx.request.label


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


def _denial(ctx: Context) -> Decision:
    findings = ctx.findings
    withheld = ctx.withheld
    # Computed before the refused elements are added: their code is a refusal's, already given.
    extra = _withheld_codes(findings, withheld)
    first = _first_refusal(findings)
    if first is not None:
        held = {w.element for w in withheld}
        withheld += [Withheld(e, first) for e in ctx.request.elements if e not in held]
    return Decision(
        decision=DENY,
        share=(),
        withheld=tuple(withheld),
        findings=tuple(findings + extra) if extra else tuple(findings),
        obligations=(),
        label=_label(ctx),
    )


def _allowance(ctx: Context, share: list[str]) -> Decision:
    request = ctx.request
    summary = Finding(
        Code.SHARING_ALLOWED,
        False,
        (
            ("recipient", ctx.name_of(request.recipient)),
            ("purpose", request.service or request.purpose),
            ("basis", request.legal_basis),
        ),
    )
    return Decision(
        decision=ALLOW,
        share=tuple(share),
        withheld=tuple(ctx.withheld),
        findings=(summary, *ctx.findings, *_withheld_codes(ctx.findings, ctx.withheld)),
        obligations=OBLIGATIONS_FOR[request.legal_basis in EXCEPTIONAL_BASES, ctx.interim],
        label=_label(ctx),
    )

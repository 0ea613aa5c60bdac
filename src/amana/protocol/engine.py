"""`evaluate(protocol, request) -> Decision`: every rule of rules.md, deny unless a rule allows."""

from __future__ import annotations

from collections.abc import Callable

from amana.protocol.codes import Code, Obligation
from amana.protocol.decision import ALLOW, DENY, Decision
from amana.protocol.findings import Context, Finding, Withheld, note
from amana.protocol.model import Protocol, Request
from amana.protocol.rules import basis, harm, purpose, standing
from amana.protocol.rules.elements import split_elements
from amana.protocol.vocabulary import BASES_FOR_PURPOSE, EXCEPTIONAL_BASES, PURPOSES

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


def _may_find(rule: Rule, purpose: str, interim: bool) -> bool:
    if rule in ONLY_IN_INTERIM and not interim:
        return False
    if rule in NEED_A_BASIS_CHECK and purpose not in CHECKED_PURPOSES:
        return False
    return purpose in ONLY_FOR_PURPOSES.get(rule, frozenset({purpose}))


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


# findings, interim, denied, stopped (not in force: no other rule runs)
Standing = tuple[tuple[Finding, ...], bool, bool, bool]
# Rules 1.x read nothing of a request but its date, sender and recipient: their findings are
# kept per protocol for each (date, sender, recipient) met, an exact key (see `_standing`).
_STANDING: dict[int, tuple[Protocol, dict[tuple[object, str, str], Standing]]] = {}
_STANDING_MAX = 50_000


def standing_findings(protocol: Protocol, request: Request) -> Standing:
    """Rules 1.x, as `evaluate` runs them: whether the protocol is in force, then the parties."""
    ctx = Context(protocol=protocol, request=request)
    ctx.add(standing.protocol_in_force(ctx))
    if ctx.denied:
        return tuple(ctx.findings), ctx.interim, True, True
    for finding in standing.parties_may_share(ctx):
        ctx.add(finding)
    return tuple(ctx.findings), ctx.interim, ctx.denied, False


def _standing(protocol: Protocol, request: Request) -> Standing:
    kept = _STANDING.get(id(protocol))
    if kept is None or kept[0] is not protocol:
        if len(_STANDING) >= 8:
            _STANDING.clear()
        kept = _STANDING[id(protocol)] = (protocol, {})
    memo = kept[1]
    key = (request.at, request.sender, request.recipient)
    found = memo.get(key)
    if found is None:
        found = standing_findings(protocol, request)
        if len(memo) < _STANDING_MAX:
            memo[key] = found
    return found


def evaluate(protocol: Protocol, request: Request) -> Decision:
    ctx = Context(protocol=protocol, request=request)
    found, ctx.interim, denied, stopped = _standing(protocol, request)
    findings = ctx.findings
    findings.extend(found)
    if not stopped:
        key = (request.purpose, request.legal_basis, ctx.interim)
        for rule in RULES_FOR.get(key) or RULES_FOR_BASIS[request.legal_basis]:
            finding = rule(ctx)
            if finding is not None:
                findings.append(finding)
                denied = denied or finding.denies
    ctx.denied = denied
    share = [] if denied else split_elements(ctx)
    if denied or not share:
        return _denial(ctx)
    return _allowance(ctx, share)


def _label(ctx: Context) -> str | None:
    if any(f.code is Code.LABEL_STIGMATISING for f in ctx.findings):
        return ctx.protocol.settings.neutral_label
    return ctx.request.label


def _withheld_codes(ctx: Context) -> list[Finding]:
    """One reason for each element code; a refusal's own code is already a reason."""
    present = {finding.code for finding in ctx.findings}
    codes = dict.fromkeys(w.code for w in ctx.withheld if w.code not in present)
    return [note(code) for code in codes]


def _denial(ctx: Context) -> Decision:
    first = next((f.code for f in ctx.findings if f.denies), None)
    held = {w.element for w in ctx.withheld}
    if first is not None:
        ctx.withheld.extend(Withheld(e, first) for e in ctx.request.elements if e not in held)
    return Decision(
        decision=DENY,
        share=(),
        withheld=tuple(ctx.withheld),
        findings=tuple(ctx.findings + _withheld_codes(ctx)),
        obligations=(),
        label=_label(ctx),
    )


def _allowance(ctx: Context, share: list[str]) -> Decision:
    request = ctx.request
    summary = note(
        Code.SHARING_ALLOWED,
        recipient=ctx.name_of(request.recipient),
        purpose=request.service or request.purpose,
        basis=request.legal_basis,
    )
    obligations = list(BASE_OBLIGATIONS)
    if request.legal_basis in EXCEPTIONAL_BASES:
        obligations.append(Obligation.EXPLAIN_EXCEPTIONAL)
    if ctx.interim:
        obligations.append(Obligation.INTERIM_REVIEW)
    return Decision(
        decision=ALLOW,
        share=tuple(share),
        withheld=tuple(ctx.withheld),
        findings=(summary, *ctx.findings, *_withheld_codes(ctx)),
        obligations=tuple(obligations),
        label=_label(ctx),
    )

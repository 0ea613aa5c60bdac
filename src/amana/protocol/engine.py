"""`evaluate(protocol, request) -> Decision`: every rule of rules.md, deny unless a rule allows."""

from __future__ import annotations

from collections.abc import Callable

from amana.protocol.codes import Code, Obligation
from amana.protocol.decision import ALLOW, DENY, Decision
from amana.protocol.findings import Context, Finding, Withheld, note
from amana.protocol.model import Protocol, Request
from amana.protocol.rules import basis, harm, purpose, standing
from amana.protocol.rules.elements import split_elements
from amana.protocol.vocabulary import EXCEPTIONAL_BASES

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


def evaluate(protocol: Protocol, request: Request) -> Decision:
    ctx = Context(protocol=protocol, request=request)
    ctx.add(standing.protocol_in_force(ctx))
    if not ctx.denied:
        for finding in standing.parties_may_share(ctx):
            ctx.add(finding)
        for rule in PURPOSE_RULES + BASIS_RULES[request.legal_basis] + HARM_RULES:
            ctx.add(rule(ctx))
    share = [] if ctx.denied else split_elements(ctx)
    if ctx.denied or not share:
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

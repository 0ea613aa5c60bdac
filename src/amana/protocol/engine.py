"""`evaluate(protocol, request) -> Decision`: every rule of rules.md, deny unless a rule allows.

The plain loop, read top to bottom: rules 1.x (is a protocol in force, may these parties share,
is the case within its scope), then the rules `catalogue.rules_for` lists for the request's
purpose and basis, in order, then the split of the elements. Nothing is kept from one request to
the next. `amana check --batch` decides through `amana.protocol.fast`, which remembers what these
rules found and is held to this loop by the property tests; this module never imports it.
"""

from __future__ import annotations

from amana.protocol.catalogue import rules_for
from amana.protocol.codes import Code, Obligation
from amana.protocol.decision import ALLOW, DENY, Decision
from amana.protocol.findings import Context, Finding, Withheld, deny, note
from amana.protocol.model import Protocol, Request
from amana.protocol.rules import standing
from amana.protocol.rules.elements import split_elements
from amana.protocol.vocabulary import EXCEPTIONAL_BASES

BASE_OBLIGATIONS = (
    Obligation.RECORD_BASIS,
    Obligation.INFORM_SUBJECT,
    Obligation.NO_ONWARD_SHARING,
    Obligation.REPORT_BREACH,
)
# The obligations of an allowance, by (exceptional basis, interim).
OBLIGATIONS_FOR: dict[tuple[bool, bool], tuple[Obligation, ...]] = {
    (exceptional, interim): BASE_OBLIGATIONS
    + ((Obligation.EXPLAIN_EXCEPTIONAL,) if exceptional else ())
    + ((Obligation.INTERIM_REVIEW,) if interim else ())
    for exceptional in (False, True)
    for interim in (False, True)
}


def evaluate(protocol: Protocol, request: Request) -> Decision:
    """The decision on one proposed disclosure, with its reasons and obligations."""
    ctx = Context(protocol=protocol, request=request)
    if standing_findings(ctx):
        enabled = request.purpose in protocol.purposes
        for rule in rules_for(request.purpose, request.legal_basis, ctx.interim, enabled):
            ctx.add(rule(ctx))
    if ctx.denied:
        return _denial(ctx)
    share = split_elements(ctx)
    if not share:
        return _denial(ctx)
    return _allowance(ctx, share)


def standing_findings(ctx: Context) -> bool:
    """Rules 1.x, which read nothing of a request but its date, parties and area: whether the
    protocol is in force (if not, no other rule runs), then the parties, then the scope."""
    ctx.add(standing.protocol_in_force(ctx))
    if ctx.denied:
        return False
    for finding in standing.parties_may_share(ctx):
        ctx.add(finding)
    ctx.add(standing.area_in_scope(ctx))
    return True


def no_protocol_decision() -> Decision:
    """The decision where no protocol is found: deny, share nothing, with the one reason
    `protocol.unknown` (the web's answer for an unknown protocol id)."""
    return Decision(
        decision=DENY,
        share=(),
        withheld=(),
        findings=(deny(Code.PROTOCOL_UNKNOWN),),
        obligations=(),
        label=None,
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


def _denial(ctx: Context) -> Decision:
    request, findings, withheld = ctx.request, ctx.findings, ctx.withheld
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
        label=_label(ctx.protocol, request, findings),
    )


def name_of(protocol: Protocol, participant_id: str) -> str:
    participant = protocol.participants.get(participant_id)
    return participant.name if participant else participant_id


def _allowance(ctx: Context, share: list[str]) -> Decision:
    protocol, request, findings, withheld = ctx.protocol, ctx.request, ctx.findings, ctx.withheld
    summary = Finding(
        Code.SHARING_ALLOWED,
        False,
        (
            ("recipient", name_of(protocol, request.recipient)),
            ("purpose", request.service or request.purpose),
            ("basis", request.legal_basis),
        ),
    )
    return Decision(
        decision=ALLOW,
        share=tuple(share),
        withheld=tuple(withheld),
        findings=(summary, *findings, *_withheld_codes(findings, withheld)),
        obligations=OBLIGATIONS_FOR[request.legal_basis in EXCEPTIONAL_BASES, ctx.interim],
        label=_label(protocol, request, findings),
    )

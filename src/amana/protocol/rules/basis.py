"""Rules 3.x: the legitimate basis fits the purpose and the facts on record."""

from __future__ import annotations

from amana.protocol.codes import Code
from amana.protocol.findings import Context, Finding, deny, note
from amana.protocol.rules.consent import AGREEING
from amana.protocol.vocabulary import BASES_FOR_PURPOSE, EXCEPTIONAL_BASES

CONSENT_ONLY = frozenset({"consent"})
CLOSED_CASE_PURPOSES = frozenset({"closed_case_access", "closed_case_archive"})


def _checks_basis(ctx: Context) -> bool:
    return ctx.request.purpose in BASES_FOR_PURPOSE and ctx.request.purpose != "feedback_process"


def process_feedback_needs_no_consent(ctx: Context) -> Finding | None:
    """R4.3: pending/accepted/rejected and dates go without consent."""
    if ctx.request.purpose != "feedback_process":
        return None
    return note(Code.FEEDBACK_PROCESS_ONLY)


def basis_fits_purpose(ctx: Context) -> Finding | None:
    """R3, R4: each purpose accepts only some bases (mandate only for investigations, R3.5;
    process feedback any but mandate, R4.3)."""
    request = ctx.request
    accepted = BASES_FOR_PURPOSE.get(request.purpose)
    if accepted is None or request.legal_basis in accepted:
        return None
    return deny(
        Code.BASIS_INVALID, basis=request.legal_basis, purpose=request.purpose, why="purpose"
    )


def best_interests_only_for_children(ctx: Context) -> Finding | None:
    """R3.2: the best-interests basis applies to children only."""
    if ctx.request.legal_basis != "best_interests" or not _checks_basis(ctx):
        return None
    if ctx.request.subject.is_child:
        return None
    return deny(Code.BASIS_INVALID, basis="best_interests", why="adult")


def caregiver_can_be_asked(ctx: Context) -> Finding | None:
    """R3.1: consent is the wrong basis when the caregiver cannot or should not be asked."""
    subject = ctx.request.subject
    if ctx.request.legal_basis != "consent" or not _checks_basis(ctx) or not subject.is_child:
        return None
    if subject.caregiver_reachable and subject.informing_caregiver_in_best_interests:
        return None
    return deny(Code.BASIS_INVALID, basis="consent", why="caregiver")


def consent_given(ctx: Context) -> Finding | None:
    """R3.1, R2.3: the caregiver (or the adult subject) consented to this purpose and recipient."""
    request = ctx.request
    if request.legal_basis != "consent" or not _checks_basis(ctx):
        return None
    giver = "caregiver" if request.subject.is_child else "adult_subject"
    if ctx.consents.has_agreement(giver, CONSENT_ONLY):
        return None
    return deny(Code.CONSENT_MISSING, giver=giver, recipient=ctx.name_of(request.recipient))


def child_assented(ctx: Context) -> Finding | None:
    """R3.1: a child from the protocol's assent age has assented."""
    request = ctx.request
    subject = request.subject
    if request.legal_basis != "consent" or not _checks_basis(ctx) or not subject.is_child:
        return None
    if subject.age < ctx.protocol.settings.assent_from_age:
        return None
    if ctx.consents.has_agreement("child", AGREEING):
        return None
    return deny(Code.ASSENT_MISSING, age=str(ctx.protocol.settings.assent_from_age))


def archive_consent_at_intake_and_closure(ctx: Context) -> Finding | None:
    """R4.5: archiving on consent needs consent asked at intake and reconfirmed at closure."""
    request = ctx.request
    if request.purpose != "closed_case_archive" or request.legal_basis != "consent":
        return None
    giver = "caregiver" if request.subject.is_child else "adult_subject"
    if {"intake", "closure"} <= ctx.consents.stages(giver):
        return None
    return deny(
        Code.CONSENT_MISSING, giver=giver, recipient=ctx.name_of(request.recipient), why="stages"
    )


def nobody_refused(ctx: Context) -> Finding | None:
    """R3.1, R4.5: a standing refusal or withdrawal stops consent-based and closed-case sharing."""
    request = ctx.request
    if not _checks_basis(ctx):
        return None
    if request.legal_basis != "consent" and request.purpose not in CLOSED_CASE_PURPOSES:
        return None
    for giver in ("child", "caregiver", "adult_subject"):
        if giver in ctx.consents.refused:
            return deny(Code.CONSENT_REFUSED, giver=giver)
    return None


def best_interests_supports(ctx: Context) -> Finding | None:
    """R3.2: a recorded best-interests assessment supports this sharing."""
    request = ctx.request
    if request.legal_basis != "best_interests" or not _checks_basis(ctx):
        return None
    bia = request.best_interests
    if (
        bia is not None
        and bia.supports_sharing
        and bia.assessed_on is not None
        and bia.assessed_on <= request.at
    ):
        return None
    return deny(Code.BEST_INTERESTS_NOT_DETERMINED)


def closed_case_not_against_best_interests(ctx: Context) -> Finding | None:
    """R4.5: no closed case is shared where an assessment found it against the child."""
    request = ctx.request
    bia = request.best_interests
    if request.purpose not in CLOSED_CASE_PURPOSES or bia is None or bia.supports_sharing:
        return None
    if request.legal_basis == "best_interests":
        return None  # reported by best_interests_supports
    return deny(Code.BEST_INTERESTS_NOT_DETERMINED, why="against")


def _needs_risk_assessment(ctx: Context) -> bool:
    basis = ctx.request.legal_basis
    return _checks_basis(ctx) and (basis in EXCEPTIONAL_BASES or basis == "mandate")


def risk_assessed(ctx: Context) -> Finding | None:
    """R3.3 to R3.5: exceptional sharing needs a recorded benefit/risk assessment."""
    if not _needs_risk_assessment(ctx):
        return None
    exceptional = ctx.request.exceptional
    if exceptional is not None and exceptional.risk_assessment:
        return None
    return deny(Code.EXCEPTIONAL_NO_RISK_ASSESSMENT, basis=ctx.request.legal_basis)


def recipient_safe(ctx: Context) -> Finding | None:
    """R3.3, R3.4: the recipient was assessed as safe for this disclosure."""
    if not _checks_basis(ctx) or ctx.request.legal_basis not in EXCEPTIONAL_BASES:
        return None
    exceptional = ctx.request.exceptional
    if exceptional is not None and exceptional.recipient_assessed_safe:
        return None
    return deny(Code.EXCEPTIONAL_RECIPIENT_UNSAFE, recipient=ctx.name_of(ctx.request.recipient))

"""The only read path for exceptional circumstances.

A person reads a case's exceptional circumstances when they work on the case (need-to-know, as
`amana.cases.access`) and their roles see its protection data; a supervisor holding
CONSENT_OVERRIDE sees those waiting for their decision on the cases they work on. Anything else
is "not found", whether it exists or not.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import write_read_entry
from amana.audit.lookup import fetch_or_not_found
from amana.cases.access import can_see, visible_cases, visible_classes
from amana.cases.models import Case, Sensitivity
from amana.sharing.models import ExceptionalCircumstance

# The legitimate basis each kind of circumstance supports (rules.md R3.3 to R3.5).
BASIS_OF_KIND: dict[str, str] = {
    ExceptionalCircumstance.Kind.VITAL_INTERESTS.value: "vital_interests",
    ExceptionalCircumstance.Kind.SAFETY_SECURITY.value: "safety_security",
    ExceptionalCircumstance.Kind.MANDATE_INVESTIGATION.value: "mandate",
}
KIND_OF_BASIS: dict[str, str] = {basis: kind for kind, basis in BASIS_OF_KIND.items()}


class CircumstanceNotFound(Http404):
    """No such record for this user, whether it does not exist or is not theirs to see."""


def may_read_circumstances(actor: User, case: Case) -> bool:
    return Sensitivity.PROTECTION in visible_classes(actor) and can_see(actor, case)


def circumstances_of_case(actor: User, case: Case) -> list[ExceptionalCircumstance]:
    """The case's records, newest first, for an actor who opened it (visibility re-checked)."""
    if not may_read_circumstances(actor, case):
        return []
    return list(
        ExceptionalCircumstance.objects.filter(case=case)
        .select_related("requested_by", "decided_by")
        .order_by("-requested_at")
    )


def awaiting_decision(actor: User) -> QuerySet[ExceptionalCircumstance]:
    """Pending records this supervisor may decide: cases they work on, recorded by someone else."""
    if not actor.has_permission(Perm.CONSENT_OVERRIDE) or not actor.is_active:
        return ExceptionalCircumstance.objects.none()
    if Sensitivity.PROTECTION not in visible_classes(actor):
        return ExceptionalCircumstance.objects.none()
    return (
        ExceptionalCircumstance.objects.filter(
            status=ExceptionalCircumstance.Status.PENDING, case__in=visible_cases(actor)
        )
        .exclude(requested_by=actor)
        .select_related("case", "requested_by")
        .order_by("requested_at")
    )


def access_circumstance(
    actor: User, record_id: object, *, origin: str = ""
) -> ExceptionalCircumstance:
    """One record the actor may read, the read audited; CircumstanceNotFound otherwise."""
    record = fetch_or_not_found(
        actor,
        ExceptionalCircumstance.objects.select_related(
            "case", "case__agency", "requested_by", "decided_by"
        ),
        record_id,
        action="exceptional.view",
        object_type="exceptional",
        origin=origin,
        error=CircumstanceNotFound,
        visible=lambda found: may_read_circumstances(actor, found.case),
    )
    write_read_entry(
        actor=actor,
        action="exceptional.view",
        object_type="exceptional",
        object_id=record.pk,
        origin=origin,
        details={"case": str(record.case_id)},
    )
    return record


def exceptional_days() -> int:
    """How many days an approval counts (`AMANA_EXCEPTIONAL_DAYS`, default 7)."""
    return int(settings.AMANA_EXCEPTIONAL_DAYS)


def approved_for(
    case: Case, *, recipient: str, legal_basis: str, at: date
) -> ExceptionalCircumstance | None:
    """The newest approved record supporting this basis for this recipient, approved on `at` or
    in the `exceptional_days()` before it (an emergency is judged afresh once that is over).

    For the write paths that ask the engine on the actor's behalf (they checked the actor may
    act on the case). None when the basis is not an exceptional one.
    """
    kind = KIND_OF_BASIS.get(legal_basis)
    if kind is None:
        return None
    return (
        ExceptionalCircumstance.objects.filter(
            case=case,
            kind=kind,
            recipient=recipient,
            status=ExceptionalCircumstance.Status.APPROVED,
            decided_at__date__lte=at,
            decided_at__date__gte=at - timedelta(days=exceptional_days()),
        )
        .defer("description", "risk_assessment", "decision_note")
        .order_by("-decided_at")
        .first()
    )

"""The only read path for consent records.

A person sees a case's consent records when they can see the case (need-to-know, as
`amana.cases.access`) and their roles see its protection data: who agreed to share what with
whom says much about the case. `engine_consents` gives the records to the protocol engine in the
contract's request format; `reverification_due` says when consent should be asked again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from amana.accounts.models import Agency, User
from amana.audit.log import write_read_entry
from amana.audit.lookup import fetch_or_not_found
from amana.cases.access import can_see, visible_classes
from amana.cases.models import Case, Sensitivity
from amana.consent.models import ConsentRecord
from amana.protocol.model import ConsentRecord as EngineConsent

# The contract knows three givers: a relative caring for a separated child consents as the
# caregiver does (TN "Consent"; rules.md R3.1).
CONTRACT_GIVER = {ConsentRecord.Giver.RELATIVE.value: ConsentRecord.Giver.CAREGIVER.value}
AGREEING = frozenset({ConsentRecord.Kind.CONSENT.value, ConsentRecord.Kind.ASSENT.value})

TRANSFERRED = "case transferred"
CLOSING = "case closing"


class ConsentNotFound(Http404):
    """No such record for this user, whether it does not exist or is not theirs to see."""


def may_read_consents(actor: User, case: Case) -> bool:
    """The actor works on the case and sees its protection data."""
    return Sensitivity.PROTECTION in visible_classes(actor) and can_see(actor, case)


def consent_history(actor: User, case: Case) -> list[ConsentRecord]:
    """The case's records, oldest first, for an actor who opened it (visibility re-checked)."""
    if not may_read_consents(actor, case):
        return []
    return list(
        ConsentRecord.objects.filter(case=case)
        .select_related("explained_by", "recorded_by")
        .order_by("given_on", "recorded_at")
    )


def access_record(actor: User, record_id: object, *, origin: str = "") -> ConsentRecord:
    """One record the actor may read, the read audited; ConsentNotFound otherwise (audited)."""
    record = fetch_or_not_found(
        actor,
        ConsentRecord.objects.select_related("case", "case__agency", "explained_by"),
        record_id,
        action="consent.view",
        object_type="consent",
        origin=origin,
        error=ConsentNotFound,
        visible=lambda found: may_read_consents(actor, found.case),
    )
    write_read_entry(
        actor=actor,
        action="consent.view",
        object_type="consent",
        object_id=record.pk,
        origin=origin,
        details={"case": str(record.case_id)},
    )
    return record


def as_contract(record: ConsentRecord) -> dict[str, Any]:
    """One record as a `consents` item of the contract's sharing request."""
    item: dict[str, Any] = {
        "given_by": CONTRACT_GIVER.get(record.given_by, record.given_by),
        "kind": record.kind,
        "purposes": list(record.purposes),
        "recipients": list(record.recipients),
        "on": record.given_on.isoformat(),
        "stage": record.stage,
    }
    if record.services:
        item["services"] = list(record.services)
    return item


def _given_by(case: Case, at: date) -> QuerySet[ConsentRecord]:
    return (
        ConsentRecord.objects.filter(case=case, given_on__lte=at)
        .only("given_by", "kind", "purposes", "recipients", "services", "given_on", "stage")
        .order_by("given_on", "recorded_at")
    )


def engine_consents(case: Case, at: date) -> list[dict[str, Any]]:
    """The case's records given on or before `at`, oldest first, in the contract's format (as
    the sharing ledger and exports show them). The notes never leave."""
    return [as_contract(record) for record in _given_by(case, at)]


def engine_consent_records(case: Case, at: date) -> tuple[EngineConsent, ...]:
    """The same records as the engine's typed values, for the disclosure path
    (`sharing.disclosure`), which has checked the actor may act on the case."""
    return tuple(
        EngineConsent(
            given_by=CONTRACT_GIVER.get(record.given_by, record.given_by),  # type: ignore[arg-type]
            kind=record.kind,  # type: ignore[arg-type]
            purposes=frozenset(record.purposes),
            recipients=frozenset(record.recipients),
            services=frozenset(record.services) if record.services else None,
            on=record.given_on,
            stage=record.stage,  # type: ignore[arg-type]
        )
        for record in _given_by(case, at)
    )


@dataclass(frozen=True)
class ConsentFact:
    """What re-verification needs to know of one record."""

    given_by: str
    kind: str
    given_on: date
    stage: str
    purposes: tuple[str, ...] = ()


def reverification_reasons(
    *,
    status: str,
    stage: str,
    changed_on: date | None,
    records: Sequence[ConsentFact],
    today: date,
    max_age_days: int,
    received_on: date | None = None,
) -> list[str]:
    """Why consent should be asked again (TN "Consent can be fluid"; rules.md R4.5).

    - "case transferred": the case was transferred and nothing was recorded since
      (`changed_on`, the day it left the agency's care; when unknown, the prompt stays), or the
      case arrived by transfer on `received_on` and nothing was recorded on it since;
    - "case closing": closure is requested or done and nobody's word was recorded at closure
      (archiving needs consent asked at intake and confirmed at closure);
    - "older than N days": for some giver and purpose, the latest word is an agreement given
      more than N days ago (a refusal or withdrawal naming no purpose covers them all).
    """
    reasons: list[str] = []
    left = status == Case.Status.TRANSFERRED and not _recorded_since(records, changed_on)
    arrived = received_on is not None and not _recorded_since(records, received_on)
    if left or arrived:
        reasons.append(TRANSFERRED)
    closing = stage == Case.Stage.CLOSURE_REQUESTED or status == Case.Status.CLOSED
    if closing and not any(r.stage == ConsentRecord.Stage.CLOSURE for r in records):
        reasons.append(CLOSING)
    if _stale_agreement(records, today - timedelta(days=max_age_days)):
        reasons.append(f"older than {max_age_days} days")
    return reasons


def _recorded_since(records: Sequence[ConsentFact], day: date | None) -> bool:
    """Someone's word was recorded on or after `day` (never, when the day is unknown)."""
    return day is not None and any(r.given_on >= day for r in records)


def _stale_agreement(records: Sequence[ConsentFact], oldest_allowed: date) -> bool:
    """Whether some giver's standing agreement to some purpose was given before the limit."""
    standing: dict[tuple[str, str], date] = {}
    for record in sorted(records, key=lambda r: (r.given_on, r.kind not in AGREEING)):
        giver = CONTRACT_GIVER.get(record.given_by, record.given_by)
        if record.kind in AGREEING:
            for purpose in record.purposes:
                standing[(giver, purpose)] = record.given_on
            continue
        for key in [key for key in standing if key[0] == giver]:
            if not record.purposes or key[1] in record.purposes:
                del standing[key]
    return any(day < oldest_allowed for day in standing.values())


def reverification_due(case: Case, *, today: date, max_age_days: int) -> list[str]:
    """`reverification_reasons` for a stored case and its records."""
    records = [
        ConsentFact(r.given_by, r.kind, r.given_on, r.stage, tuple(r.purposes))
        for r in ConsentRecord.objects.filter(case=case).only(
            "given_by", "kind", "given_on", "stage", "purposes"
        )
    ]
    changed_on = case.closed_at.date() if case.closed_at else None
    return reverification_reasons(
        status=case.status,
        stage=case.stage,
        changed_on=changed_on,
        records=records,
        today=today,
        max_age_days=max_age_days,
        received_on=_received_on(case),
    )


def _received_on(case: Case) -> date | None:
    """The day the case arrived by an accepted transfer; None when it began here."""
    return timezone.localtime(case.received_at).date() if case.received_at else None


def recipient_names(
    ids: Iterable[str], participants: dict[str, str] | None = None
) -> dict[str, str]:
    """Display names for recipient ids: the protocol's participant names, else agency names."""
    wanted = set(ids)
    names = {key: value for key, value in (participants or {}).items() if key in wanted}
    missing = wanted - set(names)
    if missing:
        names.update(Agency.objects.filter(slug__in=missing).values_list("slug", "name"))
    return names

"""Rule 3.1: consent by the right person for this purpose, recipient and service, still standing."""

from __future__ import annotations

from amana.protocol.model import ConsentRecord, Request

AGREEING = frozenset({"consent", "assent"})
REFUSING = frozenset({"refusal", "withdrawal"})


def covers(record: ConsentRecord, request: Request) -> bool:
    """A consent or assent names this purpose and recipient (and service, if it lists any)."""
    if request.purpose not in record.purposes:
        return False
    if request.recipient not in record.recipients:
        return False
    return record.services is None or request.service in record.services


def refusal_covers(record: ConsentRecord, request: Request) -> bool:
    """A refusal or withdrawal with an empty list refuses everything that list could name."""
    if record.purposes and request.purpose not in record.purposes:
        return False
    if record.recipients and request.recipient not in record.recipients:
        return False
    return not record.services or request.service in record.services


def standing_records(request: Request, giver: str) -> list[ConsentRecord]:
    """The giver's agreements that still stand: on or before the date, after any refusal.

    On the same day a refusal outweighs an agreement.
    """
    relevant = [
        record
        for record in request.consents
        if record.given_by == giver and record.on <= request.at and _relevant(record, request)
    ]
    relevant.sort(key=lambda record: (record.on, record.kind in REFUSING))
    standing: list[ConsentRecord] = []
    for record in relevant:
        if record.kind in REFUSING:
            standing = []
        else:
            standing.append(record)
    return standing


def _relevant(record: ConsentRecord, request: Request) -> bool:
    if record.kind in REFUSING:
        return refusal_covers(record, request)
    return covers(record, request)


def refused_by(request: Request, giver: str) -> bool:
    """The giver's latest word on this disclosure is a refusal or withdrawal."""
    records = [
        record
        for record in request.consents
        if record.given_by == giver and record.on <= request.at and _relevant(record, request)
    ]
    if not records:
        return False
    latest = max(records, key=lambda record: (record.on, record.kind in REFUSING))
    return latest.kind in REFUSING


def has_agreement(request: Request, giver: str, kinds: frozenset[str]) -> bool:
    return any(record.kind in kinds for record in standing_records(request, giver))


def stages_agreed(request: Request, giver: str) -> frozenset[str]:
    return frozenset(record.stage for record in standing_records(request, giver))

"""Rule 3.1: consent by the right person for this purpose, recipient and service, still standing.

The consent records of a request are read once into a `ConsentState`: for each giver, the
agreements that still stand and whether the latest word is a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

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


def _relevant(record: ConsentRecord, request: Request) -> bool:
    if record.on > request.at:
        return False
    if record.kind in REFUSING:
        return refusal_covers(record, request)
    return covers(record, request)


@dataclass(slots=True)
class ConsentState:
    standing: dict[str, list[ConsentRecord]] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set)

    def has_agreement(self, giver: str, kinds: frozenset[str]) -> bool:
        return any(record.kind in kinds for record in self.standing.get(giver, ()))

    def stages(self, giver: str) -> frozenset[str]:
        return frozenset(record.stage for record in self.standing.get(giver, ()))


def read_consents(request: Request) -> ConsentState:
    """What stands for each giver, read by date: a refusal or withdrawal outweighs every
    agreement up to its day (the same day included) and the latest one is what counts; the
    agreements given after it stand, and if there are none the giver's word is a refusal."""
    state = ConsentState()
    agreements: list[ConsentRecord] = []
    last_refusal: dict[str, date] = {}
    for record in request.consents:
        if not _relevant(record, request):
            continue
        if record.kind not in REFUSING:
            agreements.append(record)
        elif record.on >= last_refusal.get(record.given_by, record.on):
            last_refusal[record.given_by] = record.on
    for record in agreements:
        if record.given_by not in last_refusal or record.on > last_refusal[record.given_by]:
            state.standing.setdefault(record.given_by, []).append(record)
    state.refused.update(giver for giver in last_refusal if giver not in state.standing)
    return state

"""Rule 3.1: consent by the right person for this purpose, recipient and service, still standing.

The consent records of a request are read once into a `ConsentState`: for each giver, the
agreements that still stand and whether the latest word is a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


def _order(record: ConsentRecord) -> tuple[object, bool]:
    """By date; on the same day a refusal comes last, so it outweighs an agreement."""
    return (record.on, record.kind in REFUSING)


@dataclass(slots=True)
class ConsentState:
    standing: dict[str, list[ConsentRecord]] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set)

    def has_agreement(self, giver: str, kinds: frozenset[str]) -> bool:
        return any(record.kind in kinds for record in self.standing.get(giver, ()))

    def stages(self, giver: str) -> frozenset[str]:
        return frozenset(record.stage for record in self.standing.get(giver, ()))


def read_consents(request: Request) -> ConsentState:
    """One pass over the records that bear on this disclosure, oldest first."""
    state = ConsentState()
    relevant = [record for record in request.consents if _relevant(record, request)]
    for record in sorted(relevant, key=_order):
        if record.kind in REFUSING:
            state.standing[record.given_by] = []
            state.refused.add(record.given_by)
        else:
            state.standing.setdefault(record.given_by, []).append(record)
            state.refused.discard(record.given_by)
    return state

"""Rules 6.x: aggregate figures — small cells suppressed, sensitive categories as percentages,
and external releases only with every data-gathering agency's authorisation and no open breach.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from amana.protocol.codes import Code
from amana.protocol.model import Protocol

SUPPRESSED = None
WRITTEN_REQUEST_PARTS = ("who", "what_for", "how_used", "feedback", "no_onward_dissemination")
ESCALATE_AFTER_WORKING_DAYS = 10


def suppress_small_cells(counts: dict[str, int], min_cell: int) -> dict[str, int | None]:
    """R6.1: cells under `min_cell` are hidden, and when only one is, the next smallest too,
    so that no hidden cell can be worked out from the total."""
    hidden = {key for key, value in counts.items() if 0 < value < min_cell}
    if len(hidden) == 1:
        others = sorted((v, k) for k, v in counts.items() if k not in hidden and v > 0)
        if others:
            hidden.add(others[0][1])
    return {key: SUPPRESSED if key in hidden else value for key, value in counts.items()}


def as_percentages(counts: dict[str, int]) -> dict[str, float]:
    """R6.2: a percent-only category is shared as shares of its total, never as numbers."""
    total = sum(counts.values())
    if total == 0:
        return {key: 0.0 for key in counts}
    return {key: round(100 * value / total, 1) for key, value in counts.items()}


def publishable(protocol: Protocol, category: str, counts: dict[str, int]) -> dict[str, object]:
    if category in protocol.settings.percent_only:
        return {"unit": "percent", "values": as_percentages(counts)}
    return {"unit": "count", "values": suppress_small_cells(counts, protocol.settings.min_cell)}


def add_working_days(start: date, days: int) -> date:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


@dataclass
class ReleaseRequest:
    """An outside request for consolidated data (ISP): who asks, why, and the answers so far."""

    at: date
    requested_on: date
    written_request: dict[str, str]
    authorisations: dict[str, bool]  # participant id → granted (True) or refused (False)


@dataclass
class ReleaseDecision:
    decision: str
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (code, detail)
    waiting_for: list[str] = field(default_factory=list)
    answers_due: date | None = None
    escalate_on: date | None = None


def _open_breaches(protocol: Protocol, at: date) -> list[str]:
    return [
        b.id
        for b in protocol.breaches
        if b.reported_on <= at and (b.resolved_on is None or b.resolved_on > at)
    ]


def _data_gatherers(protocol: Protocol) -> list[str]:
    return [p.id for p in protocol.participants.values() if "data_gathering" in p.roles]


def decide_release(protocol: Protocol, request: ReleaseRequest) -> ReleaseDecision:
    """R6.3: a written request, every data-gathering participant's yes, and no open breach."""
    result = ReleaseDecision(decision="deny")
    missing_parts = [p for p in WRITTEN_REQUEST_PARTS if not request.written_request.get(p)]
    refused = [pid for pid, granted in request.authorisations.items() if granted is False]
    waiting = [pid for pid in _data_gatherers(protocol) if pid not in request.authorisations]
    breaches = _open_breaches(protocol, request.at)
    days = protocol.settings.request_response_working_days
    result.answers_due = add_working_days(request.requested_on, days)
    result.escalate_on = add_working_days(request.requested_on, ESCALATE_AFTER_WORKING_DAYS)
    result.waiting_for = waiting
    if missing_parts:
        result.reasons.append(("release.request_incomplete", ", ".join(missing_parts)))
    if refused:
        result.reasons.append(("release.refused", ", ".join(refused)))
    if waiting:
        result.reasons.append(("release.awaiting_authorisation", ", ".join(waiting)))
    if breaches:
        result.reasons.append((str(Code.BREACH_OPEN), ", ".join(breaches)))
    if not result.reasons:
        result.decision = "allow"
    return result

"""Due dates that follow the risk level (configurable with AMANA_RISK_DEADLINES in settings).

Hours from the event that starts the clock: registration for the initial assessment, the initial
assessment for the case plan, the last follow-up for the next one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

DEFAULT_DEADLINES: dict[str, dict[str, int]] = {
    "high": {"initial_assessment": 24, "case_plan": 72, "follow_up": 7 * 24},
    "medium": {"initial_assessment": 72, "case_plan": 14 * 24, "follow_up": 14 * 24},
    "low": {"initial_assessment": 7 * 24, "case_plan": 30 * 24, "follow_up": 30 * 24},
}


def deadline_hours(risk_level: str, step: str) -> int:
    table: dict[str, dict[str, int]] = getattr(settings, "AMANA_RISK_DEADLINES", DEFAULT_DEADLINES)
    return table[risk_level][step]


def due_after(start: datetime, risk_level: str, step: str) -> datetime:
    return start + timedelta(hours=deadline_hours(risk_level, step))

"""What the synthetic operation looks like: sizes, proportions and the weighted lists (the
concerns, nationalities and camps are read from `data/*.csv`)."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from typing import TypeVar

from amana.cases.models import Case, Task
from amana.ops.seed.names import data_text

T = TypeVar("T")

DEFAULT_BATCH = 5000
DEFAULT_CASELOAD = 400
CASEWORKERS_PER_SUPERVISOR = 8
HISTORY_DAYS = 3 * 365
DUE_SPREAD_DAYS = 30
REREGISTERED = 0.02
CONCERNS_KIND = "protection_concerns"
NATIONALITIES_KIND = "nationalities"

COUNTRY_CODE = "OPA"


def _table(filename: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data_text(filename))))


NATIONALITY_LABELS = {row["code"]: row["label"] for row in _table("nationalities.csv")}
CONCERNS = tuple((row["code"], row["label"], int(row["weight"])) for row in _table("concerns.csv"))
CAMPS = tuple((row["code"], row["name"], int(row["weight"])) for row in _table("camps.csv"))
BLOCKS_PER_CAMP = 20
AGENCY_WEIGHTS = {
    "unhcr": 20,
    "unicef": 15,
    "ngo-psy": 15,
    "ngo-gbv": 13,
    "imc": 12,
    "mosd": 10,
    "ngo-legal": 8,
    "ngo-livelihoods": 7,
}
OPEN_STAGES = (
    (Case.Stage.REGISTERED, 20),
    (Case.Stage.ASSESSED, 18),
    (Case.Stage.BIA, 10),
    (Case.Stage.PLANNED, 10),
    (Case.Stage.IMPLEMENTATION, 37),
    (Case.Stage.CLOSURE_REQUESTED, 5),
)
STAGE_TASK: dict[str, str] = {
    Case.Stage.REGISTERED: Task.Kind.INITIAL_ASSESSMENT,
    Case.Stage.ASSESSED: Task.Kind.CASE_PLAN,
    Case.Stage.BIA: Task.Kind.CASE_PLAN,
    Case.Stage.PLANNED: Task.Kind.FOLLOW_UP,
    Case.Stage.IMPLEMENTATION: Task.Kind.FOLLOW_UP,
    Case.Stage.CLOSURE_REQUESTED: Task.Kind.APPROVAL,
}
RISKS = ((Case.Risk.HIGH, 20), (Case.Risk.MEDIUM, 45), (Case.Risk.LOW, 35))
CARE = (
    (Case.CareArrangement.PARENTS, 55),
    (Case.CareArrangement.KINSHIP, 15),
    (Case.CareArrangement.FOSTER, 4),
    (Case.CareArrangement.INDEPENDENT, 2),
    (Case.CareArrangement.RESIDENTIAL, 2),
    (Case.CareArrangement.UNACCOMPANIED, 8),
    (Case.CareArrangement.OTHER, 4),
    ("", 10),
)
CLOSURE_REASONS = (
    ("goals_met", 55),
    ("moved_away", 15),
    ("transferred", 10),
    ("turned_18", 8),
    ("lost_contact", 10),
    ("other", 2),
)
AGE_WEIGHTS = (5, 5, 5, 6, 6, 7, 7, 7, 7, 7, 8, 8, 8, 9, 9, 9, 9, 8)  # ages 0-17


def pick(rng: random.Random, weighted: Sequence[tuple[T, int]]) -> T:
    total = sum(weight for _, weight in weighted)
    roll = rng.random() * total
    for value, weight in weighted:
        roll -= weight
        if roll < 0:
            return value
    return weighted[-1][0]

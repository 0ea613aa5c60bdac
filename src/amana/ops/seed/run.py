"""The run: reference data, then the planned cases batch by batch, progress lines, the audit
entry and the final rate."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from amana.audit.log import write_entry
from amana.ops.seed.mix import DEFAULT_BATCH, DEFAULT_CASELOAD
from amana.ops.seed.planner import CasePlan, Planner
from amana.ops.seed.reference import Reference, ensure_reference
from amana.ops.seed.writer import SEEDED_MODELS, write_batch


@dataclass
class SeedResult:
    cases: int
    rows: int
    seconds: float
    first_number: str = ""
    last_number: str = ""

    @property
    def cases_per_second(self) -> float:
        return self.cases / self.seconds if self.seconds else 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _analyze() -> None:
    """Fresh planner statistics, so the first queries on the new rows get realistic plans."""
    with connection.cursor() as cursor:
        for model in SEEDED_MODELS:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def today_start() -> datetime:
    """Midnight UTC today: the run's reference time, so one day's runs agree."""
    return timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)


def plans(seed: int, total: int, reference: Reference, now: datetime) -> Iterable[CasePlan]:
    planner = Planner(seed=seed, total=total, now=now, reference=reference)
    return (planner.plan(index) for index in range(total))


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def run_seed(
    *,
    cases: int,
    seed: int,
    batch: int = DEFAULT_BATCH,
    caseload: int = DEFAULT_CASELOAD,
    now: datetime | None = None,
    report: Callable[[str], None] = print,
) -> SeedResult:
    began = time.perf_counter()
    reference = ensure_reference(cases, caseload)
    now = now or today_start()
    result = SeedResult(cases=0, rows=0, seconds=0.0)
    pending: list[CasePlan] = []
    batches = math.ceil(cases / batch)

    def flush() -> None:
        rows, numbers = write_batch(pending, reference)
        result.cases += len(pending)
        result.rows += rows
        result.first_number = result.first_number or numbers[0]
        result.last_number = numbers[-1]
        result.seconds = time.perf_counter() - began
        left = (cases - result.cases) / max(result.cases_per_second, 1e-9)
        report(
            f"seed: batch {math.ceil(result.cases / batch)}/{batches}: "
            f"{result.cases}/{cases} cases, {result.rows} rows, "
            f"{result.cases_per_second:,.0f} cases/s, {result.rows_per_second:,.0f} rows/s, "
            f"eta {_duration(left)}"
        )
        pending.clear()

    for plan in plans(seed, cases, reference, now):
        pending.append(plan)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    if connection.vendor == "postgresql":
        _analyze()
    with transaction.atomic():
        write_entry(
            actor=None,
            action="seed.cases",
            object_type="case",
            origin="cli",
            details={"cases": cases, "seed": seed, "first": result.first_number},
        )
    result.seconds = time.perf_counter() - began
    report(
        f"seed: {result.cases} cases, {result.rows} rows in {result.seconds:.1f} s: "
        f"{result.cases_per_second:,.0f} cases/s, {result.rows_per_second:,.0f} rows/s "
        f"(seed {seed}, case numbers {result.first_number} … {result.last_number})"
    )
    return result

"""On SQLite (the demo) no worker can run: `amana serve` starts this thread, which runs each
periodic job in-process at its scheduled times (the same `cron` schedules the worker uses).

A run missed while the server was down is not made up (as the worker's deferrer, which gives
up on runs more than ten minutes late); the jobs themselves catch up (sealing seals every
pending entry, reminders remind for the day). On PostgreSQL this thread never starts: the
worker schedules the periodic jobs.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from croniter import croniter
from django.db import connections

from amana.jobs.queue import in_process, run_in_process
from amana.jobs.registry import Periodic, periodic_jobs

logger = logging.getLogger(__name__)
MIN_SLEEP = 0.5  # seconds: never spin if a schedule says "now" twice


def next_after(cron: str, moment: float) -> int:
    """The first time strictly after `moment` (epoch seconds) that `cron` names."""
    following: float = croniter(cron, moment).get_next(float)
    return round(following)


def latest_until(cron: str, moment: float) -> int:
    """The last time at or before `moment` that `cron` names."""
    previous: float = croniter(cron, moment + 1).get_prev(float)
    return round(previous)


class Schedule:
    """When each periodic job runs next; `due(now)` hands out the runs whose time has come."""

    def __init__(self, periodic: list[Periodic], now: float) -> None:
        self.crons = {job.name: job.cron for job in periodic}
        self.next_runs = {job.name: next_after(job.cron, now) for job in periodic}

    def due(self, now: float) -> list[tuple[str, int]]:
        """(job name, scheduled time) for each job due by `now`: one run, at the latest time
        its schedule names (earlier runs missed while the process slept are skipped)."""
        names = [name for name, at in sorted(self.next_runs.items()) if at <= now]
        for name in names:
            self.next_runs[name] = next_after(self.crons[name], now)
        return [(name, latest_until(self.crons[name], now)) for name in names]

    def seconds_to_next(self, now: float) -> float:
        if not self.next_runs:
            return float("inf")
        return max(MIN_SLEEP, min(self.next_runs.values()) - now)


class Scheduler(threading.Thread):
    def __init__(self, periodic: list[Periodic]) -> None:
        super().__init__(name="amana-periodic-jobs", daemon=True)
        self.schedule = Schedule(periodic, time.time())
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.schedule.seconds_to_next(time.time())):
            try:
                self.tick(time.time())
            finally:
                connections.close_all()  # this thread's connections only

    def tick(self, now: float) -> list[str]:
        """Run the jobs due by `now`, in this thread; return their names."""
        ran = []
        for name, at in self.schedule.due(now):
            run_in_process(name, {"timestamp": at})
            ran.append(name)
        return ran

    def stop(self) -> None:
        self.stopped.set()


_running: Scheduler | None = None
_lock = threading.Lock()


def start() -> Scheduler | None:
    """Start the scheduler thread once per process (None if there is nothing to schedule)."""
    global _running  # noqa: PLW0603
    with _lock:
        if _running is None or not _running.is_alive():
            periodic = periodic_jobs()
            if not periodic:
                return None
            _running = Scheduler(periodic)
            _running.start()
        return _running


def start_when_serving(sender: Any, **kwargs: Any) -> str:
    """Receiver of `amana.core.signals.serving`: on SQLite, start the periodic jobs here."""
    if not in_process():
        return ""
    scheduler = start()
    if scheduler is None:
        return "No periodic jobs to run."
    names = ", ".join(f"{name} ({cron})" for name, cron in scheduler.schedule.crons.items())
    return f"Periodic jobs run in this process (SQLite): {names}"

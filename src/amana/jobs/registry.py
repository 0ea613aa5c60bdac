"""Declaring a job: `@job("app.what")` in an app's `jobs.py`.

A job is a procrastinate task with Amana's retry policy (ATTEMPTS tries, waiting longer after
each failure) and the middleware that records each failure's error. `cron=` also makes it
periodic: the worker's periodic deferrer enqueues it on that schedule, once per scheduled
time however many workers run (procrastinate keeps one row per task and time in
`procrastinate_periodic_defers`), and a periodic job holds a lock named after it, so two runs
of it never overlap. A periodic job receives `timestamp`, the scheduled time (epoch seconds).
An empty `cron` (the operator set the schedule to `off`) registers the job without a
schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.tasks import Task

from amana.jobs.middleware import record_failure

# A job is tried at most ATTEMPTS times; after a failure the next try waits
# BACKOFF_SECONDS ** n seconds (5 s, 25 s, 125 s, 625 s: the last try ~13 minutes after the
# first). After the last failure the job stays `failed`: the dead-letter list.
ATTEMPTS = 5
BACKOFF_SECONDS = 5
RETRY = RetryStrategy(max_attempts=ATTEMPTS - 1, exponential_wait=BACKOFF_SECONDS)


StrOrPromise = str | Promise


@dataclass(frozen=True)
class Periodic:
    name: str
    cron: str


# What the pages call each job (a translatable label; never the raw task name).
LABELS: dict[str, StrOrPromise] = {}


def job(
    name: str, *, label: StrOrPromise, cron: str = "", retry: RetryStrategy = RETRY
) -> Callable[[Callable[..., Any]], Task[Any, Any, Any]]:
    """Register the decorated function as the job `name` (periodic when `cron` is set);
    `label` is what the pages call it."""

    def register(func: Callable[..., Any]) -> Task[Any, Any, Any]:
        LABELS[name] = label
        task: Task[Any, Any, Any] = app.task(
            name=name,
            retry=retry,
            lock=name if cron else None,
            task_middleware=[record_failure],
        )(func)
        if cron:
            app.periodic(cron=cron)(task)
        return task

    return register


def task_named(name: str) -> Task[Any, Any, Any]:
    """The registered job `name` (KeyError if there is none)."""
    return app.tasks[name]


def label_of(name: str) -> str:
    """The job's label in the current language (its name if it is no longer declared)."""
    return str(LABELS.get(name, name))


def periodic_jobs() -> list[Periodic]:
    """The periodic jobs and their schedules, by name."""
    found = [
        Periodic(task.task.name, task.cron)
        for task in app.periodic_registry.periodic_tasks.values()
    ]
    return sorted(found, key=lambda periodic: periodic.name)

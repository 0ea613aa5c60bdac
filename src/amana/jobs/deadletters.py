"""The read path of the dead-letter list: jobs that failed their last attempt, newest first,
each with its task, how many attempts it had, its last error and when it failed.

On PostgreSQL the list is procrastinate's own `failed` jobs (so a job that failed without
reaching Amana's middleware, e.g. a task no longer known, is listed too), with the last error
`JobFailure` recorded for it; one query for the page, one for the count. On SQLite it is the
in-process jobs whose failure no administrator has retried yet. The policy (who may see it)
is asked by the caller: `amana.ops.policy.can_view_failed_jobs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from procrastinate.contrib.django.models import ProcrastinateEvent, ProcrastinateJob

from amana.jobs.models import JobFailure
from amana.jobs.queue import in_process
from amana.jobs.registry import label_of

PAGE_SIZE = 100


@dataclass(frozen=True)
class FailedJob:
    key: int  # what `requeue_failed_job` takes: the job id, or the failure id in-process
    task_name: str
    attempts: int
    error: str
    failed_at: datetime | None

    @property
    def label(self) -> str:
        return label_of(self.task_name)


@dataclass(frozen=True)
class DeadLetters:
    jobs: list[FailedJob]
    total: int


def dead_letters(limit: int = PAGE_SIZE) -> DeadLetters:
    """The newest `limit` dead letters and how many there are in all."""
    return _in_process_letters(limit) if in_process() else _queued_letters(limit)


def _queued_letters(limit: int) -> DeadLetters:
    failed = ProcrastinateJob.objects.filter(status="failed")
    errors = JobFailure.objects.filter(job_id=OuterRef("pk")).order_by("-at", "-id")
    events = ProcrastinateEvent.objects.filter(job_id=OuterRef("pk"), type="failed")
    rows = (
        failed.annotate(
            error=Subquery(errors.values("error")[:1]),
            failed_at=Coalesce(
                Subquery(events.order_by("-at").values("at")[:1]),
                Subquery(errors.values("at")[:1]),
            ),
        )
        .order_by("-id")
        .values_list("id", "task_name", "attempts", "error", "failed_at")[:limit]
    )
    jobs = [
        FailedJob(key, task, attempts, error or "", at) for key, task, attempts, error, at in rows
    ]
    return DeadLetters(jobs, failed.count())


def _in_process_letters(limit: int) -> DeadLetters:
    dead = JobFailure.objects.filter(job_id__isnull=True, final=True, retried_at__isnull=True)
    rows = dead.order_by("-at", "-id").values_list("id", "task_name", "attempt", "error", "at")
    jobs = [FailedJob(*row) for row in rows[:limit]]
    return DeadLetters(jobs, dead.count())

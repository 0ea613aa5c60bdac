"""The write path of the job machinery: a failed attempt recorded, a dead letter re-queued.

`do_record_job_failure` is the system's own action (no person acts: `actor` is None); the
administrator's "retry" is `amana.ops.actions.do_retry_job`, which asks the policy and calls
`requeue_failed_job` in its transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from amana.audit.log import write_entry
from amana.audit.models import Outcome
from amana.jobs.models import JobFailure
from amana.jobs.queue import enqueue, in_process
from amana.jobs.registry import task_named


@transaction.atomic(durable=True)
def do_record_job_failure(
    *,
    job_id: int | None,
    task_name: str,
    attempt: int,
    final: bool,
    error: str,
    kwargs: dict[str, Any] | None = None,
    actor: None = None,
) -> JobFailure:
    """One failed attempt of a job, with its error; `final`: no retry follows."""
    failure = JobFailure.objects.create(
        job_id=job_id,
        task_name=task_name,
        kwargs=kwargs or {},
        attempt=attempt,
        final=final,
        error=error,
    )
    write_entry(
        actor=actor,
        action="job.fail",
        object_type="job",
        object_id=job_id if job_id is not None else f"in-process:{failure.pk}",
        outcome=Outcome.ERROR,
        origin="worker" if job_id is not None else "in-process",
        details={"task": task_name, "attempt": attempt, "final": final},
    )
    return failure


def requeue_failed_job(key: int) -> str:
    """Put a dead letter back in the queue for one more attempt, in the caller's transaction;
    return its task name. `key` is procrastinate's job id, or on SQLite the failure's id (the
    job then runs in-process after the commit). LookupError if there is no such dead letter."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("requeue_failed_job must run inside the action's transaction")
    if in_process():
        return _rerun_in_process(key)
    job = ProcrastinateJob.objects.filter(pk=key, status="failed").only("task_name").first()
    if job is None:
        raise LookupError(key)
    app.job_manager.retry_job_by_id(job_id=key, retry_at=timezone.now())
    return str(job.task_name)


def _rerun_in_process(key: int) -> str:
    dead = JobFailure.objects.select_for_update().filter(
        pk=key, job_id__isnull=True, final=True, retried_at__isnull=True
    )
    failure = dead.first()
    if failure is None:
        raise LookupError(key)
    try:
        task = task_named(failure.task_name)
    except KeyError:
        raise LookupError(key) from None  # the job is no longer part of this version
    JobFailure.objects.filter(pk=failure.pk).update(retried_at=timezone.now())
    enqueue(task, **failure.kwargs)
    return failure.task_name

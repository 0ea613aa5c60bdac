"""A dead letter put back in the queue. The administrator's "retry" is
`amana.ops.actions.do_retry_job`, which asks the policy and calls `requeue_failed_job` in its
own transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from amana.jobs.models import JobFailure
from amana.jobs.queue import enqueue, in_process
from amana.jobs.registry import task_named


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

"""Enqueueing a job from an action, and running jobs in-process where procrastinate cannot.

`enqueue(task, **kwargs)` must be called inside the action's transaction. On PostgreSQL it
writes the job row through procrastinate's Django connector, on the action's own connection:
the job exists if and only if the action commits, and the worker runs it after that. On
SQLite (`AMANA_JOBS_IN_PROCESS`, the demo) there is no queue: the job runs in this process
right after the commit (`transaction.on_commit`), and not at all if the action rolls back. An
in-process job is tried once; if it fails, it goes straight to the dead-letter list, from
which an administrator can run it again.
"""

from __future__ import annotations

import json
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from procrastinate.tasks import Task

from amana.jobs.actions.failures import do_record_job_failure
from amana.jobs.middleware import describe
from amana.jobs.registry import task_named

logger = logging.getLogger(__name__)


def in_process() -> bool:
    """Whether jobs run in this process after the commit (SQLite) instead of on a worker."""
    return bool(settings.AMANA_JOBS_IN_PROCESS)


def enqueue(task: Task[Any, Any, Any], **kwargs: Any) -> int | None:
    """Enqueue `task(**kwargs)` in the caller's transaction. Returns procrastinate's job id,
    or None when the job will run in-process after the commit. The arguments must be JSON
    (ids and plain values, never personal data: job rows are not encrypted)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue must run inside the action's transaction")
    json.dumps(kwargs)  # the same arguments fail the same way on both paths
    if in_process():
        transaction.on_commit(partial(run_in_process, task.name, kwargs))
        return None
    job_id: int = task.defer(**kwargs)
    return job_id


def run_in_process(task_name: str, kwargs: dict[str, Any]) -> bool:
    """Run one job now, in this process. Never raises: a failure is logged and recorded in
    the dead-letter list. True if the job succeeded."""
    try:
        task_named(task_name)(**kwargs)
    except Exception as exc:
        logger.exception("jobs: in-process job %s failed", task_name)
        try:
            do_record_job_failure(
                job_id=None,
                task_name=task_name,
                kwargs=kwargs,
                attempt=1,
                final=True,
                error=describe(exc),
                actor=None,
            )
        except Exception:
            logger.exception("jobs: the failure of in-process job %s was not recorded", task_name)
        return False
    return True

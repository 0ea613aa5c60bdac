"""The job machinery's own action: a failed attempt recorded with its error (no person acts:
`actor` is None). Written by the worker's middleware, the in-process runner and the recovery
of stalled jobs."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from amana.audit.log import write_entry
from amana.audit.models import Outcome
from amana.jobs.models import JobFailure


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
    return record_job_failure(
        job_id=job_id,
        task_name=task_name,
        attempt=attempt,
        final=final,
        error=error,
        kwargs=kwargs,
    )


def record_job_failure(
    *,
    job_id: int | None,
    task_name: str,
    attempt: int,
    final: bool,
    error: str,
    kwargs: dict[str, Any] | None = None,
) -> JobFailure:
    """The step itself, in the caller's transaction: the failure row and its audit entry."""
    failure = JobFailure.objects.create(
        job_id=job_id,
        task_name=task_name,
        kwargs=kwargs or {},
        attempt=attempt,
        final=final,
        error=error,
    )
    write_entry(
        actor=None,
        action="job.fail",
        object_type="job",
        object_id=job_id if job_id is not None else f"in-process:{failure.pk}",
        outcome=Outcome.ERROR,
        origin="worker" if job_id is not None else "in-process",
        details={"task": task_name, "attempt": attempt, "final": final},
    )
    return failure

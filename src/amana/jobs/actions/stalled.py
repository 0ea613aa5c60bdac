"""Jobs left `doing` by a worker that stopped without finishing them (killed, host lost).

procrastinate notices such a worker (its heartbeat stops) but leaves its jobs as they were:
they would never run again nor reach the dead-letter list. The periodic job
`jobs.recover_stalled` hands each one back to the queue as a failed attempt, or, when the task's
retry policy has no attempt left, fails it into the dead-letter list. It uses procrastinate's
own queries (`procrastinate.sql`), run on this transaction's connection.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.jobs import Job
from procrastinate.sql import queries

from amana.jobs.actions.failures import record_job_failure
from amana.jobs.middleware import retries_after

# A worker beats every 10 s; one silent for this long is taken for dead (procrastinate's
# default for pruning stalled workers).
STALLED_AFTER_SECONDS = 30
LOST = "WorkerLost: the worker running this job stopped before the job finished"


class WorkerLost(Exception):
    """The failure a stalled job is recorded with."""


@transaction.atomic(durable=True)
def do_recover_stalled_jobs(*, actor: None = None) -> int:
    """Retry or fail every job of a dead worker; return how many."""
    connector = DjangoConnector()
    rows = connector.execute_query_all(
        queries["select_stalled_jobs_by_heartbeat"],
        queue=None,
        task_name=None,
        seconds_since_heartbeat=STALLED_AFTER_SECONDS,
    )
    for row in rows:
        _recover(connector, row)
    return len(rows)


def _recover(connector: DjangoConnector, row: dict[str, Any]) -> None:
    job = Job.from_row(row)
    assert job.id is not None
    retry = retries_after(job, WorkerLost(LOST))
    if retry:
        connector.execute_query(
            queries["retry_job"],
            job_id=job.id,
            retry_at=timezone.now(),
            new_priority=None,
            new_queue_name=None,
            new_lock=None,
        )
    else:
        connector.execute_query(
            queries["finish_job"], job_id=job.id, status="failed", delete_job=False
        )
    record_job_failure(
        job_id=job.id,
        task_name=job.task_name,
        attempt=job.attempts + 1,
        final=not retry,
        error=LOST,
    )

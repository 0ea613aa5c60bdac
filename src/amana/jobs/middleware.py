"""The worker's record of a failed attempt: the error procrastinate does not keep."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any

from procrastinate.contrib.django import app
from procrastinate.job_context import JobContext
from procrastinate.jobs import Job

from amana.jobs.actions.failures import do_record_job_failure
from amana.jobs.models import ERROR_MAX_CHARS

logger = logging.getLogger(__name__)
AMANA_SOURCE = Path(__file__).resolve().parents[1]
RUNNERS = frozenset({Path(__file__).resolve(), AMANA_SOURCE / "jobs" / "queue.py"})


def _where(frame: traceback.FrameSummary) -> str:
    path = Path(frame.filename).resolve()
    if path.is_relative_to(AMANA_SOURCE):
        return f"{path.relative_to(AMANA_SOURCE.parent).as_posix()}:{frame.lineno}"
    return f"{path.name}:{frame.lineno}"


def describe(exc: BaseException) -> str:
    """One line an operator can act on: the exception, its message, and the last line of
    Amana's own code it came through (the raising line when none is Amana's)."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split()).rstrip(":")
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [
        frame
        for frame in frames
        if Path(frame.filename).resolve().is_relative_to(AMANA_SOURCE)
        and Path(frame.filename).resolve() not in RUNNERS
    ]
    where = f" ({_where((ours or frames)[-1])})" if frames else ""
    return text[: ERROR_MAX_CHARS - len(where)] + where


def retries_after(job: Job, exc: BaseException) -> bool:
    """Whether procrastinate tries `job` again after `exc` (its task's retry policy)."""
    task = app.tasks.get(job.task_name)
    strategy = task.retry_strategy if task else None
    if strategy is None or not isinstance(exc, Exception):
        return False
    return strategy.get_retry_decision(exception=exc, job=job) is not None


def record_failure(call_next: Any, context: JobContext, worker: Any) -> Any:
    """Task middleware: run the job; if it raises, record the error, then let procrastinate
    decide (retry or fail) as usual. Recording never hides the job's own exception."""
    try:
        return call_next()
    except Exception as exc:
        job = context.job
        try:
            do_record_job_failure(
                job_id=job.id,
                task_name=job.task_name,
                attempt=job.attempts + 1,
                final=not retries_after(job, exc),
                error=describe(exc),
                actor=None,
            )
        except Exception:
            logger.exception("jobs: the failure of job %s was not recorded", job.id)
        raise

"""Jobs for the tests (registered once, on the real procrastinate app), a clean queue, and
the worker run the way `amana worker --once` runs it, in this process."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections, transaction
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from amana.jobs.actions.failures import do_record_job_failure
from amana.jobs.queue import enqueue
from amana.jobs.registry import job

# Three attempts, no wait between them: the real policy's waits are tested on the policy.
QUICK_RETRY = RetryStrategy(max_attempts=2)


@job("tests.touch", label="Test job: write a file")
def touch(path: str, timestamp: int = 0) -> str:
    Path(path).write_text(f"ran {timestamp}")
    return path


@job("tests.fail", label="Test job: always fails", retry=QUICK_RETRY)
def fail(message: str) -> None:
    raise RuntimeError(message)


def postgresql_only(why: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(connection.vendor != "postgresql", reason=f"needs PostgreSQL: {why}")


def wipe_queue() -> None:
    """procrastinate's tables are not Django's to flush between tests: empty them."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_periodic_defers")
        cursor.execute("DELETE FROM procrastinate_jobs")
        cursor.execute("DELETE FROM procrastinate_workers")


def in_own_thread(work: Callable[[], Any]) -> Any:
    """Run `work` in a thread of its own and return its result (or raise its error).

    procrastinate's synchronous entry points call `asyncio.run`, which refuses to start inside
    a running event loop; the browser tests' Playwright keeps one running in the main thread
    for the whole session, so the worker gets a thread with no loop, as in `amana worker`."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as error:  # re-raised in the caller's thread
            outcome["error"] = error
        finally:
            connections.close_all()  # this thread's own, or the test database stays in use

    thread = threading.Thread(target=run, name="test-worker")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def run_worker_until_idle() -> None:
    """A real procrastinate worker on the test database, with its own connections (as
    `amana worker` has): it runs every job that is due, then stops."""
    settings = connection.settings_dict  # shared by every thread's connection
    max_age = settings["CONN_MAX_AGE"]
    # The worker's job threads keep their Django connection for CONN_MAX_AGE after a job;
    # here they close it at once, or the test database could not be dropped at the end.
    settings["CONN_MAX_AGE"] = 0
    try:
        with app.replace_connector(app.connector.get_worker_connector()):  # type: ignore[attr-defined]
            in_own_thread(
                lambda: app.run_worker(
                    wait=False, install_signal_handlers=False, listen_notify=False
                )
            )
    finally:
        settings["CONN_MAX_AGE"] = max_age


def jobs_named(task_name: str) -> list[ProcrastinateJob]:
    return list(ProcrastinateJob.objects.filter(task_name=task_name).order_by("id"))


def dead_letter(message: str = "mail server said no", *, attempts: int = 5) -> int:
    """A job that failed its last attempt, as the worker leaves it: procrastinate's row
    `failed` (with its events) and the error recorded by Amana's middleware."""
    with transaction.atomic():
        job_id = enqueue(fail, message=message)
    assert job_id is not None
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = %s", [job_id])
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'failed', attempts = %s WHERE id = %s",
            [attempts, job_id],
        )
    do_record_job_failure(
        job_id=job_id,
        task_name="tests.fail",
        attempt=attempts,
        final=True,
        error=f"RuntimeError: {message}",
    )
    return job_id

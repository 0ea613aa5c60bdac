"""A worker that dies mid-job (killed, host lost) leaves the job `doing`; the periodic recovery
puts it back in the queue as a failed attempt, or fails it into the dead-letter list when no
attempt is left. A live worker's running job is left alone."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from amana.jobs.actions.stalled import LOST, do_recover_stalled_jobs
from amana.jobs.deadletters import dead_letters
from amana.jobs.models import JobFailure
from amana.jobs.queue import enqueue
from tests.jobs.helpers import jobs_named, postgresql_only, touch

pytestmark = [
    pytest.mark.postgres,
    postgresql_only("procrastinate's workers and heartbeats"),
    pytest.mark.django_db,
]


def _running(tmp_path, *, heartbeat: str, attempts: int = 0) -> int:
    """A job `doing` on a worker whose last heartbeat was at `heartbeat` (SQL)."""
    with transaction.atomic():
        job_id = enqueue(touch, path=str(tmp_path / "x"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO procrastinate_workers (last_heartbeat) VALUES ({heartbeat}) RETURNING id"
        )
        worker = cursor.fetchone()[0]
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s, attempts = %s "
            "WHERE id = %s",
            [worker, attempts, job_id],
        )
    return job_id


def test_a_dead_workers_job_goes_back_to_the_queue(empty_queue, tmp_path):
    job_id = _running(tmp_path, heartbeat="now() - interval '5 minutes'")
    assert do_recover_stalled_jobs() == 1
    [job] = jobs_named("tests.touch")
    assert (job.id, job.status, job.attempts) == (job_id, "todo", 1)
    [failure] = JobFailure.objects.filter(job_id=job_id)
    assert (failure.attempt, failure.final, failure.error) == (1, False, LOST)


def test_with_no_attempt_left_it_lands_in_the_dead_letter_list(empty_queue, tmp_path):
    job_id = _running(tmp_path, heartbeat="now() - interval '5 minutes'", attempts=4)
    assert do_recover_stalled_jobs() == 1
    [job] = jobs_named("tests.touch")
    assert job.status == "failed"
    [letter] = dead_letters().jobs
    assert (letter.key, letter.attempts, letter.error) == (job_id, 5, LOST)


def test_denied_twin_a_live_workers_job_is_left_running(empty_queue, tmp_path):
    _running(tmp_path, heartbeat="now()")
    assert do_recover_stalled_jobs() == 0
    assert [job.status for job in jobs_named("tests.touch")] == ["doing"]
    assert not JobFailure.objects.exists()

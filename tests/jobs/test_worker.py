"""A real procrastinate worker against the test database: a job runs to completion after its
action committed; a failing job is retried, then left failed in the dead-letter list with
its error; the retry policy is bounded."""

from __future__ import annotations

import pytest
from django.db import transaction
from procrastinate.jobs import Job

from amana.audit.models import AuditEntry
from amana.jobs.deadletters import dead_letters
from amana.jobs.models import JobFailure
from amana.jobs.queue import enqueue
from amana.jobs.registry import ATTEMPTS, RETRY
from tests.jobs.helpers import fail, jobs_named, postgresql_only, run_worker_until_idle, touch

pytestmark = [
    pytest.mark.postgres,
    postgresql_only("a worker on procrastinate's queue"),
    pytest.mark.django_db(transaction=True),  # the worker sees committed rows only
]


def test_the_worker_runs_a_committed_job_to_completion(empty_queue, tmp_path):
    target = tmp_path / "ran"
    with transaction.atomic():
        enqueue(touch, path=str(target))
    assert not target.exists()  # nothing runs before a worker takes it
    run_worker_until_idle()
    assert target.read_text() == "ran 0"
    assert jobs_named("tests.touch") == []  # succeeded jobs are deleted
    assert dead_letters().total == 0


def test_denied_twin_the_worker_never_sees_a_rolled_back_job(empty_queue, tmp_path):
    target = tmp_path / "never"
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        enqueue(touch, path=str(target))
        _ = 1 / 0
    run_worker_until_idle()
    assert not target.exists()


def test_a_failing_job_is_retried_then_lands_in_the_dead_letter_list(empty_queue):
    with transaction.atomic():
        job_id = enqueue(fail, message="mail server refused")
    run_worker_until_idle()
    [job] = jobs_named("tests.fail")
    assert job.id == job_id and job.status == "failed"
    assert job.attempts == 3  # QUICK_RETRY: two retries after the first attempt
    failures = list(JobFailure.objects.filter(job_id=job_id).order_by("attempt"))
    assert [(f.attempt, f.final) for f in failures] == [(1, False), (2, False), (3, True)]
    assert failures[-1].error.startswith("RuntimeError: mail server refused (helpers.py:")
    letters = dead_letters()
    assert letters.total == 1
    [letter] = letters.jobs
    assert (letter.key, letter.task_name, letter.attempts) == (job_id, "tests.fail", 3)
    assert letter.error == failures[-1].error and letter.failed_at is not None
    assert AuditEntry.objects.filter(action="job.fail", object_id=str(job_id)).count() == 3


def _job(attempts: int) -> Job:
    return Job(
        id=1, queue="default", lock=None, queueing_lock=None, task_name="x", attempts=attempts
    )


def test_the_retry_policy_backs_off_and_gives_up_after_the_last_attempt():
    waits = []
    for attempts in range(ATTEMPTS - 1):
        decision = RETRY.get_retry_decision(exception=RuntimeError(), job=_job(attempts))
        assert decision is not None and decision.retry_at is not None
        waits.append(decision.retry_at)
    assert waits == sorted(waits)  # each wait longer than the one before
    assert RETRY.get_retry_decision(exception=RuntimeError(), job=_job(ATTEMPTS - 1)) is None

"""The SQLite fallback, forced here on PostgreSQL: a job runs in this process after the
action commits and not at all after a rollback; a failure lands in the dead-letter list and
can be run again; the scheduler runs the periodic jobs at their times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import transaction

from amana.jobs import scheduler
from amana.jobs.actions.requeue import requeue_failed_job
from amana.jobs.deadletters import dead_letters
from amana.jobs.models import JobFailure
from amana.jobs.queue import enqueue
from amana.jobs.registry import Periodic
from tests.jobs.helpers import fail, jobs_named, touch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_process(settings) -> None:
    settings.AMANA_JOBS_IN_PROCESS = True


class Refused(Exception):
    pass


def test_a_job_runs_in_process_after_the_commit(django_capture_on_commit_callbacks, tmp_path):
    target = tmp_path / "ran"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert enqueue(touch, path=str(target)) is None
        assert not target.exists()  # not before the commit
    assert target.read_text() == "ran 0"
    assert jobs_named("tests.touch") == []  # no queue row: nothing for a worker


def test_denied_twin_no_run_after_a_rollback(django_capture_on_commit_callbacks, tmp_path):
    target = tmp_path / "never"
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Refused),
        transaction.atomic(),
    ):
        enqueue(touch, path=str(target))
        raise Refused
    assert callbacks == [] and not target.exists()


def test_a_failed_in_process_job_is_a_dead_letter_that_can_run_again(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue(fail, message="no mail server")  # the failure never reaches the caller
    [letter] = dead_letters().jobs
    assert (letter.task_name, letter.attempts) == ("tests.fail", 1)
    assert letter.error.startswith("RuntimeError: no mail server")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert requeue_failed_job(letter.key) == "tests.fail"
    failures = JobFailure.objects.order_by("id")
    assert [f.retried_at is not None for f in failures] == [True, False]  # ran and failed again
    [again] = dead_letters().jobs
    assert again.key != letter.key
    with pytest.raises(LookupError), transaction.atomic():
        requeue_failed_job(letter.key)  # already retried


def test_the_schedule_hands_out_each_run_when_its_time_comes():
    start = datetime(2026, 11, 19, 9, 0, 30, tzinfo=UTC).timestamp()
    schedule = scheduler.Schedule(
        [Periodic("tests.touch", "* * * * *"), Periodic("hourly", "0 * * * *")], start
    )
    minute = int(datetime(2026, 11, 19, 9, 1, tzinfo=UTC).timestamp())
    assert schedule.due(start + 10) == []
    assert schedule.seconds_to_next(start) == minute - start
    assert schedule.due(minute + 1) == [("tests.touch", minute)]
    assert schedule.due(minute + 2) == []
    ten = int(datetime(2026, 11, 19, 10, 0, tzinfo=UTC).timestamp())
    # The process slept through 9:02 to 10:01: each job runs once, for its latest time.
    assert schedule.due(ten + 90) == [("hourly", ten), ("tests.touch", ten + 60)]


def test_a_scheduler_tick_runs_the_due_jobs_in_process(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(
        scheduler, "run_in_process", lambda name, kwargs: calls.append((name, kwargs))
    )
    start = datetime(2026, 11, 19, 9, 0, 30, tzinfo=UTC).timestamp()
    ticker = scheduler.Scheduler([Periodic("tests.touch", "* * * * *")])
    ticker.schedule = scheduler.Schedule([Periodic("tests.touch", "* * * * *")], start)
    assert ticker.tick(start + 31) == ["tests.touch"]
    assert calls == [("tests.touch", {"timestamp": int(start + 30)})]


def test_serving_starts_the_scheduler_on_sqlite_only(settings, monkeypatch):
    started = []
    monkeypatch.setattr(scheduler, "start", lambda: started.append(True) or None)
    assert scheduler.start_when_serving(sender=None) == "No periodic jobs to run."
    settings.AMANA_JOBS_IN_PROCESS = False
    assert scheduler.start_when_serving(sender=None) == ""
    assert started == [True]

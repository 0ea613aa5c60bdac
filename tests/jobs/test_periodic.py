"""The periodic jobs: registered with their schedules, enqueued once per scheduled time however
many workers defer them, and doing what the manual commands do."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from procrastinate import periodic
from procrastinate.contrib.django import app

from amana.audit.checkpoint import latest_checkpoint
from amana.audit.models import AuditEntry
from amana.jobs.jobs import seal_audit_log
from amana.jobs.registry import Periodic, periodic_jobs
from amana.referrals.actions import do_send_referral
from amana.referrals.jobs import remind_overdue_referrals
from amana.referrals.models import Referral
from tests.audit.helpers import write_entries
from tests.jobs.helpers import in_own_thread, jobs_named, postgresql_only
from tests.referrals.backend_helpers import REFERRAL, agree, at, make_world

MONDAY = date(2026, 11, 9)


def test_the_periodic_jobs_are_registered_with_their_schedules():
    assert periodic_jobs() == [
        Periodic("audit.seal", "* * * * *"),
        Periodic("cases.overdue_tasks", "30 * * * *"),
        Periodic("jobs.recover_stalled", "* * * * *"),
        Periodic("referrals.remind", "0 * * * *"),
    ]
    registered = {
        (task.task.name, task.cron) for task in app.periodic_registry.periodic_tasks.values()
    }
    assert registered == {(job.name, job.cron) for job in periodic_jobs()}
    # A periodic job holds a lock named after it: two runs of it never overlap.
    assert app.tasks["audit.seal"].lock == "audit.seal"
    assert app.tasks["notifications.email"].lock is None


@pytest.mark.postgres
@postgresql_only("procrastinate's periodic deferrer")
@pytest.mark.django_db(transaction=True)
def test_two_workers_deferring_the_same_run_enqueue_it_once(empty_queue):
    [seal] = [
        task
        for task in app.periodic_registry.periodic_tasks.values()
        if task.task.name == "audit.seal"
    ]
    minute = 1_790_000_040

    async def defer_as_a_worker() -> None:
        deferrer = periodic.PeriodicDeferrer(registry=app.periodic_registry)
        await deferrer.defer_jobs([(seal, minute)])

    connector = app.connector.get_worker_connector()  # type: ignore[attr-defined]
    with app.replace_connector(connector):

        async def two_workers() -> None:
            async with app.open_async():
                await asyncio.gather(defer_as_a_worker(), defer_as_a_worker())

        in_own_thread(lambda: asyncio.run(two_workers()))
    [job] = jobs_named("audit.seal")
    assert job.args == {"timestamp": minute} and job.lock == "audit.seal"


@pytest.mark.django_db
def test_the_sealing_job_seals_and_signs_a_checkpoint_only_when_the_log_moved():
    write_entries(3)  # in the test's transaction: no commit has sealed them
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 3
    assert seal_audit_log(timestamp=0).startswith("sealed 3, checkpoint ")
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    head = latest_checkpoint()
    assert head is not None and head.seq == AuditEntry.objects.count()
    assert seal_audit_log(timestamp=0) == "sealed 0"  # nothing new: no new checkpoint
    assert latest_checkpoint() == head


@pytest.mark.django_db
def test_the_reminders_job_reminds_once_a_day_for_its_scheduled_day():
    world = make_world()
    agree(world, "referral_immediate", "unhcr")
    referral = do_send_referral(case=world.case, data=REFERRAL, actor=world.worker).referral
    Referral.objects.filter(pk=referral.pk).update(sent_at=at(MONDAY))
    thursday_9am = int(datetime(2026, 11, 19, 9, tzinfo=UTC).timestamp())
    assert remind_overdue_referrals(timestamp=thursday_9am) == "1 overdue, 1 reminded now"
    assert remind_overdue_referrals(timestamp=thursday_9am + 3600) == "1 overdue, 0 reminded now"
    entry = AuditEntry.objects.get(action="referral.remind")
    assert entry.details["on"] == "2026-11-19" and entry.origin == "worker"

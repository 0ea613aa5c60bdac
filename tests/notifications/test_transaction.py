"""The notification and its e-mail job are written in the action's transaction: nothing of
either exists when the action rolls back."""

from __future__ import annotations

import pytest
from django.db import connection

from amana.notifications.actions.notify import notify
from amana.notifications.models import Notification
from amana.referrals.actions import do_send_referral
from amana.referrals.models import Referral
from tests.jobs.helpers import jobs_named
from tests.referrals.backend_helpers import REFERRAL, agree, make_world


class Refused(Exception):
    pass


@pytest.mark.django_db(transaction=True)  # real commits and rollbacks
def test_the_notification_and_its_job_commit_with_the_action(empty_queue):
    world = make_world()
    agree(world, "referral_immediate", "unhcr")
    do_send_referral(case=world.case, data=REFERRAL, actor=world.worker)
    told = Notification.objects.get(recipient=world.officer)
    if connection.vendor == "postgresql":
        [job] = jobs_named("notifications.email")
        assert job.args == {"notification_ids": [str(told.pk)]}


@pytest.mark.django_db(transaction=True)
def test_denied_twin_nothing_after_a_rollback(empty_queue, monkeypatch):
    world = make_world()
    agree(world, "referral_immediate", "unhcr")

    def audit_fails(**kwargs: object) -> None:
        raise Refused  # after the referral, its notification and its job were written

    monkeypatch.setattr("amana.referrals.actions.send.write_entry", audit_fails)
    with pytest.raises(Refused):
        do_send_referral(case=world.case, data=REFERRAL, actor=world.worker)
    assert not Referral.objects.exists() and not Notification.objects.exists()
    if connection.vendor == "postgresql":
        assert jobs_named("notifications.email") == []


@pytest.mark.django_db(transaction=True)
def test_notify_refuses_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        notify([], "task.overdue")

"""Enqueueing on PostgreSQL: the job row is written in the action's own transaction, so it
exists once the action commits and never if it rolls back."""

from __future__ import annotations

import pytest
from django.db import transaction

from amana.jobs.queue import enqueue
from amana.notifications.models import Notification
from amana.referrals.actions import do_send_referral
from amana.referrals.models import Referral
from tests.jobs.helpers import jobs_named, postgresql_only, touch
from tests.referrals.backend_helpers import REFERRAL, agree, make_world

pytestmark = [pytest.mark.postgres, postgresql_only("procrastinate's queue")]


class Refused(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_sent_referral_enqueues_its_notice_when_the_action_commits(empty_queue):
    world = make_world()
    agree(world, "referral_immediate", "unhcr")
    do_send_referral(case=world.case, data=REFERRAL, actor=world.worker)
    [notice] = jobs_named("notifications.email")
    assert notice.status == "todo"
    told = Notification.objects.get(recipient=world.officer)
    assert notice.args == {"notification_ids": [str(told.pk)]}


@pytest.mark.django_db(transaction=True)
def test_denied_twin_no_job_when_the_action_rolls_back(empty_queue, monkeypatch):
    world = make_world()
    agree(world, "referral_immediate", "unhcr")

    def audit_fails(**kwargs: object) -> None:
        raise Refused  # after the referral row and its job were written

    monkeypatch.setattr("amana.referrals.actions.send.write_entry", audit_fails)
    with pytest.raises(Refused):
        do_send_referral(case=world.case, data=REFERRAL, actor=world.worker)
    assert not Referral.objects.exists()
    assert jobs_named("notifications.email") == []
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_job_enqueued_in_a_rolled_back_transaction_does_not_exist(empty_queue, tmp_path):
    with transaction.atomic():
        kept = enqueue(touch, path=str(tmp_path / "kept"))
    with pytest.raises(Refused), transaction.atomic():
        enqueue(touch, path=str(tmp_path / "dropped"))
        raise Refused
    assert [job.id for job in jobs_named("tests.touch")] == [kept]


@pytest.mark.django_db(transaction=True)  # no test transaction around the call
def test_enqueue_refuses_outside_a_transaction(tmp_path):
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        enqueue(touch, path=str(tmp_path / "x"))


@pytest.mark.django_db
def test_arguments_must_be_json(tmp_path):
    with pytest.raises(TypeError), transaction.atomic():
        enqueue(touch, path=tmp_path)  # a Path, not a string

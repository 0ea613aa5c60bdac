"""Notification e-mails: sent by the job after the action commits, one per notification, in
the recipient's language, with a neutral sentence and a link, never the child's name, date
of birth, the case number or the agencies."""

from __future__ import annotations

import pytest
from django.db import transaction

from amana.audit.models import AuditEntry
from amana.notifications.actions.notify import notify
from amana.notifications.jobs import email_notifications
from amana.notifications.models import Notification
from amana.referrals.actions import do_send_referral
from tests.factories import UserFactory
from tests.referrals.backend_helpers import REFERRAL, World, agree, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def _send(world: World) -> list[str]:
    agree(world, "referral_immediate", "unhcr")
    do_send_referral(case=world.case, data=REFERRAL, actor=world.worker)
    return [str(pk) for pk in Notification.objects.values_list("pk", flat=True)]


def test_the_job_sends_a_neutral_message_without_personal_data(world, mailoutbox, settings):
    settings.AMANA_PUBLIC_URL = "https://amana.example.org"
    world.officer.email = "officer@unhcr.example"
    world.officer.save()
    ids = _send(world)
    assert email_notifications(notification_ids=ids) == "1 sent"
    [message] = mailoutbox
    assert message.to == ["officer@unhcr.example"]
    text = message.subject + message.body
    assert "A referral is waiting for an answer." in message.body
    assert "https://amana.example.org/notifications/" in message.body
    child = world.case.child
    for personal in ("Nour", "Haddad", "945-1234", str(child.date_of_birth), "2014"):
        assert personal not in text
    assert world.case.case_number not in text and "NGO C" not in text
    assert AuditEntry.objects.filter(action="notification.email").count() == 1


def test_a_retry_sends_nothing_twice_and_no_address_means_no_mail(world, mailoutbox):
    world.officer.email = "officer@unhcr.example"
    world.officer.save()
    no_address = UserFactory(roles=["caseworker"], agency=world.officer.agency)
    ids = _send(world)
    assert Notification.objects.filter(recipient=no_address).exists()
    assert email_notifications(notification_ids=ids) == "1 sent"
    assert email_notifications(notification_ids=ids) == "0 sent"
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fr", "Une orientation attend une réponse."),
        ("ar", "إحالة بانتظار الرد."),
    ],
)
def test_the_message_is_in_the_recipients_language(world, mailoutbox, language, sentence):
    world.officer.email, world.officer.preferred_language = "o@unhcr.example", language
    world.officer.save()
    email_notifications(notification_ids=_send(world))
    assert sentence in mailoutbox[0].body


def test_no_email_url_means_notifications_without_a_job(world, settings, monkeypatch):
    settings.AMANA_EMAIL_ENABLED = False
    enqueued: list[object] = []
    monkeypatch.setattr(
        "amana.notifications.actions.notify.enqueue", lambda *a, **k: enqueued.append(k)
    )
    _send(world)
    assert Notification.objects.filter(recipient=world.officer).exists() and enqueued == []


def test_notify_refuses_unknown_kinds(world):
    with pytest.raises(ValueError, match="unknown notification kind"), transaction.atomic():
        notify([world.officer], "no.such.kind")


def test_parameters_other_than_case_and_agencies_are_dropped(world):
    with transaction.atomic():
        [row] = notify(
            [world.officer], "task.overdue", params={"case": "C-1", "child": "Nour Haddad"}
        )
    assert row.params == {"case": "C-1"}

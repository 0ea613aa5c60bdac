"""Overdue referrals: pending after the protocol's answer period in working days; reminders
recorded once per referral and day."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from amana.audit.models import AuditEntry
from amana.referrals import access
from amana.referrals.actions import do_record_reminders, do_respond_referral, do_send_referral
from amana.referrals.models import Referral
from amana.referrals.overdue import (
    add_working_days,
    due_on,
    overdue,
    response_days,
    working_days_between,
)
from tests.referrals.backend_helpers import REFERRAL, World, agree, at, make_world

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 9)


@pytest.fixture
def world() -> World:
    return make_world()


def _sent_on(world: World, day: date) -> Referral:
    agree(world, "referral_immediate", "unhcr")
    referral = do_send_referral(case=world.case, data=REFERRAL, actor=world.worker).referral
    Referral.objects.filter(pk=referral.pk).update(sent_at=at(day))
    referral.refresh_from_db()
    return referral


def test_working_days_skip_weekends():
    friday = date(2026, 11, 20)
    assert add_working_days(friday, 5) == date(2026, 11, 27)
    assert add_working_days(date(2026, 11, 21), 1) == date(2026, 11, 23)  # Saturday → Monday
    assert working_days_between(friday, date(2026, 11, 23)) == 1
    assert working_days_between(friday, friday) == 0


def test_a_referral_is_overdue_after_the_protocols_working_days(world):
    referral = _sent_on(world, MONDAY)
    assert response_days(referral.sender) == 5
    assert due_on(referral) == date(2026, 11, 16)
    assert not overdue(referral, date(2026, 11, 16))
    assert overdue(referral, date(2026, 11, 17))
    assert not overdue(referral, date(2026, 11, 17), days=6)


def test_an_answered_referral_is_never_overdue(world):
    referral = _sent_on(world, MONDAY)
    do_respond_referral(referral=referral, accept=True, actor=world.officer)
    referral.refresh_from_db()
    assert not overdue(referral, date(2026, 11, 30))
    assert access.overdue_referrals(world.worker, today=date(2026, 11, 30)) == []


def test_the_sender_on_the_case_sees_its_overdue_referrals(world):
    referral = _sent_on(world, MONDAY)
    [item] = access.overdue_referrals(world.worker, today=date(2026, 11, 19))
    assert item.referral == referral and item.working_days_late == 3
    assert [i.referral for i in access.overdue_referrals(world.boss, today=date(2026, 11, 19))] == [
        referral
    ]
    assert access.overdue_referrals(world.worker, today=date(2026, 11, 16)) == []


def test_nobody_else_sees_them(world):
    _sent_on(world, MONDAY)
    for outsider in (world.colleague, world.officer, world.bystander):
        assert access.overdue_referrals(outsider, today=date(2026, 11, 19)) == []


def test_reminders_are_recorded_once_a_day(world):
    referral = _sent_on(world, MONDAY)
    assert [r.new for r in do_record_reminders(today=date(2026, 11, 19))] == [True]
    assert [r.new for r in do_record_reminders(today=date(2026, 11, 19))] == [False]
    assert AuditEntry.objects.filter(action="referral.remind").count() == 1
    assert [r.new for r in do_record_reminders(today=date(2026, 11, 20))] == [True]
    entry = AuditEntry.objects.filter(action="referral.remind").latest("id")
    assert entry.object_id == str(referral.pk) and entry.details["working_days_late"] == 4
    assert "Nour" not in str(entry.details)


def test_nothing_to_remind_before_the_deadline(world):
    _sent_on(world, MONDAY)
    assert do_record_reminders(today=date(2026, 11, 16)) == []
    assert not AuditEntry.objects.filter(action="referral.remind").exists()


def test_the_command_lists_and_records_reminders(world):
    referral = _sent_on(world, MONDAY)
    out = StringIO()
    call_command("referrals", "remind", "--date", "2026-11-19", stdout=out)
    assert f"new\t{referral.pk}" in out.getvalue() and "1 overdue, 1 reminded now" in out.getvalue()
    assert "Nour" not in out.getvalue()
    out = StringIO()
    call_command("referrals", "remind", "--date", "2026-11-19", stdout=out)
    assert "1 overdue, 0 reminded now" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("referrals", "remind", "--date", "someday", stdout=StringIO())

"""Reminders of overdue referrals (`amana referrals remind`, daily): one per overdue referral
and day, recorded as an audit entry, so running it twice a day reminds once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from amana.audit.log import write_entry
from amana.referrals.models import Referral
from amana.referrals.notices import referral_overdue
from amana.referrals.overdue import Overdue, overdue_among


@dataclass(frozen=True)
class Reminder:
    overdue: Overdue
    new: bool  # False: already reminded today


@transaction.atomic(durable=True)
def do_record_reminders(*, today: date | None = None, origin: str = "cli") -> list[Reminder]:
    """One reminder per overdue referral and day, recorded as an audit entry (system actor)."""
    day = today or timezone.localdate()
    reminders: list[Reminder] = []
    for item in overdue_among(Referral.objects.select_for_update(of=("self",)), day):
        new = item.referral.last_reminded_on != day
        reminders.append(Reminder(item, new))
        if new:
            _remind(item, day, origin)
    return reminders


def _remind(item: Overdue, day: date, origin: str) -> None:
    referral = item.referral
    Referral.objects.filter(pk=referral.pk).update(last_reminded_on=day)
    referral.last_reminded_on = day
    referral_overdue(referral)
    write_entry(
        actor=None,
        action="referral.remind",
        object_type="referral",
        object_id=referral.pk,
        origin=origin,
        details={
            "case": str(referral.case_id),
            "from": referral.sender.slug,
            "to": referral.recipient.slug,
            "due_on": item.due_on.isoformat(),
            "working_days_late": item.working_days_late,
            "on": day.isoformat(),
        },
    )

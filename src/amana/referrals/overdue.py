"""Overdue referrals: no answer within the protocol's `request_response_working_days`
(default 5) working days, Monday to Friday (ISP ground rules; rules.md R6.3).

`overdue(referral, today)` answers for one referral; `overdue_among` for many;
`actions.reminders.do_record_reminders` records the reminders (`amana referrals remind`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from amana.accounts.models import Agency
from amana.protocols.access import engine_protocol
from amana.protocols.models import ProtocolVersion
from amana.referrals.models import Referral
from amana.sharing.disclosure import protocol_version, protocol_versions

DEFAULT_WORKING_DAYS = 5
SATURDAY = 5


@dataclass(frozen=True)
class Overdue:
    referral: Referral
    due_on: date
    working_days_late: int


def add_working_days(start: date, days: int) -> date:
    """The day `days` working days (Monday to Friday) after `start`."""
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < SATURDAY:
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < SATURDAY:
            count += 1
    return count


def response_days(agency: Agency) -> int:
    """The answer period of the protocol the sender works under."""
    return _days(protocol_version(agency.slug))


def response_days_of(senders: Iterable[Agency]) -> dict[int, int]:
    """`response_days` of each sending agency, by agency id, the protocols read in one query
    whatever the number of agencies."""
    agencies = {agency.pk: agency.slug for agency in senders}
    versions = protocol_versions(agencies.values())
    return {pk: _days(versions[slug]) for pk, slug in agencies.items()}


def _days(version: ProtocolVersion | None) -> int:
    if version is None:
        return DEFAULT_WORKING_DAYS
    return engine_protocol(version).settings.request_response_working_days


def sent_on(referral: Referral) -> date:
    return timezone.localtime(referral.sent_at).date()


def due_on(referral: Referral, days: int | None = None) -> date:
    period = response_days(referral.sender) if days is None else days
    return add_working_days(sent_on(referral), period)


def overdue(referral: Referral, today: date, days: int | None = None) -> bool:
    """Still pending after the answer period."""
    return referral.status == Referral.Status.PENDING and today > due_on(referral, days)


def overdue_among(referrals: QuerySet[Referral], today: date) -> list[Overdue]:
    """The overdue ones among pending `referrals`, oldest first."""
    # Whatever the period, a referral sent today is not late yet.
    start_of_today = timezone.make_aware(datetime.combine(today, time()))
    candidates = referrals.filter(
        status=Referral.Status.PENDING, sent_at__lt=start_of_today
    ).select_related("sender", "recipient", "case")
    pending = list(candidates.order_by("sent_at"))
    periods = response_days_of(referral.sender for referral in pending)
    found: list[Overdue] = []
    for referral in pending:
        due = due_on(referral, periods[referral.sender_id])
        if today > due:
            found.append(Overdue(referral, due, working_days_between(due, today)))
    return found

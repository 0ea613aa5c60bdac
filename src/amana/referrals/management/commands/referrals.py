"""`amana referrals remind [--date YYYY-MM-DD]`: record today's reminders for overdue referrals.

One line per overdue referral (no personal data: referral id, case number, agencies, due date,
working days late); a reminder is recorded once per referral and day (an audit entry), so the
command can run as often as the operator likes. Bad arguments: exit status 2.

The worker already records them on a schedule (the periodic job `referrals.remind`, hourly by
default, `AMANA_JOBS_REMINDERS_CRON`); this command is for a given day or a check by hand.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amana.referrals.actions import do_record_reminders


class Command(BaseCommand):
    help = "Referrals: `remind` records reminders for referrals past the answer period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["remind"])
        parser.add_argument("--date", help="the day to remind for (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"--date: expected YYYY-MM-DD, got {options['date']!r}", returncode=2
                ) from None
        reminders = do_record_reminders(today=day, origin="cli")
        for reminder in reminders:
            item = reminder.overdue
            referral = item.referral
            self.stdout.write(
                f"{'new' if reminder.new else 'done'}\t{referral.pk}\t"
                f"{referral.case.case_number}\t{referral.sender.slug}->{referral.recipient.slug}"
                f"\tdue {item.due_on.isoformat()}\t{item.working_days_late} working days late"
            )
        new = sum(1 for r in reminders if r.new)
        self.stdout.write(f"{len(reminders)} overdue, {new} reminded now")

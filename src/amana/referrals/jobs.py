"""The referrals' background job: reminders of overdue referrals (periodic), which also
notify both sides once per overdue referral (amana.notifications). The e-mail telling a
recipient agency that a referral waits is the notification centre's e-mail job.

The actions are imported inside the job, so loading this module imports no actions.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amana.jobs.registry import job


@job(
    "referrals.remind",
    label=_("Reminders of overdue referrals"),
    cron=settings.AMANA_JOBS_REMINDERS_CRON,
)
def remind_overdue_referrals(timestamp: int = 0) -> str:
    """What `amana referrals remind` does, on a schedule: one reminder per overdue referral
    and day (an audit entry), for the day the run was scheduled, so a run that is retried
    after midnight still reminds for its own day. Running it hourly reminds once a day."""
    from amana.referrals.actions.reminders import do_record_reminders

    moment = datetime.fromtimestamp(timestamp, UTC) if timestamp else timezone.now()
    reminders = do_record_reminders(today=timezone.localdate(moment), origin="worker")
    return f"{len(reminders)} overdue, {sum(1 for r in reminders if r.new)} reminded now"

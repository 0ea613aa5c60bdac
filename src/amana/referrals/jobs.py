"""The referrals' background jobs: reminders of overdue referrals (periodic) and the e-mail
that tells a recipient agency a referral is waiting (enqueued by `do_send_referral`).

The actions are imported inside the jobs: `actions.send` enqueues a job of this module, so
this module must not import the actions package while it loads.
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


@job("referrals.notify_recipient", label=_("E-mail about a new referral"))
def notify_referral_recipient(referral_id: str) -> str:
    """E-mail the recipient agency's referral receivers that a referral is waiting."""
    from amana.referrals.actions.notify import do_notify_referral_recipients

    sent = do_notify_referral_recipients(referral_id=referral_id, actor=None)
    return f"{sent} recipients"

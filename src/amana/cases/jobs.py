"""The case domain's background job: telling assignees of overdue tasks (periodic).

The action is imported inside the job, so loading this module imports no actions."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amana.jobs.registry import job


@job(
    "cases.overdue_tasks",
    label=_("Notifications of overdue tasks"),
    cron=settings.AMANA_JOBS_OVERDUE_TASKS_CRON,
)
def notify_overdue_tasks(timestamp: int = 0) -> str:
    """Tell each overdue task's assignee once, as of the run's scheduled time."""
    from amana.cases.actions.overdue import do_notify_overdue_tasks

    moment = datetime.fromtimestamp(timestamp, UTC) if timestamp else timezone.now()
    return f"{do_notify_overdue_tasks(now=moment)} told"

"""The notification e-mails, sent by the worker after the action that notified commits.

The action is imported inside the job: `actions.notify` (imported by actions of other
apps) imports this module."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from amana.jobs.registry import job


@job("notifications.email", label=_("E-mail about new notifications"))
def email_notifications(notification_ids: list[str]) -> str:
    """Send each notification's e-mail (one message per notification, each sent once: a
    retry after a failure skips those already sent)."""
    from amana.notifications.actions.email import do_email_notification

    sent = sum(do_email_notification(notification_id=pk) for pk in notification_ids)
    return f"{sent} sent"

"""Reading notifications: a user reads their own, never anyone else's (another user's
notification is simply not found)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from amana.accounts.models import User
from amana.notifications.models import Notification

SHOWN = 50  # the list page shows the newest 50


def own_notifications(actor: User) -> QuerySet[Notification]:
    """The actor's notifications, newest first."""
    return Notification.objects.filter(recipient=actor).order_by("-created_at")


def unread_count(actor: User) -> int:
    """How many of the actor's notifications are unread, counted (the badge reads the
    user's counter instead, kept equal to this by the write path)."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()


def own_notification(actor: User, notification_id: str) -> Notification:
    """The actor's notification `notification_id`; Http404 if there is none of theirs."""
    found = own_notifications(actor).filter(pk=notification_id).first()
    if found is None:
        raise Http404
    return found

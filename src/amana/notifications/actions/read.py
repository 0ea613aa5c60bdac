"""Marking notifications read: one, or all of the actor's. Each keeps the actor's unread
counter (the menu badge) in step, in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from amana.accounts.models import User
from amana.audit.log import write_entry
from amana.notifications.access import own_notifications
from amana.notifications.actions.notify import adjust_unread
from amana.notifications.models import Notification


@transaction.atomic(durable=True)
def do_mark_notification_read(
    *, notification: Notification, origin: str = "", actor: User
) -> Notification:
    """The actor read one of their notifications (someone else's is not found)."""
    row = own_notifications(actor).select_for_update().get(pk=notification.pk)
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at"])
        adjust_unread([actor.pk], -1)
        write_entry(
            actor=actor,
            action="notification.read",
            object_type="notification",
            object_id=row.pk,
            origin=origin,
            details={"kind": row.kind},
        )
    return row


@transaction.atomic(durable=True)
def do_mark_all_notifications_read(*, origin: str = "", actor: User) -> int:
    """Every unread notification of the actor is read; return how many."""
    marked = own_notifications(actor).filter(read_at__isnull=True).update(read_at=timezone.now())
    if marked:
        adjust_unread([actor.pk], -marked)
        write_entry(
            actor=actor,
            action="notification.read_all",
            object_type="user",
            object_id=actor.pk,
            origin=origin,
            details={"count": marked},
        )
    return marked

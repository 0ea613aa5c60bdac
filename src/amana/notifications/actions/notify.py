"""`notify(...)`: the one way an action tells users something happened.

Call it inside the action's transaction: the notification rows and the e-mail job commit
with the action or not at all. The actor is never told of their own act; inactive users are
not told. With `once_key`, a user is told once per key however often it is called (overdue
items, checked by periodic jobs).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest

from amana.jobs.queue import enqueue
from amana.notifications.jobs import email_notifications
from amana.notifications.kinds import KINDS, clean_params
from amana.notifications.models import Notification


def email_enabled() -> bool:
    """Whether EMAIL_URL names a way to send mail (empty: the app shows notifications only)."""
    return bool(settings.AMANA_EMAIL_ENABLED)


def notify(
    recipients: Iterable[Any],
    kind: str,
    *,
    params: dict[str, Any] | None = None,
    link: str = "",
    actor: Any = None,
    once_key: str = "",
) -> list[Notification]:
    """Tell each recipient (users or user ids) of `kind`; return the rows created."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify must run inside the action's transaction")
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    ids = _recipient_ids(recipients, actor)
    if once_key and ids:
        told = Notification.objects.filter(once_key=once_key, recipient_id__in=ids)
        ids -= set(told.values_list("recipient_id", flat=True))
    if not ids:
        return []
    clean = clean_params(params or {})
    rows = Notification.objects.bulk_create(
        Notification(recipient_id=user_id, kind=kind, params=clean, link=link, once_key=once_key)
        for user_id in sorted(ids, key=str)
    )
    adjust_unread(ids, +1)
    if email_enabled():
        enqueue(email_notifications, notification_ids=[str(row.pk) for row in rows])
    return rows


def adjust_unread(user_ids: Iterable[Any], change: int) -> None:
    """Move the users' unread counters (the menu badge) by `change`, never below zero."""
    users = get_user_model().objects.filter(pk__in=list(user_ids))
    users.update(unread_notifications=Greatest(F("unread_notifications") + change, 0))


def _recipient_ids(recipients: Iterable[Any], actor: Any) -> set[Any]:
    wanted = {getattr(user, "pk", user) for user in recipients if user is not None}
    wanted.discard(getattr(actor, "pk", None))
    if not wanted:
        return set()
    active = get_user_model().objects.filter(pk__in=wanted, is_active=True)
    return set(active.values_list("pk", flat=True))

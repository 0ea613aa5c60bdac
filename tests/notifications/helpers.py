"""What a user was told: their notifications' kinds."""

from __future__ import annotations

from amana.accounts.models import User
from amana.notifications.models import Notification


def kinds_for(user: User) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def told(user: User, kind: str) -> Notification:
    return Notification.objects.get(recipient=user, kind=kind)

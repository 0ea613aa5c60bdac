"""One notification: a user, a kind, when, whether read, where it leads, and the few
non-personal words its sentence needs (a case number, an agency's name), never a child's
name or anything about the child."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=32)
    # The sentence's parameters: case numbers and agency names only (see `kinds.KINDS`).
    params = models.JSONField(default=dict, blank=True)
    # A path inside Amana (no host): the page the notification is about.
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Set for events that must be told once (an overdue item): one row per user and key.
    once_key = models.CharField(max_length=80, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_latest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "once_key"],
                condition=~Q(once_key=""),
                name="notification_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

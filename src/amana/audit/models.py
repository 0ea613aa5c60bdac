"""The append-only, hash-chained audit log.

Writers insert entries inside the transaction of the action they record, with the hash of the
entry's own canonical JSON (`content_hash`). A sealer later places committed entries into the
chain in order: it sets `seq`, `prev_hash` and `chain_hash` once, and nothing can change an entry
after that (a PostgreSQL trigger refuses every other UPDATE and every DELETE).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Outcome(models.TextChoices):
    OK = "ok", "ok"
    DENIED = "denied", "denied"
    NOT_FOUND = "not_found", "not found"
    ERROR = "error", "error"


class AuditEntry(models.Model):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now)
    actor = models.CharField(max_length=64, blank=True)
    actor_id = models.CharField(max_length=64, blank=True)
    agency = models.CharField(max_length=63, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.OK)
    origin = models.CharField(max_length=128, blank=True)
    details = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64)
    seq = models.BigIntegerField(null=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    chain_hash = models.CharField(max_length=64, blank=True)
    # Set by the sealer with seq: NULL/1 = unkeyed SHA-256 link (entries sealed before the
    # keyed chain), 2 = HMAC-SHA256 under AMANA_AUDIT_KEY.
    chain_version = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor_id", "at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq or '?'} {self.action} {self.object_type}:{self.object_id}"

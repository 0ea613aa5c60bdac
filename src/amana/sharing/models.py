"""The sharing ledger: every disclosure of a child's data, and every refused attempt.

Rows are written once by the write path (`ledger.record_disclosure`) and never changed; on
PostgreSQL a trigger refuses UPDATE and DELETE. Data-subject requests and breach notifications
read this ledger.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class LedgerEntry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="ledger_entries", null=True
    )
    sender = models.CharField(max_length=63)
    recipient = models.CharField(max_length=63)
    purpose = models.CharField(max_length=32)
    service = models.CharField(max_length=64, blank=True)
    legal_basis = models.CharField(max_length=32)
    protocol = models.CharField(max_length=120)
    decision = models.CharField(max_length=8)
    requested = models.JSONField(default=list)
    shared = models.JSONField(default=list)
    codes = models.JSONField(default=list)
    request = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["case", "at"]), models.Index(fields=["recipient", "at"])]

    def __str__(self) -> str:
        return f"{self.decision} {self.sender}→{self.recipient} {self.purpose}"

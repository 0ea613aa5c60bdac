"""The sharing ledger: every disclosure of a child's data, and every refused attempt.

Rows are written once by the write path (`ledger.record_disclosure`) and never changed: the
model refuses to save a stored row or delete one (`LedgerIsFinal`) on every database, and on
PostgreSQL a trigger also refuses UPDATE, DELETE and TRUNCATE. Data-subject requests and breach
notifications read this ledger. Exceptional circumstances, the basis of sharing without consent,
are kept beside it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amana.crypto.fields import EncryptedTextField


class LedgerIsFinal(Exception):
    """A ledger row cannot be changed or deleted; every disclosure adds a new one."""


class LedgerQuerySet(models.QuerySet["LedgerEntry"]):
    """Rows are added, never updated or deleted in bulk either (on any database)."""

    def update(self, **kwargs: Any) -> int:
        raise LedgerIsFinal("sharing ledger")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise LedgerIsFinal("sharing ledger")


# The columns whose digest the keyed audit chain keeps (`audit.row`): all of them, the row is final.
LEDGER_SEALED_FIELDS = (
    "id",
    "at",
    "actor_id",
    "case_id",
    "sender",
    "recipient",
    "purpose",
    "service",
    "legal_basis",
    "protocol",
    "decision",
    "requested",
    "shared",
    "codes",
    "request",
)


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

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["case", "at"]), models.Index(fields=["recipient", "at"])]

    def __str__(self) -> str:
        return f"{self.decision} {self.sender}→{self.recipient} {self.purpose}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerIsFinal(str(self.pk))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise LedgerIsFinal(str(self.pk))


class ExceptionalCircumstance(models.Model):
    """An exceptional circumstance recorded on a case, and a supervisor's decision on it.

    It is the legitimate basis of sharing without consent (rules.md R3.3 to R3.5): what happened,
    the benefit/risk assessment, and whether the recipient was assessed as safe. Only a supervisor
    of the case's agency holding CONSENT_OVERRIDE, other than the person who recorded it, approves
    it; only an approved record reaches the protocol engine (`facts.request_from_case`). The
    description, the assessment and the decision note are encrypted.
    """

    class Kind(models.TextChoices):
        VITAL_INTERESTS = "vital_interests", _("Immediate danger to the child (vital interests)")
        SAFETY_SECURITY = "safety_security", _("Immediate threat to others (safety and security)")
        MANDATE_INVESTIGATION = (
            "mandate_investigation",
            _("Investigation under a mandate (fraud, sexual exploitation and abuse)"),
        )

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="exceptional_circumstances"
    )
    kind = models.CharField(_("circumstance"), max_length=24, choices=Kind.choices)
    description = EncryptedTextField(_("what is happening"))
    risk_assessment = EncryptedTextField(_("benefit and risk assessment"))
    recipient = models.CharField(_("recipient"), max_length=63)
    recipient_assessed_safe = models.BooleanField(_("recipient assessed as safe"), default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = EncryptedTextField(_("note on the decision"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["case", "status", "recipient"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.status} {self.pk}"

    @property
    def approved_by(self) -> Any:
        return self.decided_by if self.status == self.Status.APPROVED else None

    @property
    def approved_at(self) -> Any:
        return self.decided_at if self.status == self.Status.APPROVED else None

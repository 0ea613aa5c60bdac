"""Referrals between agencies. The recipient sees the packet — never the case."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Agency
from amana.crypto.fields import EncryptedTextField


class Referral(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        REVOKED = "revoked", _("Revoked")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    sender = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    service = models.CharField(_("service"), max_length=64)
    legal_basis = models.CharField(max_length=32)
    label = models.CharField(_("label the recipient sees"), max_length=200, blank=True)
    contact_method = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    packet = EncryptedTextField()  # JSON: only the elements the decision allowed, frozen
    shared_elements = models.JSONField(default=list)
    ledger = models.OneToOneField(
        "sharing.LedgerEntry", on_delete=models.PROTECT, related_name="referral"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["recipient", "status", "sent_at"])]

    def __str__(self) -> str:
        return f"referral {self.pk} {self.status}"

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
    """One disclosure to another agency: a referral, or (purpose case_transfer) a transfer."""

    class Purpose(models.TextChoices):
        REFERRAL_IMMEDIATE = "referral_immediate", _("Referral to a service now")
        REFERRAL_FUTURE = "referral_future", _("Referral for services later")
        CASE_TRANSFER = "case_transfer", _("Case transfer")
        CLOSED_CASE_ACCESS = "closed_case_access", _("Closed case: access for future services")
        CLOSED_CASE_ARCHIVE = "closed_case_archive", _("Closed case: archiving")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        REVOKED = "revoked", _("Revoked")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    sender = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(
        _("purpose"), max_length=32, choices=Purpose.choices, default=Purpose.REFERRAL_IMMEDIATE
    )
    service = models.CharField(_("service"), max_length=64, blank=True)
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
    response_reason = EncryptedTextField(blank=True)  # at most 300 characters (respond.py)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_reminded_on = models.DateField(null=True, blank=True)
    # JSON: the service feedback the engine allowed back to the sender (status, date, outcome)
    service_feedback = EncryptedTextField(blank=True)
    service_feedback_at = models.DateTimeField(null=True, blank=True)
    # Once accepted: the recipient agency's case — opened from the packet, or (not for a
    # transfer) an existing case the duplicate check found, which several referrals may share
    received_case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_referrals",
    )

    class Meta:
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["recipient", "status", "sent_at"]),
            models.Index(fields=["status", "sent_at"]),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk} {self.status}"


class RecipientNotice(models.Model):
    """Something the recipient agency must be told about a referral it received."""

    class Kind(models.TextChoices):
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent was withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} notice for {self.referral_id}"

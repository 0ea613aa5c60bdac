"""Stored protocols: every version of every document is kept, never overwritten."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProtocolVersion(models.Model):
    protocol_id = models.CharField(_("protocol"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    document = models.JSONField(_("document"))
    source_text = models.TextField(_("source text"))
    sha256 = models.CharField(max_length=64)
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["protocol_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["protocol_id", "version"], name="unique_protocol_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.protocol_id} v{self.version}"

    @property
    def reference(self) -> str:
        return f"{self.protocol_id}@{self.version}"

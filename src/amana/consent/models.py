"""Consent and assent on record: who agreed (or refused) to what, for whom, when and how.

Records are never edited or deleted: a change of mind is a new record (a refusal or a
withdrawal). On PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002), except the
re-sealing of `notes` by key rotation. Only `access.py` reads these for users and only
`actions.py` writes them.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amana.cases.models import Case, Child
from amana.crypto.fields import EncryptedTextField


class RecordIsFinal(Exception):
    """A consent record cannot be changed or deleted; record a new one instead."""


# The columns whose digest the keyed audit chain keeps (`audit.row`). Not `notes`: it is
# encrypted and bound to its row already, and key rotation rewrites its ciphertext.
CONSENT_SEALED_FIELDS = (
    "id",
    "case_id",
    "child_id",
    "given_by",
    "kind",
    "purposes",
    "recipients",
    "services",
    "stage",
    "method",
    "language",
    "explained_by_id",
    "given_on",
    "recorded_by_id",
    "recorded_at",
)


class ConsentRecord(models.Model):
    class Giver(models.TextChoices):
        CHILD = "child", _("The child")
        CAREGIVER = "caregiver", _("Caregiver")
        RELATIVE = "relative", _("Relative caring for a separated child")
        ADULT_SUBJECT = "adult_subject", _("The person (an adult)")

    class Kind(models.TextChoices):
        CONSENT = "consent", _("Consent")
        ASSENT = "assent", _("Assent")
        REFUSAL = "refusal", _("Refusal")
        WITHDRAWAL = "withdrawal", _("Withdrawal")

    class Stage(models.TextChoices):
        INTAKE = "intake", _("At intake")
        CLOSURE = "closure", _("At case closure")
        OTHER = "other", _("During the case")

    class Method(models.TextChoices):
        WRITTEN = "written", _("Written (signed form)")
        ORAL = "oral", _("Oral")
        RECORDED = "recorded", _("Recorded (audio or video)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consent_records")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    given_by = models.CharField(_("given by"), max_length=16, choices=Giver.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    purposes = models.JSONField(_("purposes"), default=list)
    recipients = models.JSONField(_("recipients"), default=list)
    services = models.JSONField(_("services"), null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    method = models.CharField(_("how it was given"), max_length=8, choices=Method.choices)
    language = models.CharField(_("language"), max_length=16)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_on = models.DateField(_("date given"))
    notes = EncryptedTextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["given_on", "recorded_at"]
        indexes = [models.Index(fields=["case", "given_on"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RecordIsFinal(str(self.pk))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RecordIsFinal(str(self.pk))

"""Forms as data, stored: the versions of each form definition and the records filled in for
cases. Record data is JSON in one encrypted column (`formdata.py`).

The models were in `cases` before; their tables keep the `cases_` names.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Agency
from amana.cases.models import Case
from amana.crypto.fields import EncryptedTextField


class FormDefinition(models.Model):
    """One version of a form (shipped default or adapted by an agency); never overwritten."""

    form_id = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    definition = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "cases_formdefinition"  # the table the model had in `cases`, kept
        constraints = [
            models.UniqueConstraint(
                fields=["form_id", "agency", "version"], name="unique_form_version"
            ),
            models.UniqueConstraint(
                fields=["form_id", "version"],
                condition=models.Q(agency__isnull=True),
                name="unique_shipped_form_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form_id} v{self.version}"


class FormRecord(models.Model):
    """A form filled in for a case, remembering the form version it was entered with."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")
        DONE = "done", _("Done")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="forms")
    form = models.ForeignKey(FormDefinition, on_delete=models.PROTECT, related_name="+")
    data = EncryptedTextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "cases_formrecord"  # the table the model had in `cases`, kept
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.form_id_label} for {self.case_id}"

    @property
    def form_id_label(self) -> str:
        return self.form.form_id

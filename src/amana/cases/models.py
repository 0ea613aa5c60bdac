"""Children, the people around them, and their cases. Personal data is encrypted per field.

Only `access.py` reads these for users and only `actions.py` writes them. The places and
lookup lists a case refers to are reference data (`amana.refdata`); the forms filled in for a
case are `amana.caseforms`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Agency
from amana.crypto.fields import EncryptedTextField
from amana.refdata.models import Location, Lookup


class Sensitivity(models.TextChoices):
    IDENTIFYING = "identifying", _("Identifying")
    SENSITIVE_PERSONAL = "sensitive_personal", _("Sensitive personal")
    PROTECTION = "protection", _("Protection")
    PROCESS = "process", _("Process")


class Child(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")
        UNKNOWN = "unknown", _("Unknown")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="children")
    full_name = EncryptedTextField(_("full name"))
    other_names = EncryptedTextField(_("other names"), blank=True)
    date_of_birth = EncryptedTextField(_("date of birth"), blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    nationality = models.CharField(_("nationality"), max_length=64, blank=True)
    individual_id = EncryptedTextField(_("individual registration number"), blank=True)
    individual_id_index = models.CharField(max_length=32, blank=True, db_index=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["agency", "birth_year"])]

    def __str__(self) -> str:
        return f"child {self.pk}"


class NameToken(models.Model):
    """Blind index of one normalised name token of a child, for search without plaintext."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="name_tokens")
    token = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["token", "child"])]

    def __str__(self) -> str:
        return f"name token of {self.child_id}"


class RelatedPerson(models.Model):
    class Relationship(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        CAREGIVER = "caregiver", _("Caregiver")
        RELATIVE = "relative", _("Relative")
        SIBLING = "sibling", _("Sibling")
        HOUSEHOLD = "household", _("Household member")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="related_people")
    relationship = models.CharField(_("relationship"), max_length=16, choices=Relationship.choices)
    full_name = EncryptedTextField(_("full name"))
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    is_caregiver = models.BooleanField(_("is the caregiver"), default=False)
    lives_with_child = models.BooleanField(_("lives with the child"), default=True)
    name_token = models.CharField(max_length=32, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.relationship} of {self.child_id}"


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        TRANSFERRED = "transferred", _("Transferred")

    class Stage(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ASSESSED = "assessed", _("Initial assessment done")
        BIA = "bia", _("Best interests assessed")
        PLANNED = "planned", _("Case plan approved")
        IMPLEMENTATION = "implementation", _("Implementation and follow-up")
        CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
        CLOSED = "closed", _("Closed")

    class Risk(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    class CareArrangement(models.TextChoices):
        PARENTS = "parents", _("With parents")
        KINSHIP = "kinship", _("Kinship care")
        FOSTER = "foster", _("Foster care")
        INDEPENDENT = "independent", _("Independent living")
        RESIDENTIAL = "residential", _("Residential care")
        UNACCOMPANIED = "unaccompanied", _("Unaccompanied, no care arrangement")
        OTHER = "other", _("Other")

    class BestInterestsStatus(models.TextChoices):
        NONE = "none", _("Not started")
        BIA_DONE = "bia_done", _("BIA completed")
        BID_PENDING = "bid_pending", _("BID pending")
        BID_DONE = "bid_done", _("BID completed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case_number = models.CharField(_("case number"), max_length=32, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="cases")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.REGISTERED
    )
    risk_level = models.CharField(_("risk level"), max_length=8, choices=Risk.choices)
    concerns = models.ManyToManyField(Lookup, blank=True, related_name="+")
    care_arrangement = models.CharField(
        _("care arrangement"), max_length=16, choices=CareArrangement.choices, blank=True
    )
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT)
    is_refugee = models.BooleanField(_("refugee"), default=False)
    best_interests_status = models.CharField(
        _("BIA/BID status"),
        max_length=16,
        choices=BestInterestsStatus.choices,
        default=BestInterestsStatus.NONE,
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the case arrived by an accepted transfer (consent is asked again from then on).
    received_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["agency", "status", "risk_level"]),
            models.Index(fields=["supervisor", "status"]),
            models.Index(fields=["next_due_at"]),
        ]

    def __str__(self) -> str:
        return self.case_number


class CaseAssignment(models.Model):
    """A user who may see the case: its caseworkers and anyone explicitly assigned."""

    class Role(models.TextChoices):
        CASEWORKER = "caseworker", _("Caseworker")
        OTHER = "other", _("Explicitly assigned")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_assignments"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CASEWORKER)
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="unique_case_assignment")
        ]
        indexes = [models.Index(fields=["user", "case"])]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.case_id}"


class CaseNumberCounter(models.Model):
    """Per agency and year, the last case number issued."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="unique_case_counter")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last}"


class Task(models.Model):
    class Kind(models.TextChoices):
        INITIAL_ASSESSMENT = "initial_assessment", _("Initial assessment due")
        CASE_PLAN = "case_plan", _("Case plan due")
        FOLLOW_UP = "follow_up", _("Follow-up due")
        APPROVAL = "approval", _("Approval needed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    due_at = models.DateTimeField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["assigned_to", "done_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.case_id}"

"""The only read path for case forms: the records of a case the actor may see, their data
masked by the actor's sensitivity classes, and a supervisor's approvals inbox."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from amana.accounts.models import User
from amana.caseforms.formdata import read_data
from amana.caseforms.formdefs import mask
from amana.caseforms.models import FormRecord
from amana.cases.access import CaseNotFound, can_see, team_cases, visible_classes
from amana.cases.models import Case


def case_forms(actor: User, case: Case) -> list[FormRecord]:
    """The forms of a case the actor has opened with access_case (visibility re-checked)."""
    if not can_see(actor, case):
        return []
    return list(FormRecord.objects.filter(case=case).select_related("form", "created_by"))


def readable_form_data(actor: User, record: FormRecord) -> dict[str, Any]:
    """A form's data as the actor may see it: fields of other sensitivity classes masked."""
    if not can_see(actor, record.case):
        raise CaseNotFound
    shown: dict[str, Any] = mask(record.form.definition, read_data(record), visible_classes(actor))
    return shown


def approvals_inbox(actor: User) -> QuerySet[FormRecord]:
    """Submitted forms waiting for this supervisor."""
    return (
        FormRecord.objects.filter(status=FormRecord.Status.SUBMITTED, case__in=team_cases(actor))
        .select_related("case", "form", "created_by")
        .order_by("created_at")
    )

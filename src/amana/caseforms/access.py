"""The only read path for case forms: the records of a case the actor may see, one of them by
id, their data masked by the actor's sensitivity classes, and a supervisor's approvals inbox
(and one pending form in it)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from amana.accounts.models import User
from amana.audit.lookup import fetch_or_not_found
from amana.caseforms.formdata import read_data
from amana.caseforms.formdefs import kept_definitions, mask
from amana.caseforms.models import FormRecord
from amana.cases.access import CaseNotFound, can_see, team_cases, visible_classes
from amana.cases.models import Case


def case_forms(actor: User, case: Case) -> list[FormRecord]:
    """The forms of a case the actor has opened with access_case (visibility re-checked)."""
    if not can_see(actor, case):
        return []
    records = list(
        FormRecord.objects.filter(case=case)
        .select_related("form", "created_by")
        .defer("form__definition")
    )
    # The definitions from the copies this process keeps (`formdefs.kept_definitions`), and
    # the case the records belong to: nothing more is read per record.
    kept = kept_definitions([(record.form.pk, record.form.created_at) for record in records])
    for record in records:
        record.form = kept.get((record.form.pk, record.form.created_at), record.form)
        record.case = case
    return records


def access_case_form(
    actor: User, case: Case, record_id: object, *, form_id: str | None = None, origin: str = ""
) -> FormRecord:
    """One form of a case the actor has opened (of `form_id`, when given); CaseNotFound
    (audited) for anything else, whether it exists or not."""
    records = FormRecord.objects.filter(case=case).select_related("form", "created_by", "case")
    if form_id is not None:
        records = records.filter(form__form_id=form_id)
    if not can_see(actor, case):
        records = records.none()
    return fetch_or_not_found(
        actor,
        records,
        record_id,
        action="form.view",
        object_type="form",
        origin=origin,
        error=CaseNotFound,
    )


def access_pending_form(actor: User, record_id: object, *, origin: str = "") -> FormRecord:
    """A submitted form waiting for this supervisor's decision; CaseNotFound (audited) for
    anything else."""
    return fetch_or_not_found(
        actor,
        approvals_inbox(actor),
        record_id,
        action="form.decide",
        object_type="form",
        origin=origin,
        error=CaseNotFound,
    )


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

"""The write path for case forms: saving, submitting and deciding a case's form records,
and adapting form definitions to an agency's SOPs. Each action checks permission, runs in one
transaction and writes its audit entry in that transaction; record data never goes into it.

A record that completes its step (or is approved) moves the case on through the steps of
`amana.cases.actions.lifecycle`. Adapting never overwrites: it stores a new version for the
actor's agency, and every FormRecord keeps pointing at the version it was entered with.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amana.accounts.models import Agency, User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry
from amana.audit.models import AuditEntry
from amana.caseforms.formdata import read_data, write_data
from amana.caseforms.formdefs import (
    SHIPPED_FORMS,
    DefinitionError,
    load_shipped,
    next_version,
    stored_form,
    stored_forms,
    validate_definition,
    validate_form_data,
)
from amana.caseforms.models import FormDefinition, FormRecord
from amana.cases import policy
from amana.cases.actions import (
    approval_settled,
    complete_step,
    refuse_unless,
    request_approval,
    returned,
)
from amana.cases.errors import ActionError, EditConflict, NotAllowed
from amana.cases.models import Case
from amana.cases.notices import approval_decided

# --- Form definitions ----------------------------------------------------------------------


def store_shipped_forms() -> list[FormDefinition]:
    """Store each shipped form as version 1 (agency None). Running it again stores nothing;
    a shipped file that changed in a new release of Amana is stored as the next version.

    A step: it runs in the caller's transaction (`do_store_shipped_forms`, or
    `current_form` the first time a form is asked for)."""
    stored: list[FormDefinition] = []
    for form_id in SHIPPED_FORMS:
        definition = load_shipped(form_id)
        shipped = FormDefinition.objects.select_for_update().filter(
            form_id=form_id, agency__isnull=True
        )
        latest = shipped.order_by("-version").first()
        if latest is not None and latest.definition == definition:
            stored.append(latest)
            continue
        version = (latest.version + 1) if latest is not None else 1
        row = FormDefinition.objects.create(
            form_id=form_id, version=version, agency=None, definition=definition
        )
        write_entry(
            actor=None,
            action="form.ship",
            object_type="form",
            object_id=f"{form_id}@{version}",
            details={"form_id": form_id, "version": version},
        )
        stored.append(row)
    return stored


@transaction.atomic(durable=True)
def do_store_shipped_forms() -> list[FormDefinition]:
    """Store the shipped form set (`store_shipped_forms`) in a transaction of its own."""
    return store_shipped_forms()


def current_form(form_id: str, agency: Agency | None) -> FormDefinition:
    """The form a new record of `agency` uses (`formdefs.stored_form`). The shipped set is
    stored the first time a shipped form is asked for (`store_shipped_forms`, in the caller's
    transaction, or one of its own when a page asks). Raises FormDefinition.DoesNotExist for
    an unknown form."""
    row = stored_form(form_id, agency)
    if row is None and form_id in SHIPPED_FORMS:
        with transaction.atomic():
            store_shipped_forms()
        row = stored_form(form_id, agency)
    if row is None:
        raise FormDefinition.DoesNotExist(f"no form {form_id!r}")
    return row


def current_forms(form_ids: list[str], agency: Agency | None) -> dict[str, FormDefinition]:
    """`current_form` of each of `form_ids` that exists, by form id, in one query
    (`formdefs.stored_forms`; the rows are shared copies: read them, never change them)."""
    found = stored_forms(form_ids, agency)
    if any(form_id in SHIPPED_FORMS and form_id not in found for form_id in form_ids):
        with transaction.atomic():
            store_shipped_forms()
        found = stored_forms(form_ids, agency)
    return found


@transaction.atomic(durable=True)
def do_adapt_form(*, form_id: str, definition: dict[str, Any], actor: User) -> FormDefinition:
    """Store `definition` as the actor's agency's newest version of `form_id`.

    Needs FORM_MANAGE. The definition must be valid, keep the form's id and step, and differ
    from the version in use (an unchanged definition returns the version in use).
    """
    if not actor.has_permission(Perm.FORM_MANAGE):
        raise NotAllowed(Perm.FORM_MANAGE.value)
    agency = Agency.objects.select_for_update().get(pk=actor.agency_id)
    try:
        base = current_form(form_id, agency)
    except FormDefinition.DoesNotExist:
        raise ActionError("form_id", _("There is no form %(form)s.") % {"form": form_id}) from None
    try:
        cleaned = validate_definition(definition)
    except DefinitionError as exc:
        raise ActionError("definition", str(exc)) from exc
    if cleaned["id"] != form_id:
        raise ActionError(
            "definition",
            _("id: must stay %(form)s (the form being adapted).") % {"form": form_id},
        )
    step = base.definition.get("step")
    if cleaned["step"] != step:
        raise ActionError("definition", _("step: must stay %(step)s.") % {"step": step})
    if base.definition == cleaned:
        return base  # nothing changed: no new version
    version = next_version(form_id, agency)
    adapted = FormDefinition.objects.create(
        form_id=form_id,
        version=version,
        agency=agency,
        definition=cleaned,
        created_by=actor,
    )
    write_entry(
        actor=actor,
        action="form.adapt",
        object_type="form",
        object_id=f"{form_id}@{version}",
        details={"form_id": form_id, "version": version, "based_on": base.version},
    )
    return adapted


# --- Case forms and the case-management cycle --------------------------------------------


def _form_errors(
    definition: dict[str, Any], data: dict[str, Any], *, draft: bool
) -> dict[str, Any]:
    """Validated data; a draft may be incomplete but nothing in it may be wrong."""
    clean, errors = validate_form_data(definition, data)
    if draft:
        errors = {path: text for path, text in errors.items() if _given(data, path)}
    if errors:
        name = sorted(errors)[0]
        raise ActionError(name, errors[name])
    return clean


def _given(data: dict[str, Any], path: str) -> bool:
    """Whether the user filled in the field (or the group) an error is about."""
    top = path.split("[", 1)[0].split(".", 1)[0]
    return data.get(top) not in (None, "", [], {})


def _check_step_allowed(case: Case, definition: dict[str, Any]) -> None:
    if not policy.is_open(case):
        raise ActionError("case", _("This case is closed. Reopen it first."))
    if definition.get("refugee_only") and not case.is_refugee:
        raise ActionError("form", _("This form is for refugee children only."))


@transaction.atomic(durable=True)
def do_save_form(
    *,
    case: Case,
    form_id: str,
    data: dict[str, Any],
    submit: bool,
    record: FormRecord | None = None,
    expected_version: int | None = None,
    origin: str = "",
    actor: User,
) -> FormRecord:
    """Save a form of the case as a draft, or submit it (for approval where the step needs it)."""
    refuse_unless(policy.can_edit_case(actor, case), Perm.CASE_EDIT)
    if record is None:
        try:
            definition_row = current_form(form_id, case.agency)
        except FormDefinition.DoesNotExist:
            raise ActionError("form", _("There is no such form.")) from None
        record = FormRecord(case=case, form=definition_row, created_by=actor)
    else:
        record = FormRecord.objects.select_for_update().get(pk=record.pk, case=case)
        if expected_version is not None and record.version != expected_version:
            raise EditConflict(*_last_form_change(record))
        if record.status not in (FormRecord.Status.DRAFT, FormRecord.Status.RETURNED):
            raise ActionError("form", _("This form was already submitted."))
    definition = record.form.definition
    _check_step_allowed(case, definition)
    clean = _form_errors(definition, data, draft=not submit)
    needs_approval = definition.get("approval") == "supervisor"
    if submit and needs_approval and case.supervisor_id is None:
        raise ActionError(
            "supervisor", _("Name the case's supervisor before submitting this form.")
        )
    write_data(record, clean)
    record.status = _status_after_save(submit, needs_approval)
    record.version = (record.version or 0) + (0 if record._state.adding else 1)
    record.save()
    step = str(definition.get("step", form_id))
    if record.status == FormRecord.Status.SUBMITTED:
        request_approval(case, step, actor=actor)
    elif record.status == FormRecord.Status.DONE:
        _complete(case, step, record, actor)
    write_entry(
        actor=actor,
        action="form.submit" if submit else "form.save",
        object_type="case",
        object_id=case.pk,
        origin=origin,
        details={"form": form_id, "record": str(record.pk), "status": record.status},
    )
    return record


def _complete(case: Case, step: str, record: FormRecord, actor: User) -> None:
    """The record's step is done: the case moves on (closing it with the form's reason)."""
    reason = str(read_data(record).get("closure_reason", "")) if step == "closure" else ""
    complete_step(case, step, done_by=record.created_by, closure_reason=reason, actor=actor)


def _status_after_save(submit: bool, needs_approval: bool) -> str:
    if not submit:
        return FormRecord.Status.DRAFT
    return FormRecord.Status.SUBMITTED if needs_approval else FormRecord.Status.DONE


def _last_form_change(record: FormRecord) -> tuple[str, list[str], str]:
    entry = (
        AuditEntry.objects.filter(
            action__in=("form.save", "form.submit"), details__record=str(record.pk)
        )
        .order_by("-id")
        .first()
    )
    if entry is None:
        return ("", [], "")
    return (entry.actor, [str(entry.details.get("form", ""))], entry.at.isoformat())


@transaction.atomic(durable=True)
def do_decide_form(
    *, record: FormRecord, approve: bool, note: str = "", origin: str = "", actor: User
) -> FormRecord:
    """The case's supervisor approves a submitted form, or returns it with a note."""
    record = FormRecord.objects.select_for_update().select_related("case", "form").get(pk=record.pk)
    case = record.case
    refuse_unless(policy.can_approve_case_forms(actor, case), Perm.CASE_APPROVE)
    if record.status != FormRecord.Status.SUBMITTED:
        raise ActionError("form", _("Only a submitted form can be approved or returned."))
    if record.created_by_id == actor.pk:
        raise ActionError("form", _("Someone else must approve a form you submitted."))
    if not approve and not note.strip():
        raise ActionError("note", _("Say what needs to change."))
    record.status = FormRecord.Status.APPROVED if approve else FormRecord.Status.RETURNED
    record.decided_by, record.decided_at, record.decision_note = actor, timezone.now(), note.strip()
    record.save()
    approval_settled(case)
    step = str(record.form.definition.get("step", record.form.form_id))
    if approve:
        _complete(case, step, record, actor)
    else:
        returned(case, step)
    approval_decided(case, record.created_by_id, approved=approve, actor=actor)
    write_entry(
        actor=actor,
        action="form.approve" if approve else "form.return",
        object_type="case",
        object_id=case.pk,
        origin=origin,
        details={"form": record.form.form_id, "record": str(record.pk)},
    )
    return record

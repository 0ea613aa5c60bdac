"""Starting, saving and submitting the forms of a case, and reading a record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from amana.accounts.models import User
from amana.audit.log import origin_of
from amana.caseforms import access as form_access
from amana.caseforms import actions
from amana.caseforms.formdefs import text_in
from amana.caseforms.models import FormDefinition, FormRecord
from amana.caseforms.views.form_pages import (
    FormPage,
    _display_value,
    _form_page,
    _form_values,
    _readable_sections,
)
from amana.caseforms.webforms import DecisionForm, FormRecordMeta
from amana.cases import access, policy
from amana.cases.errors import ActionError, EditConflict
from amana.cases.models import Case
from amana.cases.views.common import ErrorItem, error_items
from amana.cases.views.conflicts import Conflict, _loaded, _same, _when
from amana.core.web import actor_of, field_error, forbidden, guarded, not_found


def _form_conflict(
    error: EditConflict, page: FormPage, current: Mapping[str, Any]
) -> tuple[Conflict, QueryDict]:
    """What moved since the person opened the form, and their answers on top of it."""
    form = page.form
    names = [n for n in form.fields if form.fields[n].show_hidden_initial]
    loaded = _loaded(form, names)
    now = _form_values(page.definition, current)
    yours = set(form.changed_data)
    items = {
        item["id"]: item for section in page.definition["sections"] for item in section["fields"]
    }
    rows = []
    for name in names:
        try:
            now_value = form.fields[name].to_python(now.get(name))
        except forms.ValidationError:
            now_value = now.get(name)
        if not _same(loaded[name], now_value):
            rows.append(
                {
                    "label": str(form.fields[name].label),
                    "now": _display_value(items[name], current.get(name)),
                    "yours": _display_value(items[name], form.cleaned_data.get(name))
                    if name in yours
                    else "",
                }
            )
    assert isinstance(form.data, QueryDict)
    data = form.data.copy()
    for name in names:
        current_value = now.get(name)
        raw = current_value if isinstance(current_value, list) else [current_value]
        shown = ["" if v is None else str(v) for v in raw if v is not None]
        data.setlist(f"initial-{name}", shown)
        if name not in yours:
            data.setlist(name, shown)
    conflict = Conflict(changed_by=error.changed_by, at=_when(error.at), fields=rows)
    return conflict, data


def _case_form_record(actor: User, case: Case, form_id: str, record_id: str) -> FormRecord:
    return form_access.access_case_form(actor, case, record_id, form_id=form_id)


def _render_form(
    request: HttpRequest,
    case: Case,
    page: FormPage | None,
    *,
    record: FormRecord | None = None,
    readable: list[Any] | None = None,
    decision: DecisionForm | None = None,
    conflict: Conflict | None = None,
    status: int = 200,
) -> HttpResponse:
    form = page.form if page is not None else None
    if page is not None:
        # A draft was checked with nothing required; the page still marks what will be.
        for section in page.definition["sections"]:
            for item in section["fields"]:
                if item["id"] in page.form.fields:
                    page.form.fields[item["id"]].required = item["required"]
    group_errors: list[ErrorItem] = []
    for section in page.sections if page is not None else []:
        for item in section["items"]:
            if "group" not in item or not item["group"].is_bound:
                continue
            for number, row in enumerate(item["group"].forms, start=1):
                label = _("%(group)s, row %(row)s") % {"group": item["label"], "row": number}
                setattr(row, "row_label", label)  # noqa: B010 - read by error_items
                group_errors += error_items(row)
    title = page.title if page is not None else ""
    if not title and record is not None:
        title = text_in(record.form.definition.get("title"))
    context = {
        "case": case,
        "page": page,
        "record": record,
        "readable": readable,
        "decision": decision,
        "conflict": conflict,
        "title": title or (record.form.form_id if record is not None else ""),
        "errors": error_items(form, decision) + group_errors,
    }
    return render(request, "caseforms/case_form.html", context, status=status)


def _definition_for(case: Case, form_id: str) -> FormDefinition | None:
    try:
        row: FormDefinition = actions.current_form(form_id, case.agency)
    except FormDefinition.DoesNotExist:
        return None
    return row


def _save_form(
    request: HttpRequest,
    *,
    actor: User,
    case: Case,
    form_id: str,
    definition: Mapping[str, Any],
    record: FormRecord | None,
) -> HttpResponse:
    submit = request.POST.get("action") == "submit"
    page = _form_page(definition, data=request.POST, draft=not submit)
    meta = FormRecordMeta(request.POST)
    if not page.form.is_valid() or not meta.is_valid():
        return _render_form(request, case, page, record=record, status=400)
    try:
        saved = actions.do_save_form(
            case=case,
            form_id=form_id,
            data=page.form.form_data,  # type: ignore[attr-defined]
            submit=submit,
            record=record,
            expected_version=meta.cleaned_data["version"] if record is not None else None,
            origin=origin_of(request),
            actor=actor,
        )
    except EditConflict as error:
        current = form_access.readable_form_data(actor, record) if record is not None else {}
        record_now = _case_form_record(actor, case, form_id, str(record.pk)) if record else None
        conflict, data = _form_conflict(error, page, current)
        rebased = _form_page(definition, data=data, draft=not submit)
        rebased.form.is_valid()
        return _render_form(
            request, case, rebased, record=record_now, conflict=conflict, status=409
        )
    except ActionError as error:
        field_error(page.form, error)
        return _render_form(request, case, page, record=record, status=400)
    notes: dict[str, str] = {
        FormRecord.Status.DRAFT: _("Draft saved."),
        FormRecord.Status.SUBMITTED: _("Submitted to the supervisor for approval."),
        FormRecord.Status.DONE: _("Form completed."),
    }
    messages.success(request, notes.get(saved.status, _("Form saved.")))
    return redirect("cases:form_record", case_id=case.pk, form_id=form_id, record_id=saved.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@guarded
def case_form_new(request: HttpRequest, case_id: str, form_id: str) -> HttpResponse:
    actor = actor_of(request)
    case = access.access_case(actor, case_id, origin=origin_of(request))
    row = _definition_for(case, form_id)
    if row is None:
        return not_found(request)
    if not policy.can_edit_case(actor, case):
        return forbidden(request)
    if request.method == "POST":
        return _save_form(
            request, actor=actor, case=case, form_id=form_id, definition=row.definition, record=None
        )
    return _render_form(request, case, _form_page(row.definition))


@require_http_methods(["GET", "HEAD", "POST"])
@guarded
def case_form_record(
    request: HttpRequest, case_id: str, form_id: str, record_id: str
) -> HttpResponse:
    actor = actor_of(request)
    case = access.access_case(actor, case_id, origin=origin_of(request))
    record = _case_form_record(actor, case, form_id, record_id)
    definition = record.form.definition
    editable = (
        record.status in (FormRecord.Status.DRAFT, FormRecord.Status.RETURNED)
        and policy.is_open(case)
        and policy.can_edit_case(actor, case)
    )
    if request.method == "POST":
        if not editable:
            return forbidden(request)
        return _save_form(
            request, actor=actor, case=case, form_id=form_id, definition=definition, record=record
        )
    data = form_access.readable_form_data(actor, record)
    page = _form_page(definition, record_data=data) if editable else None
    decision = None
    if record.status == FormRecord.Status.SUBMITTED and policy.can_approve_case_forms(actor, case):
        decision = DecisionForm()
    return _render_form(
        request,
        case,
        page,
        record=record,
        readable=None if editable else _readable_sections(definition, data),
        decision=decision,
    )

"""Approvals: the supervisor's inbox of submitted forms, and the decision on one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import origin_of
from amana.caseforms.access import access_pending_form, approvals_inbox, readable_form_data
from amana.caseforms.actions import do_decide_form
from amana.caseforms.formdefs import text_in
from amana.caseforms.models import FormRecord
from amana.caseforms.views.case_forms import _render_form
from amana.caseforms.views.form_pages import _readable_sections
from amana.caseforms.webforms import DecisionForm
from amana.cases import access
from amana.cases.errors import ActionError
from amana.cases.views.common import error_items
from amana.core.web import actor_of, field_error, forbidden, guarded


def _inbox_rows(actor: User, decided: FormRecord | None, form: DecisionForm | None) -> Any:
    return [
        {
            "record": record,
            "title": text_in(record.form.definition.get("title")) or record.form.form_id,
            "url": reverse(
                "cases:form_record", args=[record.case_id, record.form.form_id, record.pk]
            ),
            "form": form if decided is not None and record.pk == decided.pk else DecisionForm(),
        }
        for record in approvals_inbox(actor)
    ]


def _render_inbox(
    request: HttpRequest,
    actor: User,
    decided: FormRecord | None = None,
    form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"rows": _inbox_rows(actor, decided, form), "errors": error_items(form)}
    return render(request, "caseforms/approvals.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
def approvals(request: HttpRequest) -> HttpResponse:
    """Submitted forms of the cases the actor supervises, oldest first."""
    actor = actor_of(request)
    if not actor.has_permission(Perm.CASE_APPROVE):
        return forbidden(request)
    return _render_inbox(request, actor)


@require_POST
@guarded
def decide(request: HttpRequest, record_id: str) -> HttpResponse:
    actor = actor_of(request)
    if not actor.has_permission(Perm.CASE_APPROVE):
        return forbidden(request)
    record = access_pending_form(actor, record_id, origin=origin_of(request))
    form = DecisionForm(request.POST)
    from_record = request.POST.get("from") == "record"
    if form.is_valid():
        try:
            do_decide_form(
                record=record,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
                origin=origin_of(request),
                actor=actor,
            )
        except ActionError as error:
            field_error(form, error)
        else:
            approved = form.cleaned_data["decision"] == "approve"
            messages.success(request, _("Approved.") if approved else _("Returned for changes."))
            return redirect("cases:approvals")
    if from_record:
        case = access.access_case(actor, record.case_id, origin=origin_of(request))
        data = readable_form_data(actor, record)
        return _render_form(
            request,
            case,
            None,
            record=record,
            readable=_readable_sections(record.form.definition, data),
            decision=form,
            status=400,
        )
    return _render_inbox(request, actor, record, form, status=400)

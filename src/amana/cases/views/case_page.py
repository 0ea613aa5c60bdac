"""The case page and what it posts to: edit facts, assign, unassign, supervisor, reopen."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from amana.accounts.models import User
from amana.audit.log import origin_of
from amana.cases import access, actions, policy
from amana.cases.errors import ActionError, EditConflict
from amana.cases.models import Case
from amana.cases.views.case_facts import (
    _assignment_rows,
    _case_facts,
    _child_facts,
    _choosable,
    _colleagues,
    _people_facts,
    _record_rows,
    _startable_forms,
    _task_rows,
)
from amana.cases.views.common import error_items
from amana.cases.views.conflicts import _case_conflict, _rebased_case_form
from amana.cases.webforms import AssignForm, CaseEditForm, ReopenForm, SupervisorForm
from amana.core.web import actor_of, field_error, forbidden, guarded
from amana.refdata.models import Lookup


def _render_case(
    request: HttpRequest, actor: User, case: Case, *, status: int = 200, **given: Any
) -> HttpResponse:
    concerns = list(case.concerns.all())  # the facts and the edit form show them
    can_edit = policy.is_open(case) and policy.can_edit_case(actor, case)
    is_supervisor = policy.can_assign_case(actor, case)
    forms = _case_forms(
        actor, case, concerns, can_edit=can_edit, is_supervisor=is_supervisor, **given
    )
    context = {
        "case": case,
        "child": _child_facts(actor, case),
        "people": _people_facts(actor, case),
        "facts": _case_facts(actor, case, concerns),
        "tasks": _task_rows(case),
        "records": _record_rows(actor, case),
        "startable": _startable_forms(case) if can_edit else [],
        "assignments": _assignment_rows(case),
        "is_supervisor": is_supervisor,
        **forms,
        "conflict": given.get("conflict"),
        "errors": error_items(*forms.values()),
    }
    return render(request, "cases/case_detail.html", context, status=status)


def _case_forms(
    actor: User,
    case: Case,
    concerns: list[Lookup],
    *,
    can_edit: bool,
    is_supervisor: bool,
    **given: Any,
) -> dict[str, Any]:
    """The forms of the case page the actor may use, or those given (bound, with errors)."""
    can_reopen = policy.is_closed(case) and policy.can_reopen_case(actor, case)
    wanted_colleagues = is_supervisor and not given.get("assign_form")
    wanted_supervisors = can_edit and not given.get("supervisor_form")
    colleagues, supervisors = _choosable(
        actor, case, colleagues=wanted_colleagues, supervisors=wanted_supervisors
    )
    edit_form = given.get("edit_form") or (
        CaseEditForm(initial=CaseEditForm.initial_for(case, concerns)) if can_edit else None
    )
    assign_form = given.get("assign_form") or (
        AssignForm(colleagues=colleagues or []) if wanted_colleagues else None
    )
    supervisor_form = given.get("supervisor_form") or (
        SupervisorForm(
            agency_id=case.agency_id,
            supervisors=supervisors,
            initial={"supervisor": case.supervisor_id},
        )
        if wanted_supervisors
        else None
    )
    return {
        "edit_form": edit_form,
        "assign_form": assign_form,
        "supervisor_form": supervisor_form,
        "reopen_form": given.get("reopen_form") or (ReopenForm() if can_reopen else None),
    }


@require_http_methods(["GET", "HEAD"])
@guarded
def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    actor = actor_of(request)
    case = access.access_case(actor, case_id, origin=origin_of(request))
    return _render_case(request, actor, case)


@require_POST
@guarded
def case_edit(request: HttpRequest, case_id: str) -> HttpResponse:
    actor = actor_of(request)
    case = access.access_case(actor, case_id, origin=origin_of(request))
    if not policy.can_edit_case(actor, case):
        return forbidden(request)
    form = CaseEditForm(request.POST)
    if not form.is_valid():
        return _render_case(request, actor, case, edit_form=form, status=400)
    changes = form.changes()
    if not changes:
        messages.info(request, _("Nothing was changed."))
        return redirect("cases:detail", case_id=case.pk)
    try:
        actions.do_update_case(
            case=case,
            changes=changes,
            expected_version=form.cleaned_data["version"],
            origin=origin_of(request),
            actor=actor,
        )
    except EditConflict as error:
        current = access.access_case(actor, case.pk, origin=origin_of(request))
        return _render_case(
            request,
            actor,
            current,
            edit_form=_rebased_case_form(form, current),
            conflict=_case_conflict(error, form, current),
            status=409,
        )
    except ActionError as error:
        field_error(form, error)
        return _render_case(request, actor, case, edit_form=form, status=400)
    messages.success(request, _("Case facts saved."))
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@guarded
def case_assign(request: HttpRequest, case_id: str) -> HttpResponse:
    actor = actor_of(request)
    case = access.access_case(actor, case_id, origin=origin_of(request))
    if not policy.can_assign_case(actor, case):
        return forbidden(request)
    form = AssignForm(request.POST, colleagues=_colleagues(actor, case))
    if not form.is_valid():
        return _render_case(request, actor, case, assign_form=form, status=400)
    colleague = form.chosen_user()
    try:
        actions.do_assign_case(
            case=case, user=colleague, role=form.cleaned_data["role"], actor=actor
        )
    except ActionError as error:
        field_error(form, error)
        return _render_case(request, actor, case, assign_form=form, status=400)
    messages.success(request, _("%(user)s can now open this case.") % {"user": colleague.username})
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@guarded
def case_unassign(request: HttpRequest, case_id: str) -> HttpResponse:
    actor = actor_of(request)
    case = access.access_case(actor, case_id, origin=origin_of(request))
    if not policy.can_assign_case(actor, case):
        return forbidden(request)
    chosen = next(
        (
            a
            for a in case.assignments.select_related("user")
            if str(a.user_id) == request.POST.get("user", "")
        ),
        None,
    )
    if chosen is None:
        messages.error(request, _("That colleague is not assigned to this case."))
        return redirect("cases:detail", case_id=case.pk)
    actions.do_unassign_case(case=case, user=chosen.user, actor=actor)
    messages.success(
        request, _("%(user)s no longer has this case.") % {"user": chosen.user.username}
    )
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@guarded
def case_supervisor(request: HttpRequest, case_id: str) -> HttpResponse:
    actor = actor_of(request)
    case = access.access_case(actor, case_id, origin=origin_of(request))
    form = SupervisorForm(request.POST, agency_id=case.agency_id)
    if not form.is_valid():
        return _render_case(request, actor, case, supervisor_form=form, status=400)
    try:
        actions.do_set_supervisor(case=case, supervisor=form.chosen_supervisor(), actor=actor)
    except ActionError as error:
        field_error(form, error)
        return _render_case(request, actor, case, supervisor_form=form, status=400)
    messages.success(request, _("Supervisor saved."))
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@guarded
def case_reopen(request: HttpRequest, case_id: str) -> HttpResponse:
    actor = actor_of(request)
    case = access.access_case(actor, case_id, origin=origin_of(request))
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _render_case(request, actor, case, reopen_form=form, status=400)
    try:
        actions.do_reopen_case(
            case=case, reason=form.cleaned_data["reason"], origin=origin_of(request), actor=actor
        )
    except ActionError as error:
        field_error(form, error)
        return _render_case(request, actor, case, reopen_form=form, status=400)
    messages.success(request, _("Case reopened."))
    return redirect("cases:detail", case_id=case.pk)

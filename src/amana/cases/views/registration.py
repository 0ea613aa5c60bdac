"""The registration wizard: child → people → case facts → possible duplicates, then
register, once however often the button is pressed."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from amana.accounts.models import User
from amana.audit.log import origin_of
from amana.cases import actions, policy
from amana.cases.errors import ActionError
from amana.cases.views.common import error_items
from amana.cases.views.registration_check import _candidates, _register_inputs, _summary
from amana.cases.views.wizard import (
    DEFAULT_ROWS,
    PEOPLE_FIELD,
    STEP_TITLES,
    STEPS,
    Wizard,
    _case_form,
    _child_form,
    _clear_wizard,
    _first_incomplete,
    _load_wizard,
    _people_forms,
    _person,
    _save_wizard,
    _typed,
)
from amana.cases.webforms import (
    MAX_PEOPLE,
    ChildForm,
    ConfirmNewChildForm,
    PersonForm,
    RegisterCaseForm,
)
from amana.core.web import actor_of, forbidden, guarded, not_found


def _step_url(step: str) -> str:
    if step == "child":
        return reverse("cases:register")
    return reverse("cases:register_step", args=[step])


def _render_step(
    request: HttpRequest, step: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    steps = [
        {"name": name, "title": STEP_TITLES[name], "number": number, "url": _step_url(name)}
        for number, name in enumerate(STEPS, start=1)
    ]
    context = {
        "step": step,
        "steps": steps,
        "step_number": STEPS.index(step) + 1,
        "step_count": len(STEPS),
        "step_title": STEP_TITLES[step],
        **context,
    }
    return render(request, f"cases/register_{step}.html", context, status=status)


def _render_child(request: HttpRequest, form: ChildForm, status: int = 200) -> HttpResponse:
    return _render_step(request, "child", {"form": form, "errors": error_items(form)}, status)


def _render_people(
    request: HttpRequest, people: list[PersonForm], status: int = 200
) -> HttpResponse:
    context = {
        "people": people,
        "rows": len(people),
        "can_add": len(people) < MAX_PEOPLE,
        "errors": error_items(*people),
    }
    return _render_step(request, "people", context, status)


def _render_case_facts(
    request: HttpRequest, form: RegisterCaseForm, status: int = 200
) -> HttpResponse:
    return _render_step(request, "case", {"form": form, "errors": error_items(form)}, status)


def _render_check(
    request: HttpRequest,
    actor: User,
    wizard: Wizard,
    *,
    confirm: ConfirmNewChildForm | None = None,
    status: int = 200,
    problem: str = "",
) -> HttpResponse:
    child = _child_form(wizard)
    people = [form for form in _people_forms(wizard) if form.is_valid()]
    case = _case_form(actor, wizard)
    child.is_valid()
    case.is_valid()
    candidates = _candidates(actor, child, people)
    context = {
        "summary": _summary(child, people, case),
        "checked": candidates is not None,
        "candidates": candidates or [],
        "confirm": confirm or ConfirmNewChildForm(),
        "problem": problem,
        "errors": error_items(confirm),
    }
    return _render_step(request, "check", context, status)


def _refused_at_step(
    request: HttpRequest, actor: User, wizard: Wizard, error: ActionError
) -> HttpResponse:
    """The action refused a value: show the step that holds it, the message on its field."""
    match = PEOPLE_FIELD.match(error.field)
    people = _people_forms(wizard)
    if match and int(match.group(1)) < len(people):
        for form in people:
            form.is_valid()
        row = people[int(match.group(1))]
        row.add_error(match.group(2) if match.group(2) in row.fields else None, error.message)
        return _render_people(request, people, status=400)
    child = _child_form(wizard)
    if error.field in child.fields:
        child.is_valid()
        child.add_error(error.field, error.message)
        return _render_child(request, child, status=400)
    case = _case_form(actor, wizard)
    if error.field in case.fields:
        case.is_valid()
        case.add_error(error.field, error.message)
        return _render_case_facts(request, case, status=400)
    return _render_check(request, actor, wizard, status=400, problem=error.message)


@require_http_methods(["GET", "HEAD", "POST"])
@guarded
def register(request: HttpRequest, step: str = "child") -> HttpResponse:
    actor = actor_of(request)
    if step not in STEPS:
        return not_found(request)
    if not policy.can_register_case(actor):
        return forbidden(request)
    wizard = _load_wizard(request, actor)
    post = request.POST if request.method == "POST" else None
    action = post.get("action", "next") if post is not None else ""
    if action == "stop":
        _clear_wizard(request)
        messages.info(request, _("Registration stopped. Nothing was saved."))
        return redirect("cases:list")
    if action != "back":
        missing = _first_incomplete(actor, wizard, step)
        if missing is not None:
            return redirect(_step_url(missing))
    if step == "child":
        return _register_child(request, actor, wizard, post)
    if step == "people":
        return _register_people(request, actor, wizard, post, action)
    if step == "case":
        return _register_case_facts(request, actor, wizard, post, action)
    return _register_check(request, actor, wizard, post, action)


def _register_child(
    request: HttpRequest, actor: User, wizard: Wizard, post: QueryDict | None
) -> HttpResponse:
    if post is None:
        return _render_child(request, ChildForm(initial=wizard.data.get("child")))
    form = ChildForm(post)
    if not form.is_valid():
        return _render_child(request, form, status=400)
    wizard.data["child"] = _typed(form)
    _save_wizard(request, actor, wizard)
    return redirect(_step_url("people"))


def _register_people(
    request: HttpRequest, actor: User, wizard: Wizard, post: QueryDict | None, action: str
) -> HttpResponse:
    if post is None:
        stored: list[dict[str, Any]] = wizard.data.get("people") or []
        rows = len(stored) if "people" in wizard.data else DEFAULT_ROWS
        people = [
            _person(PersonForm(initial=stored[i] if i < len(stored) else None, prefix=f"p{i}"), i)
            for i in range(max(rows, 1))
        ]
        return _render_people(request, people)
    people = _people_forms(wizard, post)
    typed = [_typed(form) for form in people]
    if action == "add":
        if len(typed) < MAX_PEOPLE:
            typed.append(_typed(PersonForm({}, prefix="new")) | {"lives_with_child": True})
        wizard.data["people"] = typed
        _save_wizard(request, actor, wizard)
        return redirect(_step_url("people"))
    if action == "back":
        wizard.data["people"] = typed
        _save_wizard(request, actor, wizard)
        return redirect(_step_url("child"))
    if not all(form.is_valid() for form in people):
        return _render_people(request, people, status=400)
    wizard.data["people"] = typed
    _save_wizard(request, actor, wizard)
    return redirect(_step_url("case"))


def _register_case_facts(
    request: HttpRequest, actor: User, wizard: Wizard, post: QueryDict | None, action: str
) -> HttpResponse:
    if post is None:
        form = RegisterCaseForm(initial=wizard.data.get("case"), agency_id=actor.agency_id)
        return _render_case_facts(request, form)
    form = _case_form(actor, wizard, post)
    if action == "back":
        wizard.data["case"] = _typed(form)
        _save_wizard(request, actor, wizard)
        return redirect(_step_url("people"))
    if not form.is_valid():
        return _render_case_facts(request, form, status=400)
    wizard.data["case"] = _typed(form)
    _save_wizard(request, actor, wizard)
    return redirect(_step_url("check"))


def _register_check(
    request: HttpRequest, actor: User, wizard: Wizard, post: QueryDict | None, action: str
) -> HttpResponse:
    if post is None:
        return _render_check(request, actor, wizard)
    if action == "back":
        return redirect(_step_url("case"))
    child = _child_form(wizard)
    people = _people_forms(wizard)
    case = _case_form(actor, wizard)
    if not (child.is_valid() and all(p.is_valid() for p in people) and case.is_valid()):
        return redirect(_step_url(_first_incomplete(actor, wizard, "check") or "child"))
    confirm = ConfirmNewChildForm(post)
    candidates = _candidates(actor, child, people) or []
    if candidates and not confirm.is_valid():
        return _render_check(request, actor, wizard, confirm=confirm, status=400)
    inputs = _register_inputs(child, people, case)
    inputs["dismissed_duplicates"] = [candidate.case_number for candidate in candidates]
    return _register_once(request, actor, wizard, inputs)


def _register_once(
    request: HttpRequest, actor: User, wizard: Wizard, inputs: dict[str, Any]
) -> HttpResponse:
    """One case per wizard, however often a slow connection makes the button be pressed."""
    key = f"amana:registration:{actor.pk}:{wizard.id}"
    if not cache.add(key, "pending", timeout=300):
        return _already_registered(request, key)
    try:
        case = actions.do_register_case(**inputs, origin=origin_of(request), actor=actor)
    except ActionError as error:
        cache.delete(key)
        return _refused_at_step(request, actor, wizard, error)
    except BaseException:
        cache.delete(key)
        raise
    cache.set(key, str(case.pk), timeout=300)
    _clear_wizard(request)
    messages.success(request, _("Case %(number)s registered.") % {"number": case.case_number})
    return redirect("cases:detail", case_id=case.pk)


def _already_registered(request: HttpRequest, key: str) -> HttpResponse:
    deadline = time.monotonic() + 10
    value = cache.get(key)
    while value == "pending" and time.monotonic() < deadline:
        time.sleep(0.2)
        value = cache.get(key)
    _clear_wizard(request)
    if value and value != "pending":
        return redirect("cases:detail", case_id=value)
    messages.info(request, _("This registration was already sent. Find the case in your list."))
    return redirect("cases:list")

"""The case pages: lists, the registration wizard, the case page, case forms and approvals.

Views are thin: they parse input with `webforms`, read only through `access` and write only
through `actions`. An `ActionError` goes back to the field it names, `NotAllowed` is a 403 page,
`CaseNotFound` a 404 page (a case of another agency, or one not assigned, is simply not found),
and `EditConflict` a 409 page saying who changed what and when, with what the person typed kept.
"""

from __future__ import annotations

import copy
import importlib
import json
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from amana.accounts import access as account_access
from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import origin_of
from amana.cases import access, actions
from amana.cases.errors import ActionError, EditConflict, NotAllowed
from amana.cases.models import (
    Case,
    CaseAssignment,
    FormDefinition,
    FormRecord,
    Location,
    Lookup,
    Sensitivity,
    Task,
)
from amana.cases.webforms import (
    MAX_PEOPLE,
    AssignForm,
    CaseEditForm,
    CaseFilterForm,
    CaseSearchForm,
    ChildForm,
    ConfirmNewChildForm,
    DecisionForm,
    FormRecordMeta,
    PersonForm,
    RegisterCaseForm,
    ReopenForm,
    SupervisorForm,
    location_and_below,
)
from amana.crypto.cipher import Context, DecryptionError, context_for
from amana.crypto.keys import keyring

MASK = "•••"
DUE_DAYS = 7
EDITABLE = CaseEditForm.EDITABLE
ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


# ---------------------------------------------------------------------------------------------
# Shared


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/forbidden.html", status=403)


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/not_found.html", status=404)


def guarded(view: ViewFunc) -> ViewFunc:
    """A case that is not the actor's is "not found"; a refused action is "not allowed"."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except access.CaseNotFound:
            return _not_found(request)
        except NotAllowed:
            return _forbidden(request)

    return wrapper  # type: ignore[return-value]


def _is_htmx(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _optional(module: str, name: str) -> Any:
    """A function another part of Amana may not provide yet; None until it does."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def _lifecycle(name: str) -> Any:
    """A form lifecycle function of actions.py or access.py, None if it is not there."""
    return getattr(actions, name, None) or getattr(access, name, None)


def _to_field(form: forms.Form, error: ActionError) -> None:
    """An action's refusal, on the field it names (the top of a path like `people[1].name`)."""
    top = re.split(r"[\[.]", error.field, maxsplit=1)[0]
    form.add_error(top if top in form.fields else None, error.message)


@dataclass
class ErrorItem:
    anchor: str
    message: str


def error_items(*bound_forms: forms.Form | None) -> list[ErrorItem]:
    """Every error of the forms, each naming its field, linked to it, for the summary."""
    items: list[ErrorItem] = []
    for form in bound_forms:
        if form is None or not form.is_bound:
            continue
        lead = getattr(form, "row_label", "")
        for name, errors in form.errors.items():
            bound = form[name] if name in form.fields else None
            anchor = (bound.id_for_label or f"{bound.auto_id}_0") if bound is not None else ""
            label = str(bound.label) if bound is not None and bound.label else ""
            for message in errors:
                text = str(message)
                if label and name != NON_FIELD_ERRORS and label.lower() not in text.lower():
                    text = _("%(field)s: %(message)s") % {"field": label, "message": text}
                if lead:
                    text = _("%(field)s: %(message)s") % {"field": lead, "message": text}
                items.append(ErrorItem(anchor, text))
    return items


def _masked(classes: frozenset[Sensitivity], cls: Sensitivity, value: Any) -> Any:
    return value if cls in classes else MASK


def _age(child: Any, classes: frozenset[Sensitivity], today: date) -> int | None:
    """Age from the date of birth where the actor sees it, else from the year of birth."""
    if Sensitivity.IDENTIFYING in classes and child.date_of_birth:
        born = date.fromisoformat(child.date_of_birth)
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if child.birth_year:
        return int(today.year - child.birth_year)
    return None


# ---------------------------------------------------------------------------------------------
# Case lists


@dataclass
class CaseRow:
    case: Case
    name: str
    age: int | None
    overdue: bool
    caseworkers: list[str] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)


def _rows(actor: User, cases: Iterable[Case], *, team: bool = False) -> list[CaseRow]:
    classes = access.visible_classes(actor)
    now = timezone.now()
    today = timezone.localdate()
    rows = []
    for case in cases:
        row = CaseRow(
            case=case,
            name=_masked(classes, Sensitivity.IDENTIFYING, case.child.full_name),
            age=_age(case.child, classes, today),
            overdue=bool(
                case.status == Case.Status.OPEN and case.next_due_at and case.next_due_at < now
            ),
        )
        if team:
            row.caseworkers = [
                a.user.username
                for a in case.assignments.all()
                if a.role == CaseAssignment.Role.CASEWORKER
            ]
        rows.append(row)
    return rows


def _filtered(cases: QuerySet[Case], filters: dict[str, str]) -> QuerySet[Case]:
    now = timezone.now()
    if "status" in filters:
        cases = cases.filter(status=filters["status"])
    if "risk" in filters:
        cases = cases.filter(risk_level=filters["risk"])
    if "concern" in filters:
        cases = cases.filter(concerns__kind=actions.CONCERNS, concerns__code=filters["concern"])
    if "location" in filters:
        cases = cases.filter(location__code__in=location_and_below(filters["location"]))
    if filters.get("due") == "overdue":
        cases = cases.filter(status=Case.Status.OPEN, next_due_at__lt=now)
    elif filters.get("due") == "week":
        until = now + timedelta(days=DUE_DAYS)
        cases = cases.filter(status=Case.Status.OPEN, next_due_at__gte=now, next_due_at__lte=until)
    return cases


def _ordered(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("child", "location").order_by(
        F("next_due_at").asc(nulls_last=True), "case_number"
    )


def _case_list(request: HttpRequest, scope: str) -> HttpResponse:
    """My cases and the team view: what access.py lets the actor see, whatever their role
    (someone explicitly assigned sees the case, masked by class). Filters come by GET and may
    go in the address bar; a name to search for comes by POST and never appears in a URL, a
    server log or the browser's history."""
    actor = _actor(request)
    team = scope == "team"
    if team and not actor.has_permission(Perm.CASE_ASSIGN):
        return _forbidden(request)
    by_post = request.method == "POST"
    params = request.POST if by_post else request.GET
    filter_form = CaseFilterForm(params)
    filters = filter_form.valid_filters()
    search_form = CaseSearchForm(request.POST if by_post else None)
    search = _optional("amana.cases.search", "search_children")
    query = search_form.cleaned_data["q"] if by_post and search_form.is_valid() else ""
    cases = _filtered(access.team_cases(actor) if team else access.visible_cases(actor), filters)
    if query and search is not None:
        cases = search(cases, query)
    cases = _ordered(cases)
    if team:
        cases = cases.prefetch_related("assignments__user")
    page = access.audited_page(actor, cases, params.get("page"), origin=origin_of(request))
    list_url = reverse("cases:team" if team else "cases:list")
    filter_query = urlencode(filters)
    context = {
        "scope": scope,
        "page": page,
        "rows": _rows(actor, page.object_list, team=team),
        "filter_form": filter_form,
        "search_form": search_form,
        "search_available": search is not None,
        "searching": bool(query and search is not None),
        "filters": filters,
        "filter_query": filter_query,
        "list_url": list_url,
        "errors": error_items(filter_form, search_form),
        "can_register": actor.has_permission(Perm.CASE_CREATE),
        "oob": _is_htmx(request) and not by_post,
    }
    status = 400 if filter_form.errors or search_form.errors else 200
    if _is_htmx(request):
        response = render(request, "cases/_case_results.html", context, status=status)
        # The address bar gets the valid filters only, never the name searched for.
        shown = filters | ({"page": str(page.number)} if page.number > 1 and not by_post else {})
        response["HX-Push-Url"] = f"{list_url}?{urlencode(shown)}" if shown else list_url
    else:
        response = render(request, "cases/case_list.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def case_list(request: HttpRequest) -> HttpResponse:
    return _case_list(request, "mine")


@require_http_methods(["GET", "HEAD", "POST"])
def team_list(request: HttpRequest) -> HttpResponse:
    return _case_list(request, "team")


def _due_tasks(actor: User) -> QuerySet[Task]:
    due_tasks = _lifecycle("due_tasks")
    if due_tasks is not None:
        tasks: QuerySet[Task] = due_tasks(actor, days=DUE_DAYS)
        return tasks
    until = timezone.now() + timedelta(days=DUE_DAYS)
    return Task.objects.filter(
        assigned_to=actor,
        done_at__isnull=True,
        due_at__lte=until,
        case__in=access.visible_cases(actor),
    ).order_by("due_at")


@require_http_methods(["GET", "HEAD"])
def due_list(request: HttpRequest) -> HttpResponse:
    """The actor's tasks not done, overdue or due within the week, by case."""
    actor = _actor(request)
    tasks = _due_tasks(actor)
    cases = _ordered(access.visible_cases(actor).filter(pk__in=tasks.values("case_id")))
    page = access.audited_page(actor, cases, request.GET.get("page"), origin=origin_of(request))
    rows = _rows(actor, page.object_list)
    now = timezone.now()
    by_case: dict[Any, list[dict[str, Any]]] = {}
    for task in tasks.filter(case_id__in=[row.case.pk for row in rows]):
        by_case.setdefault(task.case_id, []).append({"task": task, "overdue": task.due_at < now})
    for row in rows:
        row.tasks = by_case.get(row.case.pk, [])
    context = {"page": page, "rows": rows, "days": DUE_DAYS}
    return render(request, "cases/due_list.html", context)


# ---------------------------------------------------------------------------------------------
# Registration wizard: child → people → case facts → possible duplicates, then register.
# What was typed waits in the session between steps, encrypted like the fields it becomes.

WIZARD_KEY = "amana_registration"
STEPS = ("child", "people", "case", "check")
STEP_TITLES = {
    "child": gettext_lazy("The child"),
    "people": gettext_lazy("Caregivers and household"),
    "case": gettext_lazy("Case facts"),
    "check": gettext_lazy("Check and register"),
}
DEFAULT_ROWS = 2
PEOPLE_FIELD = re.compile(r"^people\[(\d+)\]\.(\w+)$")
CAREGIVING = frozenset({"mother", "father", "caregiver"})


@dataclass
class Wizard:
    id: str
    data: dict[str, Any]


def _wizard_context(actor: User, wizard_id: str) -> Context:
    return context_for("session", "case-registration", f"{actor.pk}:{wizard_id}")


def _load_wizard(request: HttpRequest, actor: User) -> Wizard:
    stored = request.session.get(WIZARD_KEY)
    if isinstance(stored, dict) and stored.get("id") and stored.get("sealed"):
        try:
            plain = keyring().decrypt(stored["sealed"], _wizard_context(actor, stored["id"]))
            data = json.loads(plain)
        except (DecryptionError, ValueError):
            data = None
        if isinstance(data, dict):
            return Wizard(id=str(stored["id"]), data=data)
    return Wizard(id=secrets.token_urlsafe(16), data={})


def _save_wizard(request: HttpRequest, actor: User, wizard: Wizard) -> None:
    sealed = keyring().encrypt(json.dumps(wizard.data), _wizard_context(actor, wizard.id))
    request.session[WIZARD_KEY] = {"id": wizard.id, "sealed": sealed}


def _clear_wizard(request: HttpRequest) -> None:
    request.session.pop(WIZARD_KEY, None)


def _typed(form: forms.Form) -> dict[str, Any]:
    """What was typed into a bound form, field by field, as its widgets read it."""
    values = {}
    for name in form.fields:
        bound = form[name]
        values[name] = bound.field.widget.value_from_datadict(
            form.data, form.files, bound.html_name
        )
    return values


def _as_data(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    return {f"{prefix}-{name}" if prefix else name: value for name, value in values.items()}


def _child_form(wizard: Wizard, post: QueryDict | None = None) -> ChildForm:
    if post is not None:
        return ChildForm(post)
    return ChildForm(_as_data(wizard.data.get("child") or {}))


def _person(form: PersonForm, index: int) -> PersonForm:
    form.row_label = _("Person %(number)s") % {"number": index + 1}
    return form


def _people_forms(wizard: Wizard, post: QueryDict | None = None) -> list[PersonForm]:
    if post is not None:
        try:
            count = int(post.get("rows", DEFAULT_ROWS))
        except ValueError:
            count = DEFAULT_ROWS
        count = max(1, min(count, MAX_PEOPLE))
        return [_person(PersonForm(post, prefix=f"p{i}"), i) for i in range(count)]
    stored: list[dict[str, Any]] = wizard.data.get("people") or []
    return [
        _person(PersonForm(_as_data(values, f"p{i}"), prefix=f"p{i}"), i)
        for i, values in enumerate(stored)
    ]


def _case_form(actor: User, wizard: Wizard, post: QueryDict | None = None) -> RegisterCaseForm:
    if post is not None:
        return RegisterCaseForm(post, agency_id=actor.agency_id)
    return RegisterCaseForm(_as_data(wizard.data.get("case") or {}), agency_id=actor.agency_id)


def _first_incomplete(actor: User, wizard: Wizard, upto: str) -> str | None:
    """The first step before `upto` not answered yet, or whose answers are no longer valid."""
    for step in STEPS[: STEPS.index(upto)]:
        if step not in wizard.data:
            return step
        if step == "child" and not _child_form(wizard).is_valid():
            return step
        if step == "people" and not all(f.is_valid() for f in _people_forms(wizard)):
            return step
        if step == "case" and not _case_form(actor, wizard).is_valid():
            return step
    return None


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


@dataclass
class Candidate:
    case_number: str
    score: str
    reasons: list[str]
    url: str = ""


# Why amana.cases.duplicates thinks two children may be one, as a person reads it.
DUPLICATE_REASONS = {
    "all_names": gettext_lazy("all the names match"),
    "some_names": gettext_lazy("some of the names match"),
    "same_birth_year": gettext_lazy("same year of birth"),
    "birth_year_within_one": gettext_lazy("year of birth one year apart"),
    "caregiver_name": gettext_lazy("a caregiver has the same name"),
}


def _score_text(score: Any) -> str:
    """A likeness out of 100 (a fraction of one is scaled)."""
    if isinstance(score, float) and 0 <= score <= 1:
        return str(round(score * 100))
    return str(score)


def _candidates(actor: User, child: ChildForm, people: list[PersonForm]) -> list[Candidate] | None:
    """Possible duplicates, by case number only; linked where the actor may open the case.
    None while Amana has no duplicate check."""
    finder = _optional("amana.cases.duplicates", "possible_duplicates")
    if finder is None:
        return None
    born = child.cleaned_data.get("date_of_birth")
    caregivers = [
        str(form.cleaned_data["full_name"])
        for form in people
        if form.has_changed()
        and form.cleaned_data.get("full_name")
        and (
            form.cleaned_data.get("is_caregiver")
            or form.cleaned_data.get("relationship") in CAREGIVING
        )
    ]
    found = list(
        finder(
            agency=actor.agency,
            full_name=child.cleaned_data["full_name"],
            birth_year=born.year if born else None,
            caregiver_names=caregivers,
        )
    )
    numbers = [str(c.case_number) for c in found]
    visible = dict(
        access.visible_cases(actor).filter(case_number__in=numbers).values_list("case_number", "pk")
    )
    return [
        Candidate(
            case_number=str(c.case_number),
            score=_score_text(c.score),
            reasons=[str(DUPLICATE_REASONS.get(r, r)) for r in (c.reasons or [])],
            url=reverse("cases:detail", args=[visible[c.case_number]])
            if c.case_number in visible
            else "",
        )
        for c in found
    ]


def _choice_text(form: forms.Form, name: str, value: Any) -> str:
    choices = dict(getattr(form.fields[name], "choices", []))
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    return str(choices.get(value, value)) if value else ""


def _summary(child: ChildForm, people: list[PersonForm], case: RegisterCaseForm) -> dict[str, Any]:
    facts = case.cleaned_data
    return {
        "child": child.cleaned_data,
        "sex": _choice_text(child, "sex", child.cleaned_data.get("sex")),
        "people": [
            {
                **form.cleaned_data,
                "relationship_text": _choice_text(
                    form, "relationship", form.cleaned_data.get("relationship")
                ),
            }
            for form in people
            if form.has_changed()
        ],
        "risk": _choice_text(case, "risk_level", facts.get("risk_level")),
        "concerns": _choice_text(case, "concerns", list(facts.get("concerns") or [])),
        "care": _choice_text(case, "care_arrangement", facts.get("care_arrangement")),
        "location": _choice_text(case, "location", facts.get("location")).strip(),
        "is_refugee": facts.get("is_refugee"),
        "supervisor": case.chosen_supervisor(),
    }


def _register_inputs(
    child: ChildForm, people: list[PersonForm], case: RegisterCaseForm
) -> dict[str, Any]:
    c = child.cleaned_data
    f = case.cleaned_data
    return {
        "child": actions.ChildInput(
            full_name=c["full_name"],
            sex=c["sex"],
            date_of_birth=c["date_of_birth"],
            other_names=c["other_names"],
            nationality=c["nationality"],
            individual_id=c["individual_id"],
            contact_phone=c["contact_phone"],
            address=c["address"],
        ),
        "people": [
            actions.PersonInput(
                relationship=p.cleaned_data["relationship"],
                full_name=p.cleaned_data["full_name"],
                contact_phone=p.cleaned_data["contact_phone"],
                is_caregiver=p.cleaned_data["is_caregiver"],
                lives_with_child=p.cleaned_data["lives_with_child"],
            )
            for p in people
            if p.has_changed()
        ],
        "case": actions.CaseInput(
            risk_level=f["risk_level"],
            concerns=list(f["concerns"]),
            care_arrangement=f["care_arrangement"],
            location=f["location"],
            is_refugee=f["is_refugee"],
        ),
        "supervisor": case.chosen_supervisor(),
    }


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
    actor = _actor(request)
    if step not in STEPS:
        return _not_found(request)
    if not actor.has_permission(Perm.CASE_CREATE):
        return _forbidden(request)
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


# ---------------------------------------------------------------------------------------------
# The case page


def _field_label(name: str) -> str:
    labels = {
        "risk_level": _("Risk level"),
        "concerns": _("Protection concerns"),
        "care_arrangement": _("Care arrangement"),
        "location": _("Location"),
        "is_refugee": _("Refugee"),
    }
    return labels.get(name, name)


def _fact_text(name: str, value: Any) -> str:
    """A case fact as a person reads it."""
    if name == "risk_level":
        return str(dict(Case.Risk.choices).get(value, value or ""))
    if name == "care_arrangement":
        return str(dict(Case.CareArrangement.choices).get(value, "")) or _("Not known")
    if name == "location":
        place = Location.objects.filter(code=value).first() if value else None
        return place.name if place else _("Not known")
    if name == "is_refugee":
        return _("Yes") if value else _("No")
    if name == "concerns":
        labels = Lookup.objects.filter(kind=actions.CONCERNS, code__in=value or []).values_list(
            "label", flat=True
        )
        return ", ".join(sorted(labels)) or _("None")
    return str(value)


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, list | tuple) or isinstance(right, list | tuple):
        return sorted(map(str, left or [])) == sorted(map(str, right or []))
    if isinstance(left, bool) or isinstance(right, bool):
        return bool(left) == bool(right)
    return (left if left is not None else "") == (right if right is not None else "")


@dataclass
class Conflict:
    changed_by: str
    at: datetime | None
    fields: list[dict[str, str]]


def _loaded(form: forms.Form, names: Iterable[str]) -> dict[str, Any]:
    """The values the person's page showed when it was opened (its hidden initial fields)."""
    values: dict[str, Any] = {}
    for name in names:
        bound = form[name]
        raw = bound.field.hidden_widget().value_from_datadict(
            form.data, form.files, bound.html_initial_name
        )
        try:
            values[name] = bound.field.to_python(raw)
        except forms.ValidationError:
            values[name] = raw
    return values


def _when(at: str) -> datetime | None:
    try:
        return datetime.fromisoformat(at) if at else None
    except ValueError:
        return None


def _case_conflict(error: EditConflict, form: CaseEditForm, current: Case) -> Conflict:
    loaded = _loaded(form, EDITABLE)
    now = CaseEditForm.initial_for(current)
    yours = set(form.changed_data)
    names = [name for name in EDITABLE if not _same(loaded[name], now[name])]
    if not names:
        names = [name for name in error.changed_fields if name in EDITABLE]
    rows = [
        {
            "label": _field_label(name),
            "now": _fact_text(name, now[name]),
            "yours": _fact_text(name, form.cleaned_data.get(name)) if name in yours else "",
        }
        for name in names
    ]
    return Conflict(changed_by=error.changed_by, at=_when(error.at), fields=rows)


def _rebased_case_form(form: CaseEditForm, current: Case) -> CaseEditForm:
    """The person's own changes on top of the case as it is now, ready to be saved again."""
    now = CaseEditForm.initial_for(current)
    yours = set(form.changed_data)
    data = QueryDict(mutable=True)
    for name in EDITABLE:
        value = form.cleaned_data[name] if name in yours else now[name]
        if name == "concerns":
            data.setlist(name, list(value))
            data.setlist(f"initial-{name}", list(now[name]))
        elif name == "is_refugee":
            if value:
                data[name] = "on"
            data[f"initial-{name}"] = str(bool(now[name]))
        else:
            data[name] = value or ""
            data[f"initial-{name}"] = now[name] or ""
    data["version"] = str(current.version)
    rebased = CaseEditForm(data)
    rebased.is_valid()
    return rebased


def _child_facts(actor: User, case: Case) -> dict[str, Any]:
    classes = access.visible_classes(actor)
    child = case.child
    identifying, personal = Sensitivity.IDENTIFYING, Sensitivity.SENSITIVE_PERSONAL
    return {
        "full_name": _masked(classes, identifying, child.full_name),
        "other_names": _masked(classes, identifying, child.other_names),
        "date_of_birth": _masked(classes, identifying, child.date_of_birth),
        "age": _age(child, classes, timezone.localdate()),
        "sex": _masked(classes, personal, child.get_sex_display()),
        "nationality": _masked(classes, personal, child.nationality),
        "individual_id": _masked(classes, identifying, child.individual_id),
        "contact_phone": _masked(classes, identifying, child.contact_phone),
        "address": _masked(classes, identifying, child.address),
    }


def _people_facts(actor: User, case: Case) -> list[dict[str, Any]]:
    classes = access.visible_classes(actor)
    identifying, personal = Sensitivity.IDENTIFYING, Sensitivity.SENSITIVE_PERSONAL
    return [
        {
            "relationship": _masked(classes, personal, person.get_relationship_display()),
            "full_name": _masked(classes, identifying, person.full_name),
            "contact_phone": _masked(classes, identifying, person.contact_phone),
            "is_caregiver": person.is_caregiver,
            "lives_with_child": person.lives_with_child,
        }
        for person in case.child.related_people.all()
    ]


def _case_facts(actor: User, case: Case) -> dict[str, Any]:
    protection = Sensitivity.PROTECTION in access.visible_classes(actor)
    concerns = [c.code for c in case.concerns.all()]
    return {
        "risk": case.get_risk_level_display(),
        "concerns": _fact_text("concerns", concerns) if protection else MASK,
        "care": _fact_text("care_arrangement", case.care_arrangement) if protection else MASK,
        "location": case.location.name if case.location else _("Not known"),
        "is_refugee": case.is_refugee,
    }


def _colleagues(actor: User, case: Case) -> list[User]:
    return list(
        account_access.visible_users(actor)
        .filter(agency_id=case.agency_id, is_active=True)
        .exclude(pk=actor.pk)
    )


def _startable_forms(case: Case) -> list[dict[str, str]]:
    """The forms a caseworker may start on this case, titled in the active language."""
    steps = _optional("amana.cases.formdefs", "STEPS")
    current_form = _optional("amana.cases.formdefs", "current_form")
    text_in = _optional("amana.cases.formdefs", "text_in")
    if steps is None or current_form is None or case.status != Case.Status.OPEN:
        return []
    found = []
    for form_id in steps:
        if form_id == "registration":
            continue
        try:
            definition = current_form(form_id, case.agency).definition
        except FormDefinition.DoesNotExist:
            continue
        if definition.get("refugee_only") and not case.is_refugee:
            continue
        found.append({"form_id": form_id, "title": text_in(definition.get("title"))})
    return found


def _record_rows(actor: User, case: Case) -> list[dict[str, Any]]:
    case_forms = _lifecycle("case_forms")
    if case_forms is None or _optional("amana.cases.formdefs", "text_in") is None:
        return []
    text_in = _optional("amana.cases.formdefs", "text_in")
    return [
        {
            "record": record,
            "title": text_in(record.form.definition.get("title")) or record.form.form_id,
            "url": reverse("cases:form_record", args=[case.pk, record.form.form_id, record.pk]),
        }
        for record in case_forms(actor, case)
    ]


def _render_case(
    request: HttpRequest, actor: User, case: Case, *, status: int = 200, **given: Any
) -> HttpResponse:
    can_edit = actor.has_permission(Perm.CASE_EDIT) and case.status == Case.Status.OPEN
    is_supervisor = case.supervisor_id == actor.pk and actor.has_permission(Perm.CASE_ASSIGN)
    can_reopen = (
        _lifecycle("do_reopen_case") is not None
        and case.status == Case.Status.CLOSED
        and case.supervisor_id == actor.pk
        and actor.has_permission(Perm.CASE_CLOSE)
    )
    edit_form = given.get("edit_form") or (
        CaseEditForm(initial=CaseEditForm.initial_for(case)) if can_edit else None
    )
    assign_form = given.get("assign_form") or (
        AssignForm(colleagues=_colleagues(actor, case)) if is_supervisor else None
    )
    supervisor_form = given.get("supervisor_form") or (
        SupervisorForm(agency_id=case.agency_id, initial={"supervisor": case.supervisor_id})
        if can_edit
        else None
    )
    reopen_form = given.get("reopen_form") or (ReopenForm() if can_reopen else None)
    context = {
        "case": case,
        "child": _child_facts(actor, case),
        "people": _people_facts(actor, case),
        "facts": _case_facts(actor, case),
        "tasks": case.tasks.select_related("assigned_to").order_by(
            F("done_at").desc(nulls_first=True), "due_at"
        ),
        "now": timezone.now(),
        "records": _record_rows(actor, case),
        "startable": _startable_forms(case) if can_edit else [],
        "edit_form": edit_form,
        "assign_form": assign_form,
        "assignments": case.assignments.select_related("user").order_by("assigned_at"),
        "is_supervisor": is_supervisor,
        "supervisor_form": supervisor_form,
        "reopen_form": reopen_form,
        "conflict": given.get("conflict"),
        "errors": error_items(edit_form, assign_form, supervisor_form, reopen_form),
    }
    return render(request, "cases/case_detail.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
@guarded
def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    actor = _actor(request)
    case = access.access_case(actor, case_id, origin=origin_of(request))
    return _render_case(request, actor, case)


@require_POST
@guarded
def case_edit(request: HttpRequest, case_id: str) -> HttpResponse:
    actor = _actor(request)
    case = access.access_case(actor, case_id, origin=origin_of(request))
    if not actor.has_permission(Perm.CASE_EDIT):
        return _forbidden(request)
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
        _to_field(form, error)
        return _render_case(request, actor, case, edit_form=form, status=400)
    messages.success(request, _("Case facts saved."))
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@guarded
def case_assign(request: HttpRequest, case_id: str) -> HttpResponse:
    actor = _actor(request)
    case = access.access_case(actor, case_id, origin=origin_of(request))
    if case.supervisor_id != actor.pk or not actor.has_permission(Perm.CASE_ASSIGN):
        return _forbidden(request)
    form = AssignForm(request.POST, colleagues=_colleagues(actor, case))
    if not form.is_valid():
        return _render_case(request, actor, case, assign_form=form, status=400)
    colleague = form.chosen_user()
    try:
        actions.do_assign_case(
            case=case, user=colleague, role=form.cleaned_data["role"], actor=actor
        )
    except ActionError as error:
        _to_field(form, error)
        return _render_case(request, actor, case, assign_form=form, status=400)
    messages.success(request, _("%(user)s can now open this case.") % {"user": colleague.username})
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@guarded
def case_unassign(request: HttpRequest, case_id: str) -> HttpResponse:
    actor = _actor(request)
    case = access.access_case(actor, case_id, origin=origin_of(request))
    if case.supervisor_id != actor.pk or not actor.has_permission(Perm.CASE_ASSIGN):
        return _forbidden(request)
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
    actor = _actor(request)
    case = access.access_case(actor, case_id, origin=origin_of(request))
    form = SupervisorForm(request.POST, agency_id=case.agency_id)
    if not form.is_valid():
        return _render_case(request, actor, case, supervisor_form=form, status=400)
    try:
        actions.do_set_supervisor(case=case, supervisor=form.chosen_supervisor(), actor=actor)
    except ActionError as error:
        _to_field(form, error)
        return _render_case(request, actor, case, supervisor_form=form, status=400)
    messages.success(request, _("Supervisor saved."))
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@guarded
def case_reopen(request: HttpRequest, case_id: str) -> HttpResponse:
    actor = _actor(request)
    case = access.access_case(actor, case_id, origin=origin_of(request))
    reopen = _lifecycle("do_reopen_case")
    if reopen is None:
        return _not_found(request)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _render_case(request, actor, case, reopen_form=form, status=400)
    try:
        reopen(
            case=case, reason=form.cleaned_data["reason"], origin=origin_of(request), actor=actor
        )
    except ActionError as error:
        _to_field(form, error)
        return _render_case(request, actor, case, reopen_form=form, status=400)
    messages.success(request, _("Case reopened."))
    return redirect("cases:detail", case_id=case.pk)


# ---------------------------------------------------------------------------------------------
# Forms of a case: assessment, BIA, case plan, follow-up, closure … built from their definition


def _formdefs() -> Any:
    try:
        return importlib.import_module("amana.cases.formdefs")
    except ImportError:
        return None


@dataclass
class FormPage:
    """A case form as a page: its Django form, its sections, and what the record is."""

    definition: Mapping[str, Any]
    form: forms.Form
    sections: list[dict[str, Any]]
    title: str


def _relaxed(definition: Mapping[str, Any]) -> dict[str, Any]:
    """The definition with nothing required: a draft may be incomplete, never wrong."""
    relaxed = copy.deepcopy(dict(definition))
    for section in relaxed["sections"]:
        for item in section["fields"]:
            item["required"] = False
            for column in item.get("fields", ()):
                column["required"] = False
    return relaxed


def _form_page(
    definition: Mapping[str, Any],
    *,
    data: QueryDict | None = None,
    record_data: Mapping[str, Any] | None = None,
    draft: bool = False,
) -> FormPage:
    formdefs = _formdefs()
    spec = _relaxed(definition) if draft else definition
    form_class = formdefs.build_form_class(spec, get_language())
    form_class.required_css_class = "required"
    kwargs: dict[str, Any] = {"record_data": record_data or {}}
    form = form_class(data, **kwargs) if data is not None else form_class(**kwargs)
    for formset in getattr(form, "formsets", {}).values():
        formset.extra = 2
    sections = []
    for section in definition["sections"]:
        items = []
        for item in section["fields"]:
            if item["type"] == "attachment":
                form.fields.pop(item["id"], None)
                continue
            if item["type"] == "repeating_group":
                items.append(
                    {
                        "group": form.formsets[item["id"]],
                        "label": formdefs.text_in(item["label"]),
                        "help": formdefs.text_in(item.get("help")),
                    }
                )
            elif item["id"] in form.fields:
                form.fields[item["id"]].show_hidden_initial = True
                items.append({"field": form[item["id"]]})
        if items:
            sections.append({"title": formdefs.text_in(section["title"]), "items": items})
    return FormPage(definition, form, sections, formdefs.text_in(definition.get("title")))


def _display_value(item: Mapping[str, Any], value: Any) -> str:
    """A stored answer as a person reads it: choice labels, yes/no, dates as written."""
    formdefs = _formdefs()
    if value == getattr(formdefs, "MASKED", "[masked]"):
        return MASK
    if value is None or value in ("", []):
        return ""
    kind = item["type"]
    if kind == "yes_no":
        return _("Yes") if value is True or value == "yes" else _("No")
    if kind in {"select", "multi_select"}:
        if "choices" in item:
            labels = {o["code"]: formdefs.text_in(o["label"]) for o in item["choices"]}
        else:
            labels = dict(Lookup.objects.filter(kind=item["lookup"]).values_list("code", "label"))
        values = value if isinstance(value, list) else [value]
        return ", ".join(str(labels.get(v, v)) for v in values)
    if kind == "location":
        place = Location.objects.filter(code=value).first()
        return place.name if place else str(value)
    return str(value)


def _readable_sections(definition: Mapping[str, Any], data: Mapping[str, Any]) -> list[Any]:
    """The record's answers for reading, section by section; empty answers left out."""
    formdefs = _formdefs()
    sections = []
    for section in definition["sections"]:
        rows = []
        for item in section["fields"]:
            if item["id"] not in data:
                continue
            value = data[item["id"]]
            label = formdefs.text_in(item["label"])
            if item["type"] == "repeating_group" and isinstance(value, list):
                columns = {c["id"]: c for c in item["fields"]}
                lines = [
                    "; ".join(
                        f"{formdefs.text_in(columns[k]['label'])}: {_display_value(columns[k], v)}"
                        for k, v in row.items()
                        if k in columns
                    )
                    for row in value
                    if isinstance(row, Mapping)
                ]
                rows.append({"label": label, "lines": lines})
            else:
                rows.append({"label": label, "lines": [_display_value(item, value)]})
        if rows:
            sections.append({"title": formdefs.text_in(section["title"]), "rows": rows})
    return sections


def _form_values(definition: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers as the form's fields hold them (yes/no as "yes"/"no")."""
    values: dict[str, Any] = {}
    for section in definition["sections"]:
        for item in section["fields"]:
            if item["id"] in data and item["type"] not in {"repeating_group", "attachment"}:
                value = data[item["id"]]
                if item["type"] == "yes_no" and isinstance(value, bool):
                    value = "yes" if value else "no"
                values[item["id"]] = value
    return values


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
    case_forms = _lifecycle("case_forms")
    records: list[FormRecord] = case_forms(actor, case) if case_forms is not None else []
    for record in records:
        if str(record.pk) == str(record_id) and record.form.form_id == form_id:
            return record
    raise access.CaseNotFound


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
        formdefs = _formdefs()
        title = formdefs.text_in(record.form.definition.get("title")) if formdefs else ""
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
    return render(request, "cases/case_form.html", context, status=status)


def _definition_for(case: Case, form_id: str) -> FormDefinition | None:
    formdefs = _formdefs()
    if formdefs is None or _lifecycle("do_save_form") is None:
        return None
    try:
        row: FormDefinition = formdefs.current_form(form_id, case.agency)
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
        current = access.readable_form_data(actor, record) if record is not None else {}
        record_now = _case_form_record(actor, case, form_id, str(record.pk)) if record else None
        conflict, data = _form_conflict(error, page, current)
        rebased = _form_page(definition, data=data, draft=not submit)
        rebased.form.is_valid()
        return _render_form(
            request, case, rebased, record=record_now, conflict=conflict, status=409
        )
    except ActionError as error:
        _to_field(page.form, error)
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
    actor = _actor(request)
    case = access.access_case(actor, case_id, origin=origin_of(request))
    row = _definition_for(case, form_id)
    if row is None:
        return _not_found(request)
    if not actor.has_permission(Perm.CASE_EDIT):
        return _forbidden(request)
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
    actor = _actor(request)
    case = access.access_case(actor, case_id, origin=origin_of(request))
    if _formdefs() is None:
        return _not_found(request)
    record = _case_form_record(actor, case, form_id, record_id)
    definition = record.form.definition
    editable = (
        record.status in (FormRecord.Status.DRAFT, FormRecord.Status.RETURNED)
        and case.status == Case.Status.OPEN
        and actor.has_permission(Perm.CASE_EDIT)
    )
    if request.method == "POST":
        if not editable:
            return _forbidden(request)
        return _save_form(
            request, actor=actor, case=case, form_id=form_id, definition=definition, record=record
        )
    data = access.readable_form_data(actor, record)
    page = _form_page(definition, record_data=data) if editable else None
    decision = None
    if (
        record.status == FormRecord.Status.SUBMITTED
        and case.supervisor_id == actor.pk
        and actor.has_permission(Perm.CASE_APPROVE)
    ):
        decision = DecisionForm()
    return _render_form(
        request,
        case,
        page,
        record=record,
        readable=None if editable else _readable_sections(definition, data),
        decision=decision,
    )


def _inbox_rows(actor: User, decided: FormRecord | None, form: DecisionForm | None) -> Any:
    text_in = _optional("amana.cases.formdefs", "text_in") or (lambda texts: "")
    inbox = _lifecycle("approvals_inbox")
    return [
        {
            "record": record,
            "title": text_in(record.form.definition.get("title")) or record.form.form_id,
            "url": reverse(
                "cases:form_record", args=[record.case_id, record.form.form_id, record.pk]
            ),
            "form": form if decided is not None and record.pk == decided.pk else DecisionForm(),
        }
        for record in (inbox(actor) if inbox is not None else [])
    ]


def _render_inbox(
    request: HttpRequest,
    actor: User,
    decided: FormRecord | None = None,
    form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"rows": _inbox_rows(actor, decided, form), "errors": error_items(form)}
    return render(request, "cases/approvals.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
def approvals(request: HttpRequest) -> HttpResponse:
    """Submitted forms of the cases the actor supervises, oldest first."""
    actor = _actor(request)
    if not actor.has_permission(Perm.CASE_APPROVE):
        return _forbidden(request)
    return _render_inbox(request, actor)


@require_POST
@guarded
def decide(request: HttpRequest, record_id: str) -> HttpResponse:
    actor = _actor(request)
    inbox = _lifecycle("approvals_inbox")
    decide_form = _lifecycle("do_decide_form")
    if not actor.has_permission(Perm.CASE_APPROVE) or inbox is None or decide_form is None:
        return _forbidden(request)
    record = inbox(actor).filter(pk=record_id).first()
    if record is None:
        return _not_found(request)
    form = DecisionForm(request.POST)
    from_record = request.POST.get("from") == "record"
    if form.is_valid():
        try:
            decide_form(
                record=record,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
                origin=origin_of(request),
                actor=actor,
            )
        except ActionError as error:
            _to_field(form, error)
        else:
            approved = form.cleaned_data["decision"] == "approve"
            messages.success(request, _("Approved.") if approved else _("Returned for changes."))
            return redirect("cases:approvals")
    if from_record:
        case = access.access_case(actor, record.case_id, origin=origin_of(request))
        data = access.readable_form_data(actor, record)
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

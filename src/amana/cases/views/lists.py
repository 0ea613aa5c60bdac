"""The case lists: my cases, the team view (filters, name search, htmx) and what is due."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import origin_of
from amana.cases import access, actions, policy
from amana.cases.models import Case, CaseAssignment, Task
from amana.cases.search import search_children
from amana.cases.views.common import due_html, error_items
from amana.cases.views.rows import CaseRow, _labels, _rows, due_cells, list_cells
from amana.cases.webforms import CaseFilterForm, CaseSearchForm, location_and_below
from amana.core.web import actor_of, forbidden, is_htmx

DUE_DAYS = 7


def _rows_with_cells(actor: User, cases: Iterable[Case], *, team: bool) -> list[CaseRow]:
    rows = _rows(actor, cases, team=team)
    for row in rows:
        row.cells = list_cells(row, team=team)
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
    actor = actor_of(request)
    team = scope == "team"
    if team and not actor.has_permission(Perm.CASE_ASSIGN):
        return forbidden(request)
    by_post = request.method == "POST"
    params = request.POST if by_post else request.GET
    filter_form = CaseFilterForm(params)
    filters = filter_form.valid_filters()
    search_form = CaseSearchForm(request.POST if by_post else None)
    query = search_form.cleaned_data["q"] if by_post and search_form.is_valid() else ""
    cases = _filtered(access.team_cases(actor) if team else access.visible_cases(actor), filters)
    if query:
        cases = search_children(cases, query)
    cases = _ordered(cases)
    if team:
        with_users = CaseAssignment.objects.select_related("user")
        cases = cases.prefetch_related(Prefetch("assignments", queryset=with_users))
    page = access.audited_page(actor, cases, params.get("page"), origin=origin_of(request))
    list_url = reverse("cases:team" if team else "cases:list")
    filter_query = urlencode(filters)
    context = {
        "scope": scope,
        "page": page,
        "rows": _rows_with_cells(actor, page.object_list, team=team),
        "filter_form": filter_form,
        "search_form": search_form,
        "search_available": True,
        "searching": bool(query),
        "filters": filters,
        "filter_query": filter_query,
        "list_url": list_url,
        "errors": error_items(filter_form, search_form),
        "can_register": policy.can_register_case(actor),
        "oob": is_htmx(request) and not by_post,
    }
    status = 400 if filter_form.errors or search_form.errors else 200
    if is_htmx(request):
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
    return access.due_tasks(actor, days=DUE_DAYS)


@require_http_methods(["GET", "HEAD"])
def due_list(request: HttpRequest) -> HttpResponse:
    """The actor's tasks not done, overdue or due within the week, by case."""
    actor = actor_of(request)
    tasks = _due_tasks(actor)
    cases = _ordered(access.due_cases(actor, days=DUE_DAYS))
    page = access.audited_page(actor, cases, request.GET.get("page"), origin=origin_of(request))
    rows = _rows(actor, page.object_list)
    now = timezone.now()
    by_case: dict[Any, list[dict[str, Any]]] = {}
    kinds = _labels(Task.Kind.choices)
    for task in tasks.filter(case_id__in=[row.case.pk for row in rows]).select_related(None):
        kind = kinds.get(task.kind, task.kind)
        item = {"task": task, "kind": kind, "due": due_html(task.due_at, task.due_at < now)}
        by_case.setdefault(task.case_id, []).append(item)
    for row in rows:
        row.tasks = by_case.get(row.case.pk, [])
        row.cells = due_cells(row)
    context = {"page": page, "rows": rows, "days": DUE_DAYS}
    return render(request, "cases/due_list.html", context)

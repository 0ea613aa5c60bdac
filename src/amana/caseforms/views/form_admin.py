"""Adapting forms to an agency's SOPs: the list of forms with their versions, and the page
where the definition is edited as YAML. Needs FORM_MANAGE (agency admins, IM officers).

Only the shipped versions and the actor's own agency's adaptations are ever shown. Saving goes
through `caseforms.actions.do_adapt_form`, which stores a new version and never overwrites one;
records keep the version they were entered with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.caseforms.actions import current_form, do_adapt_form
from amana.caseforms.formdefs import (
    SHIPPED_FORMS,
    DefinitionError,
    parse_definition_text,
    text_in,
)
from amana.caseforms.models import FormDefinition
from amana.cases.errors import ActionError, NotAllowed
from amana.core.web import actor_of, forbidden

TEXT_LIMIT = 200_000  # characters; the largest shipped form is about 23 000
_ORDER = {
    "form": ("id", "title", "step", "approval", "refugee_only", "sections"),
    "section": ("id", "title", "fields"),
    "field": (
        "id",
        "type",
        "label",
        "help",
        "required",
        "element",
        "sensitivity",
        "lookup",
        "choices",
        "min",
        "max",
        "fields",
    ),
    "choice": ("code", "label"),
}
_TEXTS = frozenset({"title", "label", "help"})


# --- The definition as YAML --------------------------------------------------------------


class _Flow(dict[str, Any]):
    """A map written on one line: a text in its languages, `{en: …, fr: …}`."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _Flow,
    lambda dumper, data: dumper.represent_mapping(
        "tag:yaml.org,2002:map", data.items(), flow_style=True
    ),
)


def _language_rank(code: str) -> tuple[int, str]:
    """English first, then the other languages of the app in their order."""
    order = [language for language, _name in settings.LANGUAGES]
    return (order.index(code) if code in order else len(order), code)


def _ordered(node: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """Keys in the order a person reads them (the database keeps its own order)."""
    order = _ORDER[kind]
    keys = sorted(node, key=lambda key: order.index(key) if key in order else len(order))
    result: dict[str, Any] = {}
    for key in keys:
        value = node[key]
        if key in _TEXTS and isinstance(value, Mapping):
            languages = sorted(value, key=_language_rank)
            value = _Flow((code, value[code]) for code in languages)
        elif key == "sections" and isinstance(value, list):
            value = [_ordered(item, "section") for item in value]
        elif key == "fields" and isinstance(value, list):
            value = [_ordered(item, "field") for item in value]
        elif key == "choices" and isinstance(value, list):
            value = [_ordered(item, "choice") for item in value]
        result[key] = value
    return result


def definition_yaml(definition: Mapping[str, Any]) -> str:
    """A stored definition as the YAML an administrator edits."""
    text: str = yaml.dump(
        _ordered(definition, "form"),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    return text


# --- Pages -------------------------------------------------------------------------------


class AdaptForm(forms.Form):
    definition = forms.CharField(
        label=gettext_lazy("Form definition (YAML)"),
        strip=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(
            attrs={"dir": "ltr", "class": "code", "rows": 30, "spellcheck": "false"}
        ),
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


@dataclass
class FormRow:
    form_id: str
    title: str
    in_use: FormDefinition
    history: list[FormDefinition] = field(default_factory=list)


def _may_manage(actor: User) -> bool:
    return actor.has_permission(Perm.FORM_MANAGE)


def _visible(actor: User) -> Q:
    """The shipped versions and the actor's own agency's: never another agency's."""
    return Q(agency__isnull=True) | Q(agency_id=actor.agency_id)


def _known_form_ids(actor: User) -> list[str]:
    stored = (
        FormDefinition.objects.filter(_visible(actor))
        .order_by()
        .values_list("form_id", flat=True)
        .distinct()
    )
    extra = sorted(set(stored) - set(SHIPPED_FORMS))
    return [*SHIPPED_FORMS, *extra]


def _versions(actor: User, form_id: str | None = None) -> list[FormDefinition]:
    """The versions the actor may see, newest first."""
    rows = FormDefinition.objects.filter(_visible(actor))
    if form_id is not None:
        rows = rows.filter(form_id=form_id)
    return list(rows.select_related("created_by").order_by("form_id", "-version"))


def _form_rows(actor: User) -> list[FormRow]:
    result: list[FormRow] = []
    for form_id in _known_form_ids(actor):
        try:
            in_use = current_form(form_id, actor.agency)
        except FormDefinition.DoesNotExist:
            continue
        title = text_in(in_use.definition.get("title")) or form_id
        result.append(FormRow(form_id, title, in_use))
    by_id = {row.form_id: row for row in result}
    for version in _versions(actor):
        if version.form_id in by_id:
            by_id[version.form_id].history.append(version)
    return result


@require_http_methods(["GET", "HEAD"])
def form_admin_list(request: HttpRequest) -> HttpResponse:
    """Every form, the version new records of the actor's agency use, and its history."""
    actor = actor_of(request)
    if not _may_manage(actor):
        return forbidden(request)
    return render(request, "caseforms/form_admin_list.html", {"rows": _form_rows(actor)})


def _render_edit(
    request: HttpRequest,
    in_use: FormDefinition,
    form: AdaptForm,
    *,
    problems: list[str] | None = None,
    conflict: FormDefinition | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form_id": in_use.form_id,
        "title": text_in(in_use.definition.get("title")) or in_use.form_id,
        "in_use": in_use,
        "form": form,
        "problems": problems or [],
        "conflict": conflict,
        "history": _versions(actor_of(request), in_use.form_id),
    }
    return render(request, "caseforms/form_admin_edit.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def form_admin_edit(request: HttpRequest, form_id: str) -> HttpResponse:
    """The definition in use as YAML; saving it stores a new version for the agency."""
    actor = actor_of(request)
    if not _may_manage(actor):
        return forbidden(request)
    try:
        in_use = current_form(form_id, actor.agency)
    except FormDefinition.DoesNotExist:
        context = {"rows": _form_rows(actor), "missing": form_id}
        return render(request, "caseforms/form_admin_list.html", context, status=404)
    if request.method != "POST":
        initial = {"definition": definition_yaml(in_use.definition), "based_on": in_use.version}
        return _render_edit(request, in_use, AdaptForm(initial=initial))
    form = AdaptForm(request.POST)
    if not form.is_valid():
        return _render_edit(request, in_use, form, status=400)
    if form.cleaned_data["based_on"] != in_use.version:
        # Someone saved a version since this page was opened: say who, keep the typed text,
        # and base the next save on the version now in use.
        data = request.POST.copy()
        data["based_on"] = str(in_use.version)
        return _render_edit(request, in_use, AdaptForm(data), conflict=in_use, status=409)
    try:
        definition = parse_definition_text(form.cleaned_data["definition"])
        adapted = do_adapt_form(form_id=form_id, definition=definition, actor=actor)
    except DefinitionError as error:
        return _render_edit(request, in_use, form, problems=error.problems, status=400)
    except ActionError as error:
        return _render_edit(request, in_use, form, problems=[error.message], status=400)
    except NotAllowed:
        return forbidden(request)
    if adapted.pk == in_use.pk:
        messages.info(request, _("Nothing changed: no new version was stored."))
    else:
        messages.success(
            request,
            _("Version %(version)s of %(form)s saved. New records use it from now on.")
            % {"version": adapted.version, "form": form_id},
        )
    return redirect("cases:form_admin")

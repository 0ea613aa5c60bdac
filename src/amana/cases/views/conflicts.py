"""Edit conflicts: what moved since the person opened the page, and their changes on top
of the case as it is now."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.http import QueryDict

from amana.cases.errors import EditConflict
from amana.cases.models import Case
from amana.cases.views.case_facts import _fact_text, _field_label
from amana.cases.webforms import CaseEditForm

EDITABLE = CaseEditForm.EDITABLE


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

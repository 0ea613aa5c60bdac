"""Forms of a case (assessment, BIA, case plan, follow-up, closure …) as pages, built from
their definition: the Django form by section, and a record's answers for reading."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from amana.caseforms import formdefs
from amana.cases.views.common import MASK
from amana.refdata.labels import label as lookup_label
from amana.refdata.models import Location, Lookup


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
    if value == formdefs.MASKED:
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
            stored = Lookup.objects.filter(kind=item["lookup"]).values_list("code", "label")
            labels = {code: lookup_label(item["lookup"], code, text) for code, text in stored}
        values = value if isinstance(value, list) else [value]
        return ", ".join(str(labels.get(v, v)) for v in values)
    if kind == "location":
        place = Location.objects.filter(code=value).first()
        return place.name if place else str(value)
    return str(value)


def _readable_sections(definition: Mapping[str, Any], data: Mapping[str, Any]) -> list[Any]:
    """The record's answers for reading, section by section; empty answers left out."""
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

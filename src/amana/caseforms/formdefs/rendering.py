"""A Django form class built from a definition, labelled in a language; its groups are
formsets and its cleaned data goes through validate_form_data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, ClassVar, Final

from django import forms
from django.forms.formsets import BaseFormSet, formset_factory
from django.utils.translation import get_language, gettext_lazy

from amana.caseforms.formdefs.data import validate_form_data
from amana.caseforms.formdefs.schema import TEXT_LIMITS, definition_of, iter_fields, text_in
from amana.caseforms.models import FormDefinition
from amana.refdata import cache as refdata_cache
from amana.refdata.labels import label as lookup_label

YES_NO_CHOICES: Final = (("", "—"), ("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No")))


def _lookup_choices(kind: str, multiple: bool) -> list[tuple[str, str]]:
    options = [
        (e.code, lookup_label(kind, e.code, e.label))
        for e in refdata_cache.entries(kind)
        if e.active
    ]
    return options if multiple else [("", "—"), *options]


def _location_choices() -> list[tuple[str, str]]:
    return list(refdata_cache.kept("caseforms.location_choices", _location_tree))


def _location_tree() -> tuple[tuple[str, str], ...]:
    """Every place under its parent, each level by name, indented by its depth."""
    children: dict[int | None, list[refdata_cache.Place]] = {}
    for row in refdata_cache.places():
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[tuple[str, str]] = [("", "—")]

    def walk(parent: int | None, depth: int) -> None:
        for row in sorted(children.get(parent, []), key=lambda r: r.name):
            ordered.append((row.code, "\u2003" * depth + row.name))
            walk(row.pk, depth + 1)

    walk(None, 0)
    return tuple(ordered)


def _inline_choices(field: Mapping[str, Any], language: str, multiple: bool) -> list[Any]:
    options = [(o["code"], text_in(o["label"], language)) for o in field["choices"]]
    return options if multiple else [("", "—"), *options]


def _form_field(field: Mapping[str, Any], language: str) -> forms.Field:
    common: dict[str, Any] = {
        "label": text_in(field["label"], language),
        "help_text": text_in(field.get("help"), language),
        "required": field["required"],
    }
    kind = field["type"]
    if kind in TEXT_LIMITS:
        widget = forms.Textarea(attrs={"rows": 4}) if kind == "long_text" else None
        return forms.CharField(max_length=TEXT_LIMITS[kind], widget=widget, **common)
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "number":
        return forms.FloatField(min_value=field.get("min"), max_value=field.get("max"), **common)
    if kind == "yes_no":
        return forms.ChoiceField(choices=YES_NO_CHOICES, **common)
    if kind == "location":
        return forms.ChoiceField(choices=_location_choices, **common)
    if kind == "attachment":
        return forms.FileField(**common)
    multiple = kind == "multi_select"
    choices: Callable[[], list[Any]] | list[Any]
    if "lookup" in field:
        choices = partial(_lookup_choices, field["lookup"], multiple)
    else:
        choices = _inline_choices(field, language, multiple)
    if multiple:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.ChoiceField(choices=choices, **common)


def _form_value(field: Mapping[str, Any], value: Any) -> Any:
    """A Django cleaned value as form data (validate_form_data's input)."""
    if field["type"] == "number" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _initial_value(field: Mapping[str, Any], value: Any) -> Any:
    if field["type"] == "yes_no" and isinstance(value, bool):
        return "yes" if value else "no"
    return value


class DefinitionForm(forms.Form):
    """Base of the built forms. `self.formsets` holds one formset per repeating group;
    after `is_valid()`, `self.form_data` is the cleaned record data."""

    definition: ClassVar[Mapping[str, Any]]
    group_formsets: ClassVar[dict[str, type[BaseFormSet[Any]]]]
    group_fields: ClassVar[dict[str, Mapping[str, Any]]]
    required_css_class: ClassVar[str]  # set by a page that marks required fields (not here)

    def __init__(
        self, *args: Any, record_data: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> None:
        if record_data is not None:
            initial = dict(kwargs.pop("initial", None) or {})
            for field in iter_fields(self.definition):
                if field["id"] in record_data and field["type"] != "repeating_group":
                    initial[field["id"]] = _initial_value(field, record_data[field["id"]])
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.form_data: dict[str, Any] = {}
        self.formsets: dict[str, BaseFormSet[Any]] = {}
        for group_id, formset_class in self.group_formsets.items():
            group = self.group_fields[group_id]
            rows = (record_data or {}).get(group_id) or []
            self.formsets[group_id] = formset_class(
                data=self.data if self.is_bound else None,
                files=self.files if self.is_bound else None,
                prefix=self.add_prefix(group_id),
                initial=[
                    {c["id"]: _initial_value(c, row.get(c["id"])) for c in group["fields"]}
                    for row in rows
                    if isinstance(row, Mapping)
                ],
            )

    def is_valid(self) -> bool:
        groups_valid = all(formset.is_valid() for formset in self.formsets.values())
        return super().is_valid() and groups_valid and not self.errors

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        raw: dict[str, Any] = {}
        broken: set[str] = set()  # groups whose rows have their own errors
        for field in iter_fields(self.definition):
            field_id = field["id"]
            if field["type"] == "repeating_group":
                formset = self.formsets.get(field_id)
                if formset is None or not formset.is_valid():
                    broken.add(field_id)
                    continue
                raw[field_id] = [
                    {
                        c["id"]: _form_value(c, row.get(c["id"]))
                        for c in self.group_fields[field_id]["fields"]
                    }
                    for row in formset.cleaned_data
                    if row
                ]
            elif field_id in cleaned:
                raw[field_id] = _form_value(field, cleaned[field_id])
        data, errors = validate_form_data(self.definition, raw)
        for path, message in errors.items():
            top = path.split("[")[0].split(".")[0]
            if top in broken:
                continue
            if top in self.fields:
                if not self.has_error(top):
                    self.add_error(top, message)
            else:
                self.add_error(None, message)
        self.form_data = data
        return cleaned


def build_form_class(
    definition: FormDefinition | Mapping[str, Any], language: str | None = None
) -> type[DefinitionForm]:
    """A Django form class for `definition`, labelled in `language` (default: the active one).

    Lookup and location choices are read each time a form is rendered, from the reference
    data each process keeps (`amana.refdata.cache`).
    """
    spec = definition_of(definition)
    language = language or get_language() or "en"
    attrs: dict[str, Any] = {}
    groups: dict[str, type[BaseFormSet[Any]]] = {}
    group_fields: dict[str, Mapping[str, Any]] = {}
    for field in iter_fields(spec):
        if field["type"] == "repeating_group":
            columns = {c["id"]: _form_field(c, language) for c in field["fields"]}
            row_form = type(f"{field['id'].title()}Row", (forms.Form,), columns)
            groups[field["id"]] = formset_factory(row_form, extra=1)
            group_fields[field["id"]] = field
        else:
            attrs[field["id"]] = _form_field(field, language)
    attrs.update(definition=spec, group_formsets=groups, group_fields=group_fields)
    name = "".join(part.title() for part in str(spec["id"]).split("_")) + "Form"
    return type(name, (DefinitionForm,), attrs)

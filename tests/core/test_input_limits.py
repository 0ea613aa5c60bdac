"""Every field of every API serializer and page form has a limit: text a maximum length, lists
a maximum size, dates a range. A field without one fails here."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator

from django import forms
from rest_framework import serializers

import amana
from amana.core import limits

# Fields whose size is bounded another way, each with the reason.
BOUNDED_OTHERWISE: dict[str, str] = {
    "sharing.api.SharingCheckInput.request": "a sharing request checked against the contract "
    "(request.schema.json) by the engine's loader; depth and size limited by InputGuard and "
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
}


def _modules() -> Iterator[object]:
    for info in pkgutil.walk_packages(amana.__path__, "amana."):
        if ".migrations" in info.name or ".tests" in info.name or ".ops." in info.name:
            continue
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf.startswith(("api", "serializers", "forms", "webforms")) or ".webforms." in (
            info.name + "."
        ):
            yield importlib.import_module(info.name)


def _classes(base: type) -> list[type]:
    found: dict[str, type] = {}
    for module in _modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, base) and cls.__module__.startswith("amana."):
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return list(found.values())


def _label(cls: type, name: str) -> str:
    return f"{cls.__module__.removeprefix('amana.')}.{cls.__qualname__}.{name}"


def serializer_problem(field: serializers.Field) -> str | None:  # type: ignore[type-arg]
    if isinstance(field, serializers.ChoiceField | serializers.BooleanField):
        return None
    if isinstance(field, serializers.CharField) and field.max_length is None:
        return "text without max_length"
    if isinstance(field, serializers.ListField | serializers.ListSerializer):
        if field.max_length is None:
            return "list without max_length"
        child = field.child
        return serializer_problem(child) if child is not None else None
    if isinstance(field, serializers.DictField):
        if not isinstance(field, limits.BoundedDictField):
            return "dict without a bound (use limits.BoundedDictField)"
        return None
    if isinstance(field, serializers.DateField) and not isinstance(field, limits.BoundedDateField):
        return "date without a range (use limits.BoundedDateField)"
    if isinstance(field, serializers.IntegerField) and field.max_value is None:
        return "integer without max_value"
    if isinstance(field, serializers.JSONField):
        return "JSON without a bound"
    return None


def form_problem(field: forms.Field) -> str | None:
    if isinstance(field, forms.ChoiceField | forms.BooleanField | forms.RegexField):
        return None
    if isinstance(field, forms.CharField) and field.max_length is None:
        return "text without max_length"
    if isinstance(field, forms.DateField) and not isinstance(field, limits.BoundedFormDateField):
        return "date without a range (use limits.BoundedFormDateField)"
    if isinstance(field, forms.IntegerField) and field.max_value is None:
        return "integer without max_value"
    return None


def unbounded_serializer_fields() -> list[str]:
    problems = []
    for cls in _classes(serializers.Serializer):
        for name, field in cls().fields.items():
            label = _label(cls, name)
            problem = serializer_problem(field)
            if problem and label not in BOUNDED_OTHERWISE:
                problems.append(f"{label}: {problem}")
    return problems


def unbounded_form_fields() -> list[str]:
    problems = []
    for cls in _classes(forms.Form):
        for name, field in cls.base_fields.items():
            label = _label(cls, name)
            problem = form_problem(field)
            if problem and label not in BOUNDED_OTHERWISE:
                problems.append(f"{label}: {problem}")
    return problems


def test_every_api_serializer_field_has_a_limit() -> None:
    assert unbounded_serializer_fields() == []


def test_every_page_form_field_has_a_limit() -> None:
    assert unbounded_form_fields() == []


def test_the_walk_finds_serializers_and_forms() -> None:
    names = {c.__name__ for c in _classes(serializers.Serializer)}
    assert {"RegisterIn", "ConsentIn", "ReferralIn", "ExceptionalIn"} <= names
    assert {"ChildForm", "ConsentForm", "ReferralForm"} <= {
        c.__name__ for c in _classes(forms.Form)
    }


def test_the_walk_fails_on_unbounded_fields() -> None:
    assert serializer_problem(serializers.CharField()) == "text without max_length"
    assert serializer_problem(serializers.ListField(child=serializers.CharField(max_length=5)))
    assert serializer_problem(serializers.DateField())
    assert form_problem(forms.CharField()) == "text without max_length"
    assert form_problem(forms.DateField())

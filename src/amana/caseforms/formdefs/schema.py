"""The shape of a form definition (field types, steps, keys, limits) and how to read a
stored one: its texts in a language, its fields, its fields by sensitivity class."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from django.utils.translation import get_language

from amana.caseforms.models import FormDefinition
from amana.cases.models import Sensitivity

FIELD_TYPES: Final = (
    "text",
    "long_text",
    "date",
    "number",
    "yes_no",
    "select",
    "multi_select",
    "location",
    "repeating_group",
    "attachment",
)
STEPS: Final = (
    "registration",
    "initial_assessment",
    "bia",
    "comprehensive_assessment",
    "case_plan",
    "follow_up",
    "closure",
    "bid",
)
APPROVALS: Final = ("none", "supervisor")
SENSITIVITIES: Final = tuple(Sensitivity.values)
CHOICE_TYPES: Final = frozenset({"select", "multi_select"})
TEXT_LIMITS: Final = {"text": 500, "long_text": 20000}
REFERENCE_LIMIT: Final = 200
CUSTOM_PREFIX: Final = "x_"
MASKED: Final = "[masked]"
SLUG = re.compile(r"^[a-z][a-z0-9_]{0,63}$")

FORM_KEYS: Final = frozenset({"id", "title", "step", "approval", "refugee_only", "sections"})
SECTION_KEYS: Final = frozenset({"id", "title", "fields"})
FIELD_KEYS: Final = frozenset(
    {
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
    }
)
CHOICE_KEYS: Final = frozenset({"code", "label"})


# --- Reading definitions -----------------------------------------------------------------


def definition_of(definition: FormDefinition | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(definition, FormDefinition):
        data: Mapping[str, Any] = definition.definition
        return data
    return definition


def text_in(texts: Mapping[str, str] | None, language: str | None = None) -> str:
    """The text in `language` (default: the active one), else its base language, else English."""
    if not texts:
        return ""
    language = (language or get_language() or "en").lower()
    for candidate in (language, language.split("-")[0], "en"):
        if texts.get(candidate):
            return texts[candidate]
    return next(iter(texts.values()))


def iter_fields(definition: FormDefinition | Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The top-level fields of every section, in order (group columns stay inside groups)."""
    for section in definition_of(definition)["sections"]:
        yield from section["fields"]


def fields_by_sensitivity(
    definition: FormDefinition | Mapping[str, Any],
) -> dict[Sensitivity, list[str]]:
    """Field paths by sensitivity class; a group column is `group.column`."""
    result: dict[Sensitivity, list[str]] = {Sensitivity(value): [] for value in SENSITIVITIES}
    for field in iter_fields(definition):
        result[Sensitivity(field["sensitivity"])].append(field["id"])
        for column in field.get("fields", ()):
            result[Sensitivity(column["sensitivity"])].append(f"{field['id']}.{column['id']}")
    return result

"""Checking a raw definition: every problem named by its key path, and the normalised
copy (defaults filled in) stored when there is none."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import yaml
from django.conf import settings

from amana.caseforms.formdefs.elements import CORE_ELEMENTS, ELEMENTS, FIXED_CODES
from amana.caseforms.formdefs.schema import (
    APPROVALS,
    CHOICE_KEYS,
    CHOICE_TYPES,
    CUSTOM_PREFIX,
    FIELD_KEYS,
    FIELD_TYPES,
    FORM_KEYS,
    SECTION_KEYS,
    SENSITIVITIES,
    SLUG,
    STEPS,
)


class DefinitionError(ValueError):
    """A form definition is malformed. `problems` lists every problem, each naming its key path."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}")


def _languages() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class _Checker:
    """Walks a raw definition, collecting problems and building the normalised copy."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.field_ids: set[str] = set()
        self.elements: set[str] = set()

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path or 'definition'}: {message}")

    def expected(self, path: str, what: str, value: object) -> None:
        self.fail(path, f"expected {what}, got {_shown(value)}")

    def keys(self, path: str, node: Mapping[str, Any], allowed: frozenset[str]) -> None:
        for key in node:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                self.fail(where, "unknown key; expected one of " + ", ".join(sorted(allowed)))

    def mapping(self, path: str, value: object) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.expected(path, "an object", value)
        return None

    def slug(self, path: str, value: object) -> str:
        if isinstance(value, str) and SLUG.match(value):
            return value
        if value is None:
            self.fail(path, "required")
        else:
            self.expected(path, "a lower-case name (a-z, 0-9, _; at most 64)", value)
        return ""

    def choice(self, path: str, value: object, allowed: tuple[str, ...], default: str = "") -> str:
        if value is None and default:
            return default
        if isinstance(value, str) and value in allowed:
            return value
        if value is None:
            self.fail(path, "required; expected one of " + ", ".join(allowed))
        else:
            self.expected(path, "one of " + ", ".join(allowed), value)
        return ""

    def boolean(self, path: str, value: object) -> bool:
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        self.expected(path, "true or false", value)
        return False

    def texts(self, path: str, value: object, required: bool = True) -> dict[str, str]:
        if value is None and not required:
            return {}
        node = self.mapping(path, value)
        if node is None:
            return {}
        languages = _languages()
        result: dict[str, str] = {}
        for language, text in node.items():
            if language not in languages:
                self.fail(
                    f"{path}.{language}", "unknown language; expected " + ", ".join(languages)
                )
            elif not isinstance(text, str) or not text.strip():
                self.expected(f"{path}.{language}", "a non-empty text", text)
            else:
                result[language] = text.strip()
        if "en" not in node:
            self.fail(f"{path}.en", "required (the English text)")
        return result

    def form(self, raw: object) -> dict[str, Any]:
        node = self.mapping("", raw)
        if node is None:
            return {}
        self.keys("", node, FORM_KEYS)
        form: dict[str, Any] = {
            "id": self.slug("id", node.get("id")),
            "title": self.texts("title", node.get("title")),
            "step": self.choice("step", node.get("step"), STEPS),
            "approval": self.choice("approval", node.get("approval"), APPROVALS, "none"),
            "refugee_only": self.boolean("refugee_only", node.get("refugee_only")),
            "sections": [],
        }
        sections = node.get("sections")
        if not isinstance(sections, list) or not sections:
            self.expected("sections", "a non-empty list", sections)
            return form
        section_ids: set[str] = set()
        for index, item in enumerate(sections):
            section = self.section(f"sections[{index}]", item)
            if section is None:
                continue
            if section["id"] and section["id"] in section_ids:
                self.fail(f"sections[{index}].id", f"{section['id']!r} is used twice")
            section_ids.add(section["id"])
            form["sections"].append(section)
        missing = [e for e in CORE_ELEMENTS.get(form["step"], ()) if e not in self.elements]
        if missing:
            self.fail(
                "sections",
                f"a {form['step']} form needs fields for the elements " + ", ".join(missing),
            )
        return form

    def section(self, path: str, raw: object) -> dict[str, Any] | None:
        node = self.mapping(path, raw)
        if node is None:
            return None
        self.keys(path, node, SECTION_KEYS)
        section: dict[str, Any] = {
            "id": self.slug(f"{path}.id", node.get("id")),
            "title": self.texts(f"{path}.title", node.get("title")),
            "fields": self.fields(f"{path}.fields", node.get("fields"), in_group=False),
        }
        return section

    def fields(self, path: str, raw: object, *, in_group: bool) -> list[dict[str, Any]]:
        if not isinstance(raw, list) or not raw:
            self.expected(path, "a non-empty list", raw)
            return []
        result = []
        for index, item in enumerate(raw):
            field = self.field(f"{path}[{index}]", item, in_group=in_group)
            if field is not None:
                result.append(field)
        return result

    def field(self, path: str, raw: object, *, in_group: bool) -> dict[str, Any] | None:
        node = self.mapping(path, raw)
        if node is None:
            return None
        self.keys(path, node, FIELD_KEYS)
        field_id = self.slug(f"{path}.id", node.get("id"))
        if field_id and field_id in self.field_ids:
            self.fail(f"{path}.id", f"{field_id!r} is used twice in this form")
        self.field_ids.add(field_id)
        kind = self.choice(f"{path}.type", node.get("type"), FIELD_TYPES)
        field: dict[str, Any] = {
            "id": field_id,
            "type": kind,
            "label": self.texts(f"{path}.label", node.get("label")),
            "required": self.boolean(f"{path}.required", node.get("required")),
        }
        help_text = self.texts(f"{path}.help", node.get("help"), required=False)
        if help_text:
            field["help"] = help_text
        self.element(path, node, field)
        self.type_options(path, node, field, in_group=in_group)
        return field

    def element(self, path: str, node: Mapping[str, Any], field: dict[str, Any]) -> None:
        name = node.get("element")
        sensitivity = self.choice(f"{path}.sensitivity", node.get("sensitivity"), SENSITIVITIES)
        field["element"] = ""
        field["sensitivity"] = sensitivity
        if not isinstance(name, str) or not name:
            self.fail(f"{path}.element", "required; a data element of docs/data-elements.md")
            return
        if name.startswith(CUSTOM_PREFIX):
            if not SLUG.match(name):
                self.expected(f"{path}.element", "x_ and a lower-case name", name)
                return
        elif name not in ELEMENTS:
            self.fail(
                f"{path}.element",
                f"unknown data element {name!r}; use one of docs/data-elements.md "
                f"or an agency element named {CUSTOM_PREFIX}…",
            )
            return
        elif ELEMENTS[name].sensitivity is None:
            self.fail(f"{path}.element", f"{name!r} names a set of records, not one field")
            return
        elif sensitivity and sensitivity != ELEMENTS[name].sensitivity:
            self.fail(
                f"{path}.sensitivity",
                f"the element {name} is {ELEMENTS[name].sensitivity}, not {sensitivity}",
            )
        field["element"] = name
        self.elements.add(name)

    def type_options(
        self, path: str, node: Mapping[str, Any], field: dict[str, Any], *, in_group: bool
    ) -> None:
        kind = field["type"]
        for key, types in (
            ("lookup", CHOICE_TYPES),
            ("choices", CHOICE_TYPES),
            ("min", frozenset({"number"})),
            ("max", frozenset({"number"})),
            ("fields", frozenset({"repeating_group"})),
        ):
            if key in node and kind and kind not in types:
                self.fail(f"{path}.{key}", "only for " + " and ".join(sorted(types)) + " fields")
        if kind in CHOICE_TYPES:
            self.choices(path, node, field)
        elif kind == "number":
            self.bounds(path, node, field)
        elif kind == "repeating_group":
            if in_group:
                self.fail(f"{path}.type", "a repeating group cannot hold another group")
            else:
                field["fields"] = self.fields(f"{path}.fields", node.get("fields"), in_group=True)

    def choices(self, path: str, node: Mapping[str, Any], field: dict[str, Any]) -> None:
        has_lookup, has_choices = "lookup" in node, "choices" in node
        if has_lookup == has_choices:
            self.fail(path, "a choice field needs either lookup or choices (exactly one)")
            return
        fixed = FIXED_CODES.get(field["element"])
        if has_lookup:
            field["lookup"] = self.slug(f"{path}.lookup", node["lookup"])
            if fixed:
                self.fail(f"{path}.lookup", f"{field['element']} takes inline choices")
            return
        raw = node["choices"]
        if not isinstance(raw, list) or not raw:
            self.expected(f"{path}.choices", "a non-empty list", raw)
            return
        options: list[dict[str, Any]] = []
        for index, item in enumerate(raw):
            where = f"{path}.choices[{index}]"
            option = self.mapping(where, item)
            if option is None:
                continue
            self.keys(where, option, CHOICE_KEYS)
            code = option.get("code")
            if not isinstance(code, str) or not code.strip() or len(code) > 64:
                self.expected(f"{where}.code", "a code (text of at most 64 characters)", code)
                code = ""
            elif code in {o["code"] for o in options}:
                self.fail(f"{where}.code", f"{code!r} is used twice")
            options.append(
                {"code": code, "label": self.texts(f"{where}.label", option.get("label"))}
            )
        field["choices"] = options
        if fixed and sorted(o["code"] for o in options) != sorted(fixed):
            self.fail(
                f"{path}.choices",
                f"{field['element']} keeps the codes " + ", ".join(fixed),
            )

    def bounds(self, path: str, node: Mapping[str, Any], field: dict[str, Any]) -> None:
        for key in ("min", "max"):
            if key not in node:
                continue
            value = node[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or _not_finite(value):
                self.expected(f"{path}.{key}", "a number", value)
            else:
                field[key] = value
        if "min" in field and "max" in field and field["min"] > field["max"]:
            self.fail(f"{path}.max", f"is below min ({field['min']})")


def _not_finite(value: float) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def check_definition(raw: object) -> tuple[dict[str, Any], list[str]]:
    """The normalised definition and every problem found (empty when it is valid)."""
    checker = _Checker()
    form = checker.form(raw)
    return form, checker.problems


def validate_definition(raw: object) -> dict[str, Any]:
    """The normalised definition; raises DefinitionError naming the key path of each problem."""
    form, problems = check_definition(raw)
    if problems:
        raise DefinitionError(problems)
    return form


def parse_definition_text(text: str, source: str = "definition") -> dict[str, Any]:
    """Read YAML (or JSON, which is YAML) and validate it."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise DefinitionError([f"{source}: not valid YAML or JSON{where}"]) from None
    return validate_definition(raw)

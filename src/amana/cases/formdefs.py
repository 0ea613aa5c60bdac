"""Forms as data: case management forms defined in YAML/JSON, validated, versioned, rendered.

A form definition (YAML in `forms_data/`, JSON in `FormDefinition.definition`)::

    id: registration                  # slug; the form's identity across versions and agencies
    title: {en: …, fr: …, ar: …}      # every text a person reads is a map language → text;
                                      # `en` is required, other languages of the app optional
    step: registration                # one of STEPS (the case management step it records)
    approval: none                    # none | supervisor (a supervisor approves the record)
    refugee_only: false               # true: only for refugee and asylum-seeking children (BID)
    sections:
      - id: child                     # slug, unique within the form
        title: {en: …}
        fields:
          - id: full_name             # slug, unique within the form (group columns included)
            type: text                # one of FIELD_TYPES
            label: {en: …}
            help: {en: …}             # optional
            required: true            # optional, default false
            element: full_name        # the data element (docs/data-elements.md), or x_<name>
                                      # for an agency's own element (never in any protocol)
            sensitivity: identifying  # identifying | sensitive_personal | protection | process;
                                      # must be the class the element has in ELEMENTS
            lookup: nationalities     # select / multi_select: a Lookup list (Lookup.kind) …
            choices:                  # … or inline choices; exactly one of the two
              - {code: high, label: {en: High}}
            min: 0                    # number only, optional; so is max
            max: 25
            fields: […]               # repeating_group only: its columns (no groups inside)

The data a form records is a JSON object keyed by field id: text / long_text → str, date →
"YYYY-MM-DD", number → int or float, yes_no → bool, select → code, multi_select → [code, …],
location → Location code, attachment → a reference to a stored file, repeating_group → a list
of objects keyed by column id. Fields left empty are absent.

`validate_definition` names the key path of every problem (`sections[2].fields[0].type:
expected one of text, long_text, …`). Definitions are stored normalised (defaults filled in) and
never overwritten: adapting a form adds a version (`form_actions.do_adapt_form`) and each
FormRecord keeps the FormDefinition row it was entered with.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from importlib import resources
from typing import Any, ClassVar, Final

import yaml
from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.forms.formsets import BaseFormSet, formset_factory
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from amana.accounts.models import Agency
from amana.cases.models import Case, Child, FormDefinition, Location, Lookup, Sensitivity

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

ID, SP, PR, PC = "identifying", "sensitive_personal", "protection", "process"


@dataclass(frozen=True)
class Element:
    """A data element of the sharing vocabulary. `sensitivity` None: a set of records (the
    whole file, all assessments …) that protocols name but no single form field holds."""

    name: str
    sensitivity: str | None


_ELEMENT_CLASSES: dict[str, str | None] = {
    # identifying
    "full_name": ID,
    "other_names": ID,
    "date_of_birth": ID,
    "individual_id": ID,
    "case_number": ID,
    "contact_phone": ID,
    "address": ID,
    "location": ID,
    "related_persons": ID,
    "related_person_name": ID,
    "related_person_phone": ID,
    "documents": ID,
    "interview_transcript": ID,
    # sensitive personal
    "sex": SP,
    "nationality": SP,
    "displacement_status": SP,
    "relationship": SP,
    "health_information": SP,
    "medical_records": SP,
    # protection
    "specific_needs_codes": PR,
    "risk_level": PR,
    "risk_summary": PR,
    "incident_narrative": PR,
    "case_summary": PR,
    "assessed_needs": PR,
    "family_situation": PR,
    "care_arrangement": PR,
    "family_tracing": PR,
    "child_views": PR,
    "caregiver_views": PR,
    "education_status": PR,
    "best_interests_assessment": PR,
    "best_interests_determination": PR,
    "case_plan": PR,
    "services_needed": PR,
    "referral_summary": PR,
    "actions_taken": PR,
    "outcome_summary": PR,
    "caseworker_notes": PR,
    "rsd_information": PR,
    # process
    "registration_date": PC,
    "identification_source": PC,
    "assessment_date": PC,
    "next_review_date": PC,
    "contact_method": PC,
    "consent_record": PC,
    "bia_status": PC,
    "bid_status": PC,
    "referral_status": PC,
    "status_date": PC,
    "service_status": PC,
    "service_date": PC,
    "closure_reason": PC,
    "administrative_correspondence": PC,
    # sets of records, named by protocols, never one field
    "case_file": None,
    "assessments": None,
    "intake_form": None,
    "full_assessment": None,
    "incident_report": None,
    "drafts": None,
}
ELEMENTS: Final[dict[str, Element]] = {
    name: Element(name, sensitivity) for name, sensitivity in _ELEMENT_CLASSES.items()
}

# Elements the case workflow reads from a step's form: an adaptation may not drop them.
CORE_ELEMENTS: Final[dict[str, tuple[str, ...]]] = {
    "registration": (
        "full_name",
        "date_of_birth",
        "sex",
        "specific_needs_codes",
        "risk_level",
        "consent_record",
    ),
    "initial_assessment": ("risk_level", "risk_summary"),
    "bia": ("best_interests_assessment", "bia_status"),
    "comprehensive_assessment": ("assessed_needs",),
    "case_plan": ("case_plan",),
    "follow_up": (),
    "closure": ("closure_reason", "case_summary"),
    "bid": ("best_interests_determination", "bid_status"),
}

# A select field tagged with one of these elements keeps the codes the case model stores.
FIXED_CODES: Final[dict[str, tuple[str, ...]]] = {
    "sex": tuple(Child.Sex.values),
    "risk_level": tuple(Case.Risk.values),
    "care_arrangement": tuple(Case.CareArrangement.values),
}


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


# --- The shipped form set ----------------------------------------------------------------

SHIPPED_FORMS: Final = STEPS  # one file per step: forms_data/<step>.yaml


def shipped_text(form_id: str) -> str:
    files = resources.files("amana.cases").joinpath("forms_data")
    return files.joinpath(f"{form_id}.yaml").read_text(encoding="utf-8")


def load_shipped(form_id: str) -> dict[str, Any]:
    """The shipped definition of `form_id`, validated and normalised."""
    if form_id not in SHIPPED_FORMS:
        raise KeyError(form_id)
    return parse_definition_text(shipped_text(form_id), f"forms_data/{form_id}.yaml")


@transaction.atomic
def ensure_default_forms() -> list[FormDefinition]:
    """Store each shipped form as version 1 (agency None). Running it again stores nothing;
    a shipped file that changed in a new release of Amana is stored as the next version."""
    from amana.audit.log import write_entry

    stored: list[FormDefinition] = []
    for form_id in SHIPPED_FORMS:
        definition = load_shipped(form_id)
        shipped = FormDefinition.objects.select_for_update().filter(
            form_id=form_id, agency__isnull=True
        )
        latest = shipped.order_by("-version").first()
        if latest is not None and latest.definition == definition:
            stored.append(latest)
            continue
        version = (latest.version + 1) if latest is not None else 1
        row = FormDefinition.objects.create(
            form_id=form_id, version=version, agency=None, definition=definition
        )
        write_entry(
            actor=None,
            action="form.ship",
            object_type="form",
            object_id=f"{form_id}@{version}",
            details={"form_id": form_id, "version": version},
        )
        stored.append(row)
    return stored


def current_form(form_id: str, agency: Agency | None) -> FormDefinition:
    """The form a new record of `agency` uses: the agency's newest adaptation, else the newest
    shipped version. Raises FormDefinition.DoesNotExist for an unknown form."""
    rows = FormDefinition.objects.filter(form_id=form_id)
    if agency is not None:
        adapted = rows.filter(agency=agency).order_by("-version").first()
        if adapted is not None:
            return adapted
    shipped = rows.filter(agency__isnull=True).order_by("-version").first()
    if shipped is None and form_id in SHIPPED_FORMS:
        ensure_default_forms()
        shipped = rows.filter(agency__isnull=True).order_by("-version").first()
    if shipped is None:
        raise FormDefinition.DoesNotExist(f"no form {form_id!r}")
    return shipped


def next_version(form_id: str, agency: Agency) -> int:
    """The number an agency's next adaptation gets: after the shipped and its own versions."""
    rows = FormDefinition.objects.filter(form_id=form_id)
    shipped = rows.filter(agency__isnull=True).aggregate(top=Max("version"))["top"] or 0
    own = rows.filter(agency=agency).aggregate(top=Max("version"))["top"] or 0
    return max(shipped, own) + 1


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


def mask(
    definition: FormDefinition | Mapping[str, Any],
    data: Mapping[str, Any],
    allowed: set[Sensitivity] | frozenset[Sensitivity],
) -> dict[str, Any]:
    """A copy of `data` where each field whose class is not `allowed` reads MASKED.

    Keys the definition does not know are dropped: what cannot be classed is not shown.
    """
    permitted = {str(value) for value in allowed}
    shown: dict[str, Any] = {}
    for field in iter_fields(definition):
        if field["id"] not in data:
            continue
        value = data[field["id"]]
        if field["sensitivity"] not in permitted:
            shown[field["id"]] = MASKED
        elif field["type"] == "repeating_group" and isinstance(value, list):
            shown[field["id"]] = [_mask_row(field, row, permitted) for row in value]
        else:
            shown[field["id"]] = value
    return shown


def _mask_row(group: Mapping[str, Any], row: object, permitted: set[str]) -> dict[str, Any]:
    if not isinstance(row, Mapping):
        return {}
    return {
        column["id"]: row[column["id"]] if column["sensitivity"] in permitted else MASKED
        for column in group["fields"]
        if column["id"] in row
    }


# --- Validating entered data -------------------------------------------------------------


def _empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple) and not value


class _DataCleaner:
    """Cleans one record's data; lookup codes and locations are read once per list."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self._lookup_codes: dict[str, set[str]] = {}

    def lookup_codes(self, kind: str) -> set[str]:
        if kind not in self._lookup_codes:
            codes = Lookup.objects.filter(kind=kind).values_list("code", flat=True)
            self._lookup_codes[kind] = set(codes)
        return self._lookup_codes[kind]

    def error(self, path: str, name: str, message: str) -> None:
        self.errors.setdefault(path, message % {"field": name})

    def record(self, fields: list[dict[str, Any]], data: Mapping[str, Any]) -> dict[str, Any]:
        known = {field["id"] for field in fields}
        for key in data:
            if key not in known:
                self.error(str(key), str(key), _("%(field)s: not a field of this form."))
        cleaned: dict[str, Any] = {}
        for field in fields:
            self.field(field, data.get(field["id"]), field["id"], text_in(field["label"]), cleaned)
        return cleaned

    def field(
        self, field: Mapping[str, Any], value: Any, path: str, name: str, out: dict[str, Any]
    ) -> None:
        if _empty(value):
            if field["required"]:
                self.error(path, name, _("%(field)s: this field is required."))
            return
        clean = getattr(self, f"clean_{field['type']}")
        result = clean(field, value, path, name)
        if result is not None:
            out[field["id"]] = result

    def clean_text(self, field: Mapping[str, Any], value: Any, path: str, name: str) -> Any:
        if not isinstance(value, str):
            self.error(path, name, _("%(field)s: enter text."))
            return None
        limit = TEXT_LIMITS[field["type"]]
        if len(value) > limit:
            self.errors.setdefault(
                path,
                _("%(field)s: at most %(limit)s characters.") % {"field": name, "limit": limit},
            )
            return None
        return value.strip()

    clean_long_text = clean_text

    def clean_date(self, field: Mapping[str, Any], value: Any, path: str, name: str) -> Any:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, str) and len(value.strip()) == 10:
            try:
                return date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        self.error(path, name, _("%(field)s: enter a date like 2026-03-01."))
        return None

    def clean_number(self, field: Mapping[str, Any], value: Any, path: str, name: str) -> Any:
        number = _as_number(value)
        if number is None:
            self.error(path, name, _("%(field)s: enter a number."))
            return None
        if "min" in field and number < field["min"]:
            self.errors.setdefault(
                path,
                _("%(field)s: enter a number of at least %(min)s.")
                % {"field": name, "min": field["min"]},
            )
            return None
        if "max" in field and number > field["max"]:
            self.errors.setdefault(
                path,
                _("%(field)s: enter a number of at most %(max)s.")
                % {"field": name, "max": field["max"]},
            )
            return None
        return number

    def clean_yes_no(self, field: Mapping[str, Any], value: Any, path: str, name: str) -> Any:
        if isinstance(value, bool):
            return value
        answer = YES_NO_WORDS.get(str(value).strip().lower()) if isinstance(value, str) else None
        if answer is None:
            self.error(path, name, _("%(field)s: answer yes or no."))
        return answer

    def _codes(self, field: Mapping[str, Any]) -> set[str]:
        if "choices" in field:
            return {option["code"] for option in field["choices"]}
        return self.lookup_codes(field["lookup"])

    def _unknown_choice(self, path: str, name: str, value: object) -> None:
        self.errors.setdefault(
            path,
            _("%(field)s: %(value)s is not one of the choices.")
            % {"field": name, "value": _shown(value)},
        )

    def clean_select(self, field: Mapping[str, Any], value: Any, path: str, name: str) -> Any:
        if not isinstance(value, str) or value not in self._codes(field):
            self._unknown_choice(path, name, value)
            return None
        return value

    def clean_multi_select(self, field: Mapping[str, Any], value: Any, path: str, name: str) -> Any:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            self.error(path, name, _("%(field)s: choose from the list."))
            return None
        codes = self._codes(field)
        for item in value:
            if not isinstance(item, str) or item not in codes:
                self._unknown_choice(path, name, item)
                return None
        return list(dict.fromkeys(value))

    def clean_location(self, field: Mapping[str, Any], value: Any, path: str, name: str) -> Any:
        if isinstance(value, str) and Location.objects.filter(code=value.strip()).exists():
            return value.strip()
        self.errors.setdefault(
            path,
            _("%(field)s: %(value)s is not a known place.")
            % {"field": name, "value": _shown(value)},
        )
        return None

    def clean_attachment(self, field: Mapping[str, Any], value: Any, path: str, name: str) -> Any:
        if isinstance(value, str) and len(value.strip()) <= REFERENCE_LIMIT:
            return value.strip()
        if hasattr(value, "read") and hasattr(value, "name"):
            return value  # an upload: the view stores it and puts its reference in its place
        self.error(path, name, _("%(field)s: attach a file."))
        return None

    def clean_repeating_group(
        self, field: Mapping[str, Any], value: Any, path: str, name: str
    ) -> Any:
        if not isinstance(value, list | tuple) or not all(isinstance(r, Mapping) for r in value):
            self.error(path, name, _("%(field)s: expected a list of rows."))
            return None
        columns = {column["id"]: column for column in field["fields"]}
        rows: list[dict[str, Any]] = []
        for index, row in enumerate(value):
            if all(_empty(cell) for cell in row.values()):
                continue
            row_path = f"{path}[{index}]"
            for key in row:
                if key not in columns:
                    self.error(
                        f"{row_path}.{key}",
                        _row_name(name, index, str(key)),
                        _("%(field)s: not a field of this form."),
                    )
            cleaned: dict[str, Any] = {}
            for column in field["fields"]:
                self.field(
                    column,
                    row.get(column["id"]),
                    f"{row_path}.{column['id']}",
                    _row_name(name, index, text_in(column["label"])),
                    cleaned,
                )
            rows.append(cleaned)
        if not rows:
            if field["required"]:
                self.error(path, name, _("%(field)s: this field is required."))
            return None
        return rows


YES_NO_WORDS: Final = {"yes": True, "true": True, "no": False, "false": False}


def _row_name(group: str, index: int, column: str) -> str:
    return _("%(group)s, row %(row)s, %(column)s") % {
        "group": group,
        "row": index + 1,
        "column": column,
    }


def _as_number(value: object) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            return None
        if not math.isfinite(number):
            return None
        return int(number) if number.is_integer() else number
    return None


def validate_form_data(
    definition: FormDefinition | Mapping[str, Any], data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean one record's data against its form.

    Returns the cleaned data (empty fields left out) and the errors by field path
    (`date_of_birth`, `caregivers[1].phone`); each message names the field in the active
    language. Callers store nothing unless the errors are empty.
    """
    cleaner = _DataCleaner()
    if not isinstance(data, Mapping):
        return {}, {"data": _("%(field)s: expected an object.") % {"field": "data"}}
    cleaned = cleaner.record(list(iter_fields(definition)), data)
    return cleaned, cleaner.errors


# --- Rendering: a Django form built from a definition ------------------------------------

YES_NO_CHOICES: Final = (("", "—"), ("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No")))


def _lookup_choices(kind: str, multiple: bool) -> list[tuple[str, str]]:
    options = [
        (code, label)
        for code, label in Lookup.objects.filter(kind=kind, active=True).values_list(
            "code", "label"
        )
    ]
    return options if multiple else [("", "—"), *options]


def _location_choices() -> list[tuple[str, str]]:
    rows = list(Location.objects.values_list("id", "code", "name", "level", "parent_id"))
    children: dict[int | None, list[tuple[int, str, str, int]]] = {}
    for pk, code, name, level, parent in rows:
        children.setdefault(parent, []).append((pk, code, name, level))
    ordered: list[tuple[str, str]] = [("", "—")]

    def walk(parent: int | None, depth: int) -> None:
        for pk, code, name, _level in sorted(children.get(parent, []), key=lambda r: r[2]):
            ordered.append((code, "\u2003" * depth + name))
            walk(pk, depth + 1)

    walk(None, 0)
    return ordered


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

    Lookup and location choices are read from the database each time a form is rendered.
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

"""A record's data: masked by sensitivity class for reading, and validated and cleaned
against its form before it is stored."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final

from django.utils.translation import gettext as _

from amana.caseforms.formdefs.checking import _shown
from amana.caseforms.formdefs.schema import (
    MASKED,
    REFERENCE_LIMIT,
    TEXT_LIMITS,
    iter_fields,
    text_in,
)
from amana.caseforms.models import FormDefinition
from amana.cases.models import Sensitivity
from amana.core import limits
from amana.refdata.models import Location, Lookup


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
        day = None
        if isinstance(value, date) and not isinstance(value, datetime):
            day = value
        elif isinstance(value, str) and len(value.strip()) == 10:
            try:
                day = date.fromisoformat(value.strip())
            except ValueError:
                day = None
        if day is not None:
            problem = limits.date_problem(day)
            if problem is None:
                return day.isoformat()
            self.errors.setdefault(path, f"{name}: {problem}")
            return None
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

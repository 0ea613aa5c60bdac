"""What the case pages share beyond the web shell (`amana.core.web`): error summaries and
masked values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]
from django.utils.translation import gettext as _

from amana.cases.models import Sensitivity

MASK = "•••"


@dataclass
class ErrorItem:
    anchor: str
    message: str


def error_items(*bound_forms: forms.Form | None) -> list[ErrorItem]:
    """Every error of the forms, each naming its field, linked to it, for the summary."""
    items: list[ErrorItem] = []
    for form in bound_forms:
        if form is None or not form.is_bound:
            continue
        lead = getattr(form, "row_label", "")
        for name, errors in form.errors.items():
            bound = form[name] if name in form.fields else None
            anchor = (bound.id_for_label or f"{bound.auto_id}_0") if bound is not None else ""
            label = str(bound.label) if bound is not None and bound.label else ""
            for message in errors:
                text = str(message)
                if label and name != NON_FIELD_ERRORS and label.lower() not in text.lower():
                    text = _("%(field)s: %(message)s") % {"field": label, "message": text}
                if lead:
                    text = _("%(field)s: %(message)s") % {"field": lead, "message": text}
                items.append(ErrorItem(anchor, text))
    return items


def due_html(due: datetime | None, overdue: bool) -> SafeString:
    """A due date as the lists show it (`cases/_due.html`), written once in Python for the
    many rows of a list: the date in the current time zone, "overdue" when it is."""
    if not due:
        return SafeString("—")
    local = template_localtime(due)
    shown = format_html(
        '<time datetime="{}">{}</time>',
        dateformat.format(local, "c"),
        dateformat.format(local, "Y-m-d"),
    )
    if overdue:
        shown += format_html(' <strong class="overdue">{}</strong>', _("overdue"))
    return shown


def _masked(classes: frozenset[Sensitivity], cls: Sensitivity, value: Any) -> Any:
    return value if cls in classes else MASK


def _age(child: Any, classes: frozenset[Sensitivity], today: date) -> int | None:
    """Age from the date of birth where the actor sees it, else from the year of birth."""
    if Sensitivity.IDENTIFYING in classes and child.date_of_birth:
        born = date.fromisoformat(child.date_of_birth)
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if child.birth_year:
        return int(today.year - child.birth_year)
    return None

"""The shipped form set (`forms_data/<step>.yaml`) and stored versions: the stored form a new
record uses, the number of an adaptation. Storing the shipped set is `caseforms.actions`'s
(`store_shipped_forms`, `do_store_shipped_forms`, and `current_form` on first use)."""

from __future__ import annotations

from importlib import resources
from typing import Any, Final

from django.db.models import Max

from amana.accounts.models import Agency
from amana.caseforms.formdefs.checking import parse_definition_text
from amana.caseforms.formdefs.schema import STEPS
from amana.caseforms.models import FormDefinition

SHIPPED_FORMS: Final = STEPS  # one file per step: forms_data/<step>.yaml


def shipped_text(form_id: str) -> str:
    files = resources.files("amana.caseforms").joinpath("forms_data")
    return files.joinpath(f"{form_id}.yaml").read_text(encoding="utf-8")


def load_shipped(form_id: str) -> dict[str, Any]:
    """The shipped definition of `form_id`, validated and normalised."""
    if form_id not in SHIPPED_FORMS:
        raise KeyError(form_id)
    return parse_definition_text(shipped_text(form_id), f"forms_data/{form_id}.yaml")


def stored_form(form_id: str, agency: Agency | None) -> FormDefinition | None:
    """The stored form a new record of `agency` uses: the agency's newest adaptation, else the
    newest shipped version; None when neither is stored. (`caseforms.actions.current_form`
    also stores the shipped set the first time it is asked for.)"""
    rows = FormDefinition.objects.filter(form_id=form_id)
    if agency is not None:
        adapted = rows.filter(agency=agency).order_by("-version").first()
        if adapted is not None:
            return adapted
    return rows.filter(agency__isnull=True).order_by("-version").first()


def next_version(form_id: str, agency: Agency) -> int:
    """The number an agency's next adaptation gets: after the shipped and its own versions."""
    rows = FormDefinition.objects.filter(form_id=form_id)
    shipped = rows.filter(agency__isnull=True).aggregate(top=Max("version"))["top"] or 0
    own = rows.filter(agency=agency).aggregate(top=Max("version"))["top"] or 0
    return max(shipped, own) + 1

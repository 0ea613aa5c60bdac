"""The shipped form set (`forms_data/<step>.yaml`) and stored versions: the stored form a new
record uses, the number of an adaptation. Storing the shipped set is `caseforms.actions`'s
(`store_shipped_forms`, `do_store_shipped_forms`, and `current_form` on first use)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime
from importlib import resources
from typing import Any, Final

from django.db.models import Max, Q

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


# Stored definitions kept per process. A FormDefinition row is never changed once stored, so
# a copy read once stays right; it is kept under its id and creation time (an id alone could
# come back after a rollback, on SQLite). Bounded: cleared when full.
DEFINITIONS_KEPT = 512
_definitions: dict[tuple[int, datetime], FormDefinition] = {}
_definitions_lock = threading.Lock()


def stored_forms(form_ids: Iterable[str], agency: Agency | None) -> dict[str, FormDefinition]:
    """`stored_form` of each of `form_ids` (those stored), by form id: which versions exist is
    one query; the definitions come from the copies this process keeps (one query more for
    those it has not read yet). The rows returned are shared: read them, never change them."""
    wanted = set(form_ids)
    versions = FormDefinition.objects.filter(form_id__in=wanted)
    mine = Q(agency__isnull=True) if agency is None else Q(agency=agency) | Q(agency__isnull=True)
    chosen: dict[str, tuple[bool, int, tuple[int, datetime]]] = {}
    for pk, form_id, agency_id, version, created in versions.filter(mine).values_list(
        "pk", "form_id", "agency_id", "version", "created_at"
    ):
        rank = (agency_id is not None, version, (pk, created))
        if form_id not in chosen or rank[:2] > chosen[form_id][:2]:
            chosen[form_id] = rank
    rows = kept_definitions([rank[2] for rank in chosen.values()])
    return {form_id: rows[rank[2]] for form_id, rank in chosen.items() if rank[2] in rows}


def kept_definitions(
    keys: list[tuple[int, datetime]],
) -> dict[tuple[int, datetime], FormDefinition]:
    """The stored definitions with these (id, created_at), from this process's copies, the
    missing ones read in one query."""
    missing = [key for key in keys if key not in _definitions]
    if missing:
        read = FormDefinition.objects.filter(pk__in=[pk for pk, _created in missing])
        with _definitions_lock:
            if len(_definitions) + len(missing) > DEFINITIONS_KEPT:
                _definitions.clear()
            for row in read:
                _definitions[(row.pk, row.created_at)] = row
    return {key: _definitions[key] for key in keys if key in _definitions}


def forget_definitions() -> None:
    with _definitions_lock:
        _definitions.clear()


def next_version(form_id: str, agency: Agency) -> int:
    """The number an agency's next adaptation gets: after the shipped and its own versions."""
    rows = FormDefinition.objects.filter(form_id=form_id)
    shipped = rows.filter(agency__isnull=True).aggregate(top=Max("version"))["top"] or 0
    own = rows.filter(agency=agency).aggregate(top=Max("version"))["top"] or 0
    return max(shipped, own) + 1

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
from amana.core.kept import forget_now_and_at_commit, kept

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
VERSIONS_KEY = "caseforms:versions:"
_definitions: dict[tuple[int, datetime], FormDefinition] = {}
_definitions_lock = threading.Lock()


def stored_forms(form_ids: Iterable[str], agency: Agency | None) -> dict[str, FormDefinition]:
    """`stored_form` of each of `form_ids` (those stored), by form id. Which version each form
    uses is kept per process for a minute (`amana.core.kept`; forgotten here as soon as a
    definition is stored), the definitions themselves for good (`kept_definitions`). The rows
    returned are shared: read them, never change them."""
    key = f"{VERSIONS_KEY}{agency.pk if agency is not None else 0}"
    current = kept(key, lambda: _current_versions(agency))
    chosen = {form_id: current[form_id] for form_id in set(form_ids) if form_id in current}
    rows = kept_definitions(list(chosen.values()))
    return {form_id: rows[found] for form_id, found in chosen.items() if found in rows}


def _current_versions(agency: Agency | None) -> dict[str, tuple[int, datetime]]:
    """For every form, the (id, created_at) of the version a new record of `agency` uses:
    the agency's newest adaptation, else the newest shipped version (as `stored_form`)."""
    mine = Q(agency__isnull=True) if agency is None else Q(agency=agency) | Q(agency__isnull=True)
    chosen: dict[str, tuple[bool, int, tuple[int, datetime]]] = {}
    for pk, form_id, agency_id, version, created in (
        FormDefinition.objects.filter(mine)
        .order_by()
        .values_list("pk", "form_id", "agency_id", "version", "created_at")
    ):
        rank = (agency_id is not None, version, (pk, created))
        if form_id not in chosen or rank[:2] > chosen[form_id][:2]:
            chosen[form_id] = rank
    return {form_id: rank[2] for form_id, rank in chosen.items()}


def forget_versions(**_: Any) -> None:
    """Signal receiver for a stored definition: which version is current may have changed."""
    forget_now_and_at_commit(VERSIONS_KEY)


def kept_definitions(
    keys: list[tuple[int, datetime]],
) -> dict[tuple[int, datetime], FormDefinition]:
    """The stored definitions with these (id, created_at), from this process's copies, the
    missing ones read in one query (and kept)."""
    found = {key: row for key in keys if (row := _definitions.get(key)) is not None}
    missing = [key for key in keys if key not in found]
    if missing:
        read = FormDefinition.objects.filter(pk__in=[pk for pk, _created in missing])
        fresh = {(row.pk, row.created_at): row for row in read}
        with _definitions_lock:
            if len(_definitions) + len(fresh) > DEFINITIONS_KEPT:
                _definitions.clear()
            _definitions.update(fresh)
        found.update({key: fresh[key] for key in missing if key in fresh})
    return found


def forget_definitions() -> None:
    with _definitions_lock:
        _definitions.clear()


def next_version(form_id: str, agency: Agency) -> int:
    """The number an agency's next adaptation gets: after the shipped and its own versions."""
    rows = FormDefinition.objects.filter(form_id=form_id)
    shipped = rows.filter(agency__isnull=True).aggregate(top=Max("version"))["top"] or 0
    own = rows.filter(agency=agency).aggregate(top=Max("version"))["top"] or 0
    return max(shipped, own) + 1

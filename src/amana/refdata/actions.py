"""The only write path for reference data: lookup lists and the location hierarchy imported
from CSV (read and checked by `amana.refdata.imports`), each import one durable transaction
with its audit entry."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction

from amana.audit.log import write_entry
from amana.refdata.imports import (
    KIND,
    SAMPLES,
    ImportFailure,
    ImportResult,
    check_parents,
    parse_locations,
    parse_lookups,
    read_csv_file,
    sample_path,
)
from amana.refdata.models import Location, Lookup


@transaction.atomic(durable=True)
def do_import_lookups(
    text: str, *, kind: str, source: str = "", actor: Any = None, origin: str = ""
) -> ImportResult:
    """Store the list `kind` from CSV text. Nothing is stored if any row is bad."""
    if not KIND.match(kind or ""):
        raise ImportFailure(f"--kind: expected a list name like protection_concerns, got {kind!r}")
    entries = parse_lookups(text)
    result = ImportResult()
    existing = {row.code: row for row in Lookup.objects.select_for_update().filter(kind=kind)}
    for _number, code, label, active in entries:
        row = existing.get(code)
        if row is None:
            Lookup.objects.create(kind=kind, code=code, label=label, active=active)
            result.created += 1
        elif (row.label, row.active) != (label, active):
            row.label, row.active = label, active
            row.save(update_fields=["label", "active"])
            result.updated += 1
        else:
            result.unchanged += 1
    _audit(
        "lookups.import",
        object_type="lookup",
        object_id=kind,
        source=source,
        result=result,
        actor=actor,
        origin=origin,
    )
    return result


@transaction.atomic(durable=True)
def do_import_locations(
    text: str, *, source: str = "", actor: Any = None, origin: str = ""
) -> ImportResult:
    """Store the places of CSV text. Nothing is stored if any row is bad."""
    places = parse_locations(text)
    result = ImportResult()
    stored_parents = check_parents(places)
    existing = {
        row.code: row
        for row in Location.objects.select_for_update().filter(code__in=[p.code for p in places])
    }
    pks: dict[str, int] = {code: pk for code, (_lvl, pk) in stored_parents.items() if pk}
    for place in places:  # parents first: sorted by level
        parent_id = pks.get(place.parent_code) if place.parent_code else None
        row = existing.get(place.code)
        if row is None:
            row = Location.objects.create(
                code=place.code, name=place.name, level=place.level, parent_id=parent_id
            )
            result.created += 1
        elif (row.name, row.level, row.parent_id) != (place.name, place.level, parent_id):
            row.name, row.level, row.parent_id = place.name, place.level, parent_id
            row.save(update_fields=["name", "level", "parent"])
            result.updated += 1
        else:
            result.unchanged += 1
        pks[place.code] = row.pk
    _audit(
        "locations.import",
        object_type="location",
        object_id="",
        source=source,
        result=result,
        actor=actor,
        origin=origin,
    )
    return result


def _audit(
    action: str,
    *,
    object_type: str,
    object_id: str,
    source: str,
    result: ImportResult,
    actor: Any,
    origin: str,
) -> None:
    if not (result.created or result.updated):
        return
    write_entry(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        origin=origin,
        details={
            "file": Path(source).name if source else "",
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )


def load_samples(which: Iterable[str] | None = None) -> dict[str, ImportResult]:
    """Import the shipped sample lists and places (the demo uses them). Idempotent."""
    chosen = set(which) if which is not None else None
    results: dict[str, ImportResult] = {}
    for what, filename, kind in SAMPLES:
        if chosen is not None and filename not in chosen:
            continue
        text = read_csv_file(sample_path(filename))
        if what == "lookups":
            results[filename] = do_import_lookups(text, kind=kind, source=filename)
        else:
            results[filename] = do_import_locations(text, source=filename)
    return results

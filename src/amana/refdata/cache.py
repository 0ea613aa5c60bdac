"""Reference data kept in each process: the location hierarchy and the lookup lists.

The forms of the case pages offer every place and every protection concern, and the case
list filters by a place and the places under it. These rows change only when an
administrator imports a list (`refdata.actions`), so a process reads them once and keeps
what it built from them (choices, the codes under a place) for `TTL_SECONDS`.

A change made in this process is seen at once: saving or deleting a Location or a Lookup
forgets everything kept, and again when its transaction commits. A change made by another
process (`amana import_data`, another app process) is seen within `TTL_SECONDS`. Data written
to a case is always checked against the database by the actions, never against this copy.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from django.db import transaction

from amana.refdata.models import Location, Lookup

TTL_SECONDS = 60.0
Built = TypeVar("Built")

_kept: dict[str, tuple[float, Any]] = {}
_lock = threading.Lock()


class Place(NamedTuple):
    pk: int
    code: str
    name: str
    level: int
    parent_id: int | None


class Entry(NamedTuple):
    code: str
    label: str
    active: bool


def kept(key: str, build: Callable[[], Built]) -> Built:
    """`build()`, made once per `TTL_SECONDS` in this process (or after `forget`)."""
    now = time.monotonic()
    found = _kept.get(key)
    if found is not None and found[0] > now:
        value: Built = found[1]
        return value
    value = build()
    with _lock:
        _kept[key] = (now + TTL_SECONDS, value)
    return value


def forget() -> None:
    """Drop everything kept: the next read goes to the database."""
    with _lock:
        _kept.clear()


def forget_on_change(**_: Any) -> None:
    """Signal receiver for saved or deleted reference rows: forget now, and again when the
    transaction commits (so that nothing read before the commit is kept)."""
    forget()
    transaction.on_commit(forget)


def places() -> tuple[Place, ...]:
    """Every place, ordered by level then name (as `Location.Meta.ordering`)."""
    return kept("places", _read_places)


def place(code: str) -> Place | None:
    return places_by_code().get(code)


def places_by_code() -> dict[str, Place]:
    return kept("places_by_code", lambda: {row.code: row for row in places()})


def children_of() -> dict[int | None, tuple[Place, ...]]:
    """The places under each place (by parent id; None: the top), by level then name."""

    def build() -> dict[int | None, tuple[Place, ...]]:
        found: dict[int | None, list[Place]] = {}
        for row in places():
            found.setdefault(row.parent_id, []).append(row)
        return {parent: tuple(rows) for parent, rows in found.items()}

    return kept("children_of", build)


def entries(kind: str) -> tuple[Entry, ...]:
    """The values of one lookup list, active or not, ordered by label."""
    return kept(f"lookup:{kind}", lambda: _read_entries(kind))


def _read_places() -> tuple[Place, ...]:
    rows = Location.objects.order_by("level", "name").values_list(
        "pk", "code", "name", "level", "parent_id"
    )
    return tuple(Place(*row) for row in rows)


def _read_entries(kind: str) -> tuple[Entry, ...]:
    rows = Lookup.objects.filter(kind=kind).order_by("label").values_list("code", "label", "active")
    return tuple(Entry(*row) for row in rows)

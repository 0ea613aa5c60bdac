"""Reference data kept in each process: the location hierarchy and the lookup lists.

The forms of the case pages offer every place and every protection concern, and the case
list filters by a place and the places under it. These rows change only when an
administrator imports a list (`refdata.actions`), so a process reads them once and keeps
what it built from them (choices, the codes under a place) for a minute (`amana.core.kept`).

A change made in this process is seen at once: saving or deleting a Location or a Lookup
forgets everything kept, and again when its transaction commits. A change made by another
process (`amana import_data`, another app process) is seen within that minute. Data written
to a case is always checked against the database by the actions, never against this copy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from amana.core.kept import forget as forget_kept
from amana.core.kept import forget_now_and_at_commit
from amana.core.kept import kept as kept_for_a_while
from amana.refdata.models import Location, Lookup

PREFIX = "refdata:"
Built = TypeVar("Built")


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
    """`build()`, made once per `amana.core.kept.TTL_SECONDS` in this process (or after a
    change to reference data here)."""
    return kept_for_a_while(PREFIX + key, build)


def forget() -> None:
    forget_kept(PREFIX)


def forget_on_change(**_: Any) -> None:
    """Signal receiver for saved or deleted reference rows."""
    forget_now_and_at_commit(PREFIX)


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

"""Rule 4.0's element split, kept per exact (purpose, service, element) met, for the fast path.

`rules.elements.split_elements` decides each element afresh; `ElementSplit` gives the same
split from a table (tests/protocol/test_tables.py holds it to that).
"""

from __future__ import annotations

from typing import Final

from amana.protocol.codes import Code
from amana.protocol.findings import Withheld
from amana.protocol.model import Protocol
from amana.protocol.rules.elements import agreed_list, withhold_code

_UNSEEN: Final = Withheld("", Code.ELEMENTS_NOT_AGREED)  # a marker: never in a table
# Bounds, so that odd input cannot grow the tables without end.
TABLES_MAX: Final = 1000  # (purpose, service) pairs
ELEMENTS_MAX: Final = 1000  # elements per pair


class ElementSplit:
    """`split_elements` for one protocol, with `withhold_code` kept for each exact
    (purpose, service, element) met: None (the element goes) or its `Withheld` entry."""

    __slots__ = ("_tables", "protocol")

    def __init__(self, protocol: Protocol) -> None:
        self.protocol = protocol
        self._tables: dict[tuple[str, str | None], dict[str, Withheld | None]] = {}

    def split(
        self, purpose: str, service: str | None, elements: tuple[str, ...], withheld: list[Withheld]
    ) -> list[str]:
        """The elements that may go; the withheld ones are added to `withheld`, in order."""
        table = self._table(purpose, service)
        share: list[str] = []
        for element in elements:
            entry = table.get(element, _UNSEEN)
            if entry is _UNSEEN:
                entry = self._entry(purpose, service, element, table)
            if entry is None:
                share.append(element)
            else:
                withheld.append(entry)
        return share

    def entry(self, purpose: str, service: str | None, element: str) -> Withheld | None:
        """One element's fate: None (it goes) or its `Withheld` entry."""
        table = self._table(purpose, service)
        entry = table.get(element, _UNSEEN)
        if entry is _UNSEEN:
            entry = self._entry(purpose, service, element, table)
        return entry

    def _table(self, purpose: str, service: str | None) -> dict[str, Withheld | None]:
        table = self._tables.get((purpose, service))
        if table is None:
            table = {}
            if len(self._tables) < TABLES_MAX:
                self._tables[purpose, service] = table
        return table

    def _entry(
        self, purpose: str, service: str | None, element: str, table: dict[str, Withheld | None]
    ) -> Withheld | None:
        spec = self.protocol.purposes[purpose]  # enabled: earlier rules deny otherwise
        code = withhold_code(purpose, spec, element, agreed_list(spec, service))
        entry = None if code is None else Withheld(element, code)
        if len(table) < ELEMENTS_MAX:
            table[element] = entry
        return entry

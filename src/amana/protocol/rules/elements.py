"""Rule 4.0: only the agreed elements go; the rest is withheld with the reason."""

from __future__ import annotations

from typing import Final

from amana.protocol.codes import Code
from amana.protocol.findings import Context, Withheld
from amana.protocol.model import Protocol, PurposeSpec
from amana.protocol.vocabulary import EXCESSIVE_FOR_PURPOSE, INCIDENT, WHOLE_FILE


def _agreed_list(spec: PurposeSpec, service_name: str | None) -> frozenset[str] | None:
    """The service's list for referrals, else the purpose's list; None when nothing is listed."""
    service = spec.services.get(service_name or "")
    if service is not None and service.elements is not None:
        return service.elements
    return spec.elements


def withhold_code(
    purpose: str, spec: PurposeSpec, element: str, agreed: frozenset[str] | None
) -> Code | None:
    if element == WHOLE_FILE and purpose != "case_transfer":
        return Code.ELEMENTS_EXCESSIVE
    if element in EXCESSIVE_FOR_PURPOSE.get(purpose, frozenset()):
        return Code.ELEMENTS_EXCESSIVE
    if agreed is not None and element not in agreed:
        return Code.ELEMENTS_NOT_AGREED
    if element in spec.excluded:
        return Code.ELEMENTS_NOT_AGREED
    if agreed is None and element == INCIDENT and purpose == "referral_immediate":
        return Code.ELEMENTS_NOT_AGREED
    return None


def split_elements(ctx: Context) -> list[str]:
    """R4.0 to R4.6: returns the elements that may go and records the withheld ones."""
    request = ctx.request
    spec = ctx.protocol.purposes[request.purpose]  # enabled: earlier rules deny otherwise
    agreed = _agreed_list(spec, request.service)
    share: list[str] = []
    for element in request.elements:
        code = withhold_code(request.purpose, spec, element, agreed)
        if code is None:
            share.append(element)
        else:
            ctx.withheld.append(Withheld(element, code))
    return share


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
        code = withhold_code(purpose, spec, element, _agreed_list(spec, service))
        entry = None if code is None else Withheld(element, code)
        if len(table) < ELEMENTS_MAX:
            table[element] = entry
        return entry

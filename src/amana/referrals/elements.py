"""The values of data elements, read from the case at the moment of sending."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from amana.cases.models import Case

Reader = Callable[[Case], Any]

READERS: dict[str, Reader] = {
    "full_name": lambda case: case.child.full_name,
    "date_of_birth": lambda case: case.child.date_of_birth,
    "sex": lambda case: case.child.sex,
    "individual_id": lambda case: case.child.individual_id,
    "contact_phone": lambda case: case.child.contact_phone,
    "case_number": lambda case: case.case_number,
    "specific_needs_codes": lambda case: sorted(c.code for c in case.concerns.all()),
    "care_arrangement": lambda case: case.care_arrangement,
    "bia_status": lambda case: case.best_interests_status,
    "bid_status": lambda case: case.best_interests_status,
}
WRITTEN_FOR_THE_REFERRAL = frozenset({"referral_summary", "risk_summary"})


def known_elements() -> frozenset[str]:
    return frozenset(READERS) | WRITTEN_FOR_THE_REFERRAL


def packet_values(case: Case, shared: list[str], written: dict[str, str]) -> dict[str, Any]:
    """Exactly the shared elements: read from the case, or written for this referral."""
    values: dict[str, Any] = {}
    for element in shared:
        if element in READERS:
            values[element] = READERS[element](case)
        elif element in written:
            values[element] = written[element]
    return values

"""Registering cases for tests through the real write path."""

from __future__ import annotations

from datetime import date

from amana.accounts.models import User
from amana.cases.actions import CaseInput, ChildInput, PersonInput, do_register_case
from amana.cases.models import Case
from amana.refdata.models import Location, Lookup


def ensure_lookups() -> None:
    for code, label in (("neglect", "Neglect"), ("child_labour", "Child labour"), ("gbv", "GBV")):
        Lookup.objects.get_or_create(
            kind="protection_concerns", code=code, defaults={"label": label}
        )
    camp, _ = Location.objects.get_or_create(
        code="XX-C1", defaults={"name": "North Camp", "level": 1}
    )
    Location.objects.get_or_create(
        code="XX-C1-B1", defaults={"name": "Block 1", "level": 2, "parent": camp}
    )


def register(
    actor: User, *, name: str = "Amina Yusuf", risk: str = "high", **child: object
) -> Case:
    ensure_lookups()
    return do_register_case(
        child=ChildInput(full_name=name, sex="female", date_of_birth=date(2014, 3, 2), **child),  # type: ignore[arg-type]
        people=[PersonInput(relationship="mother", full_name="Halima Yusuf", is_caregiver=True)],
        case=CaseInput(risk_level=risk, concerns=["neglect"], location="XX-C1-B1"),
        actor=actor,
    )

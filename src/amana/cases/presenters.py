"""What a user is shown of a case: decrypted where their roles may see it, masked otherwise."""

from __future__ import annotations

from datetime import date
from typing import Any

from amana.accounts.models import User
from amana.cases.access import visible_classes
from amana.cases.models import Case, Child, Sensitivity

MASK = "•••"
CHILD_FIELDS: dict[str, Sensitivity] = {
    "full_name": Sensitivity.IDENTIFYING,
    "other_names": Sensitivity.IDENTIFYING,
    "date_of_birth": Sensitivity.IDENTIFYING,
    "individual_id": Sensitivity.IDENTIFYING,
    "contact_phone": Sensitivity.IDENTIFYING,
    "address": Sensitivity.IDENTIFYING,
    "sex": Sensitivity.SENSITIVE_PERSONAL,
    "nationality": Sensitivity.SENSITIVE_PERSONAL,
}


def age_on(birth: str, today: date) -> int | None:
    if not birth:
        return None
    born = date.fromisoformat(birth)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def child_view(actor: User, child: Child, today: date | None = None) -> dict[str, Any]:
    allowed = visible_classes(actor)
    shown: dict[str, Any] = {
        name: getattr(child, name) if cls in allowed else MASK for name, cls in CHILD_FIELDS.items()
    }
    if Sensitivity.IDENTIFYING in allowed:
        shown["age"] = age_on(child.date_of_birth, today or date.today())
    elif child.birth_year:
        shown["age"] = (today or date.today()).year - child.birth_year
    else:
        shown["age"] = None
    return shown


def case_view(actor: User, case: Case) -> dict[str, Any]:
    allowed = visible_classes(actor)
    protection = Sensitivity.PROTECTION in allowed
    return {
        "id": str(case.pk),
        "case_number": case.case_number,
        "agency": case.agency.slug,
        "status": case.status,
        "stage": case.stage,
        "risk_level": case.risk_level,
        "care_arrangement": case.care_arrangement if protection else MASK,
        "concerns": [c.code for c in case.concerns.all()] if protection else MASK,
        "location": case.location.code if case.location else None,
        "is_refugee": case.is_refugee,
        "best_interests_status": case.best_interests_status,
        "supervisor": case.supervisor.username if case.supervisor else None,
        "registered_at": case.registered_at.isoformat(),
        "next_due_at": case.next_due_at.isoformat() if case.next_due_at else None,
        "version": case.version,
        "child": child_view(actor, case.child),
    }


def case_row(actor: User, case: Case, today: date | None = None) -> dict[str, Any]:
    """One line of a case list: only what the list shows is decrypted."""
    identifying = Sensitivity.IDENTIFYING in visible_classes(actor)
    child = case.child
    if identifying:
        name, age = child.full_name, age_on(child.date_of_birth, today or date.today())
    else:
        name = MASK
        age = (today or date.today()).year - child.birth_year if child.birth_year else None
    return {
        "id": str(case.pk),
        "case_number": case.case_number,
        "child_name": name,
        "age": age,
        "status": case.status,
        "stage": case.stage,
        "risk_level": case.risk_level,
        "next_due_at": case.next_due_at.isoformat() if case.next_due_at else None,
        "location": case.location.code if case.location else None,
    }

"""A sharing request built from what the case records, never from what a browser sends.

Age, care situation, GBV concern, case status, consents and the best-interests assessment all
come from the stored case; the caseworker chooses only recipient, purpose, service, legitimate
basis, elements, label and contact method (and records an exceptional circumstance, if any).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from amana.cases.models import Case, FormRecord
from amana.cases.presenters import age_on

GBV_CONCERNS = frozenset({"gbv", "sexual_violence", "sgbv"})
CARE_STATUS = {
    "parents": "with_parents",
    "kinship": "separated",
    "foster": "unaccompanied",
    "residential": "unaccompanied",
    "independent": "unaccompanied",
    "unaccompanied": "unaccompanied",
}


def _age(case: Case, at: date) -> int:
    child = case.child
    if child.date_of_birth:
        return age_on(child.date_of_birth, at) or 0
    return at.year - child.birth_year if child.birth_year else 0


def _best_interests(case: Case) -> dict[str, Any] | None:
    approved = (
        FormRecord.objects.filter(case=case, form__form_id="bia", status=FormRecord.Status.APPROVED)
        .order_by("-decided_at")
        .first()
    )
    if approved is None or approved.decided_at is None:
        return None
    return {"assessed_on": approved.decided_at.date().isoformat(), "supports_sharing": True}


def _consents(case: Case, at: date) -> list[dict[str, Any]]:
    try:
        from amana.consent.access import engine_consents
    except ImportError:  # consent records arrive with the consent app
        return []
    records: list[dict[str, Any]] = engine_consents(case, at)
    return records


def request_from_case(
    case: Case,
    *,
    recipient: str,
    purpose: str,
    service: str | None,
    legal_basis: str,
    elements: list[str],
    at: date,
    label: str | None = None,
    contact_method: str | None = None,
    exceptional: dict[str, Any] | None = None,
) -> dict[str, Any]:
    age = _age(case, at)
    concerns = {c.code for c in case.concerns.all()}
    care = "adult" if age >= 18 else CARE_STATUS.get(case.care_arrangement, "with_parents")
    return {
        "at": at.isoformat(),
        "from": case.agency.slug,
        "to": recipient,
        "purpose": purpose,
        "service": service,
        "legal_basis": legal_basis,
        "subject": {
            "age": age,
            "care_status": care,
            "caregiver_reachable": care in {"with_parents", "separated"},
            "gbv_survivor": bool(concerns & GBV_CONCERNS),
            "case_status": "closed" if case.status == Case.Status.CLOSED else "open",
        },
        "consents": _consents(case, at),
        "best_interests": _best_interests(case),
        "exceptional": exceptional,
        "contact_method": contact_method,
        "label": label,
        "elements": elements,
    }

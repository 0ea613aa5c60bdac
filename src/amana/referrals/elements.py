"""The values of data elements, read from the case at the moment of sending.

Only stored data: nothing is made up for a packet. Elements the caseworker writes for this
referral (a summary) come from `written`; everything else is read from the case here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from amana.caseforms.formdata import read_data
from amana.caseforms.models import FormRecord
from amana.cases.models import Case

Reader = Callable[[Case], Any]
DONE = (FormRecord.Status.DONE, FormRecord.Status.APPROVED)


def _concern_codes(case: Case) -> list[str]:
    return sorted(c.code for c in case.concerns.all())


def _case_summary(case: Case) -> dict[str, Any]:
    """The case's own facts: no narrative, no notes."""
    return {
        "case_number": case.case_number,
        "registered_on": case.registered_at.date().isoformat(),
        "status": case.status,
        "stage": case.stage,
        "risk_level": case.risk_level,
        "care_arrangement": case.care_arrangement,
        "location": case.location.code if case.location else "",
    }


def _assessed_needs(case: Case) -> list[dict[str, str]]:
    return [{"code": c.code, "label": c.label} for c in case.concerns.order_by("code")]


def _actions_taken(case: Case) -> list[dict[str, str]]:
    """The steps of the case-management cycle completed, and when (not what the forms say)."""
    records = FormRecord.objects.filter(case=case, status__in=DONE).select_related("form")
    return [
        {"step": r.form.form_id, "on": (r.decided_at or r.updated_at).date().isoformat()}
        for r in records.order_by("created_at")
    ]


def _related_people(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "relationship": p.relationship,
            "full_name": p.full_name,
            "contact_phone": p.contact_phone,
            "is_caregiver": p.is_caregiver,
            "lives_with_child": p.lives_with_child,
        }
        for p in case.child.related_people.order_by("relationship", "pk")
    ]


def _caregiver_contact(case: Case) -> list[dict[str, Any]]:
    """How to reach the child through their caregivers: names, relationship and phone only."""
    return [
        {
            "relationship": p.relationship,
            "full_name": p.full_name,
            "contact_phone": p.contact_phone,
            "is_caregiver": True,
        }
        for p in case.child.related_people.filter(is_caregiver=True).order_by("relationship", "pk")
    ]


def _drafts(case: Case) -> list[dict[str, Any]]:
    """Unfinished forms. Protocols exclude them from transfers (R4.6); read only if agreed."""
    records = FormRecord.objects.filter(case=case, status=FormRecord.Status.DRAFT)
    return [{"form": r.form.form_id, "data": read_data(r)} for r in records.select_related("form")]


READERS: dict[str, Reader] = {
    "full_name": lambda case: case.child.full_name,
    "date_of_birth": lambda case: case.child.date_of_birth,
    "sex": lambda case: case.child.sex,
    "individual_id": lambda case: case.child.individual_id,
    "contact_phone": lambda case: case.child.contact_phone,
    "case_number": lambda case: case.case_number,
    "specific_needs_codes": _concern_codes,
    "concerns": _concern_codes,
    "care_arrangement": lambda case: case.care_arrangement,
    "bia_status": lambda case: case.best_interests_status,
    "bid_status": lambda case: case.best_interests_status,
    "case_summary": _case_summary,
    "assessed_needs": _assessed_needs,
    "actions_taken": _actions_taken,
    "closure_reason": lambda case: case.closure_reason,
    "related_people": _related_people,
    "caregiver_contact": _caregiver_contact,
    "drafts": _drafts,
}
WRITTEN_FOR_THE_REFERRAL = frozenset({"referral_summary", "risk_summary", "incident_narrative"})


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

"""The data elements of the sharing vocabulary (docs/data-elements.md), each with its
sensitivity class; the elements each step's form must keep, and the select codes the
case model stores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from amana.cases.models import Case, Child

ID, SP, PR, PC = "identifying", "sensitive_personal", "protection", "process"


@dataclass(frozen=True)
class Element:
    """A data element of the sharing vocabulary. `sensitivity` None: a set of records (the
    whole file, all assessments …) that protocols name but no single form field holds."""

    name: str
    sensitivity: str | None


_ELEMENT_CLASSES: dict[str, str | None] = {
    # identifying
    "full_name": ID,
    "other_names": ID,
    "date_of_birth": ID,
    "individual_id": ID,
    "case_number": ID,
    "contact_phone": ID,
    "address": ID,
    "location": ID,
    "related_persons": ID,
    "related_person_name": ID,
    "related_person_phone": ID,
    "documents": ID,
    "interview_transcript": ID,
    # sensitive personal
    "sex": SP,
    "nationality": SP,
    "displacement_status": SP,
    "relationship": SP,
    "health_information": SP,
    "medical_records": SP,
    # protection
    "specific_needs_codes": PR,
    "risk_level": PR,
    "risk_summary": PR,
    "incident_narrative": PR,
    "case_summary": PR,
    "assessed_needs": PR,
    "family_situation": PR,
    "care_arrangement": PR,
    "family_tracing": PR,
    "child_views": PR,
    "caregiver_views": PR,
    "education_status": PR,
    "best_interests_assessment": PR,
    "best_interests_determination": PR,
    "case_plan": PR,
    "services_needed": PR,
    "referral_summary": PR,
    "actions_taken": PR,
    "outcome_summary": PR,
    "caseworker_notes": PR,
    "rsd_information": PR,
    # process
    "registration_date": PC,
    "identification_source": PC,
    "assessment_date": PC,
    "next_review_date": PC,
    "contact_method": PC,
    "consent_record": PC,
    "bia_status": PC,
    "bid_status": PC,
    "referral_status": PC,
    "status_date": PC,
    "service_status": PC,
    "service_date": PC,
    "closure_reason": PC,
    "administrative_correspondence": PC,
    # sets of records, named by protocols, never one field
    "case_file": None,
    "assessments": None,
    "intake_form": None,
    "full_assessment": None,
    "incident_report": None,
    "drafts": None,
}
ELEMENTS: Final[dict[str, Element]] = {
    name: Element(name, sensitivity) for name, sensitivity in _ELEMENT_CLASSES.items()
}

# Elements the case workflow reads from a step's form: an adaptation may not drop them.
CORE_ELEMENTS: Final[dict[str, tuple[str, ...]]] = {
    "registration": (
        "full_name",
        "date_of_birth",
        "sex",
        "specific_needs_codes",
        "risk_level",
        "consent_record",
    ),
    "initial_assessment": ("risk_level", "risk_summary"),
    "bia": ("best_interests_assessment", "bia_status"),
    "comprehensive_assessment": ("assessed_needs",),
    "case_plan": ("case_plan",),
    "follow_up": (),
    "closure": ("closure_reason", "case_summary"),
    "bid": ("best_interests_determination", "bid_status"),
}

# A select field tagged with one of these elements keeps the codes the case model stores.
FIXED_CODES: Final[dict[str, tuple[str, ...]]] = {
    "sex": tuple(Child.Sex.values),
    "risk_level": tuple(Case.Risk.values),
    "care_arrangement": tuple(Case.CareArrangement.values),
}

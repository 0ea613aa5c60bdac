"""What a code reads as, in the reader's language: the lookup lists (protection concerns,
services, nationalities), the parts of a case file a disclosure names (data elements), the
purposes and legitimate bases of sharing, and a child's sex.

The lists are imported per operation with English labels (`Lookup.label`); the codes Amana
ships or seeds carry their translations here, keyed by code. A nationality written as an ISO
3166 alpha-3 code (AFG, SYR …) reads as the country's name from the ISO list of `pycountry`,
translated by its catalogue. In English, or for a code this module does not know, the stored
label wins, so an operation's own wording is kept; a code with no label at all is shown with
its underscores as spaces rather than raw.

Everything here is in memory: no query, whatever the number of rows labelled.
"""

from __future__ import annotations

import gettext
import re
from functools import cache
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

CONCERNS: Final = "protection_concerns"
NATIONALITIES: Final = "nationalities"
SERVICES: Final = "services"
ELEMENTS: Final = "elements"
PURPOSES: Final = "purposes"
BASES: Final = "bases"
SEX: Final = "sex"

CONCERN_LABELS: Final[dict[str, Promise]] = {
    "unaccompanied": _("Unaccompanied child"),
    "separated": _("Separated child"),
    "physical_violence": _("Physical violence or abuse"),
    "emotional_abuse": _("Emotional abuse"),
    "sexual_violence": _("Sexual violence"),
    "sexual_abuse": _("Sexual abuse"),
    "gbv": _("Gender-based violence"),
    "neglect": _("Neglect"),
    "child_labour": _("Child labour"),
    "child_marriage": _("Child marriage or risk of it"),
    "armed_groups": _("Associated with armed forces or armed groups"),
    "caafag": _("Associated with armed forces or armed groups"),
    "detention": _("Child in detention"),
    "conflict_with_law": _("Child in conflict with the law"),
    "trafficking": _("Trafficking or exploitation"),
    "disability": _("Child with a disability"),
    "serious_medical": _("Serious medical condition"),
    "psychosocial_distress": _("Psychosocial distress"),
    "out_of_school": _("Out of school"),
    "child_headed_household": _("Child-headed household"),
    "child_parent": _("Child who is a parent"),
    "no_documents": _("No civil or legal documents"),
    "no_documentation": _("No civil or legal documents"),
}
SERVICE_LABELS: Final[dict[str, Promise]] = {
    "psychosocial_support": _("Psychosocial support"),
    "mental_health_care": _("Mental health care"),
    "gbv_case_management": _("GBV case management"),
    "legal_aid": _("Legal aid"),
    "civil_documentation": _("Civil documentation"),
    "livelihoods": _("Livelihoods"),
    "resettlement_consideration": _("Resettlement consideration"),
    "health": _("Health care"),
    "education": _("Education"),
    "family_tracing": _("Family tracing and reunification"),
    "alternative_care": _("Alternative care"),
    "cash_assistance": _("Cash assistance"),
    "shelter": _("Shelter"),
}
# The sample list's nationalities that are not ISO countries (the sample's countries are
# invented), and the two that are no country at all.
NATIONALITY_LABELS: Final[dict[str, Promise]] = {
    "kes": _("Kestrian"),
    "val": _("Valdorian"),
    "mar": _("Maruni"),
    "oss": _("Ossetran"),
    "stateless": _("Stateless"),
    "undetermined": _("Not yet determined"),
}
ELEMENT_LABELS: Final[dict[str, Promise]] = {
    "full_name": _("Full name"),
    "date_of_birth": _("Date of birth"),
    "sex": _("Sex"),
    "individual_id": _("Individual registration number"),
    "contact_phone": _("Contact phone"),
    "case_number": _("Case number"),
    "specific_needs_codes": _("Specific needs codes"),
    "care_arrangement": _("Care arrangement"),
    "bia_status": _("Best-interests assessment status"),
    "bid_status": _("Best-interests determination status"),
    "referral_summary": _("Referral summary"),
    "risk_summary": _("Risk summary"),
    "incident_narrative": _("Incident narrative"),
    "case_summary": _("Case summary (status, stage, risk, care, location)"),
    "assessed_needs": _("Assessed needs"),
    "concerns": _("Protection concerns"),
    "actions_taken": _("Steps of case management completed"),
    "related_people": _("Family and other people around the child"),
    "caregiver_contact": _("Caregiver's name and phone"),
    "drafts": _("Unfinished forms (drafts)"),
    "closure_reason": _("Why the case was closed"),
    "referral_status": _("Referral status"),
    "status_date": _("Status date"),
    "medical_records": _("Medical records"),
    "case_plan": _("Case plan"),
    "assessments": _("Assessments"),
    "full_assessment": _("Full assessment"),
    "intake_form": _("Intake form"),
    "incident_report": _("Incident report"),
    "caseworker_notes": _("Caseworker's notes"),
    "case_file": _("The whole case file"),
    "home_visit": _("Home visit"),
    "service_status": _("Service status"),
    "service_provided": _("Service provided"),
    "address": _("Address"),
    "nationality": _("Nationality"),
    "other_names": _("Other names"),
    "location": _("Location"),
    "risk_level": _("Risk level"),
    "status": _("Status"),
    "stage": _("Stage"),
    "registered_on": _("Registered on"),
}
PURPOSE_LABELS: Final[dict[str, Promise]] = {
    "referral_immediate": _("Referral to a service now"),
    "referral_future": _("So a provider can consider the child for services later"),
    "feedback_process": _("Tell the referring agency the referral status"),
    "feedback_service": _("Tell the referring agency what service was given"),
    "closed_case_access": _("Closed case: access for future services"),
    "closed_case_archive": _("Closed case: archiving"),
    "case_transfer": _("Transfer the case to another agency"),
    "investigation": _("Investigation (fraud, sexual exploitation and abuse)"),
    "research": _("Research"),
    "advocacy": _("Advocacy"),
    "monitoring_evaluation": _("Monitoring and evaluation"),
    "fundraising": _("Fundraising"),
    "programming": _("Programme design"),
}
BASIS_LABELS: Final[dict[str, Promise]] = {
    "consent": _("Consent"),
    "best_interests": _("The child's best interests"),
    "vital_interests": _("Vital interests (immediate danger to the child)"),
    "safety_security": _("Safety and security of others"),
    "mandate": _("Mandate (investigations only)"),
}
SEX_LABELS: Final[dict[str, Promise]] = {
    "female": _("Female"),
    "male": _("Male"),
    "other": _("Other"),
    "unknown": _("Unknown"),
}
LABELS: Final[dict[str, dict[str, Promise]]] = {
    CONCERNS: CONCERN_LABELS,
    SERVICES: SERVICE_LABELS,
    NATIONALITIES: NATIONALITY_LABELS,
    ELEMENTS: ELEMENT_LABELS,
    PURPOSES: PURPOSE_LABELS,
    BASES: BASIS_LABELS,
    SEX: SEX_LABELS,
}
ISO_CODE = re.compile(r"[A-Z]{3}")
# The words a protocol's reason text quotes: purposes, bases, services and elements.
QUOTED_CODE = re.compile(r'(["\u201c«]\s?)([a-z][a-z0-9]*(?:_[a-z0-9]+)*)(\s?["\u201d»])')
QUOTED_KINDS: Final = (PURPOSES, BASES, SERVICES, ELEMENTS)


def _language() -> str:
    return (get_language() or "en")[:2]


@cache
def _countries(language: str) -> gettext.NullTranslations:
    import pycountry

    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


@cache
def _country_name(code: str) -> str | None:
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    return None if country is None else str(country.name)


def country_label(code: str, language: str | None = None) -> str | None:
    """The ISO 3166 country of an alpha-3 code, in `language` (the active one by default)."""
    name = _country_name(code) if ISO_CODE.fullmatch(code) else None
    if name is None:
        return None
    return _countries(language or _language()).gettext(name)


def humanised(code: str) -> str:
    return code.replace("_", " ")


def label(kind: str, code: str, stored: str = "") -> str:
    """`code` of the list `kind` as the reader reads it. `stored` is the label the operation
    imported (English), used in English and for codes this module has no translation of."""
    if not code:
        return ""
    known = LABELS.get(kind, {}).get(code)
    if stored and (known is None or _language() == "en"):
        return stored
    if known is not None:
        return str(known)
    if kind == NATIONALITIES:
        country = country_label(code)
        if country is not None:
            return country
    return humanised(code)


def labels(kind: str, codes: list[str] | tuple[str, ...]) -> list[str]:
    return [label(kind, code) for code in codes]


def relabel_quoted(text: str) -> str:
    """A reason text with the codes it quotes ("mental_health_care", « consent ») replaced by
    their labels, in the text's own quotation marks; other quoted words stay as they are."""

    def swap(match: re.Match[str]) -> str:
        opening, code, closing = match.groups()
        for kind in QUOTED_KINDS:
            if code in LABELS[kind]:
                return f"{opening}{LABELS[kind][code]}{closing}"
        return match.group(0)

    return QUOTED_CODE.sub(swap, text)

"""The contract's fixed vocabulary: purposes, bases, reason codes and their sources."""

from __future__ import annotations

from typing import Final

DIRECT_PURPOSES: Final = (
    "referral_immediate",
    "referral_future",
    "feedback_process",
    "feedback_service",
    "closed_case_access",
    "closed_case_archive",
    "case_transfer",
    "investigation",
)
INDIRECT_PURPOSES: Final = (
    "research",
    "advocacy",
    "monitoring_evaluation",
    "fundraising",
    "programming",
)
PURPOSES: Final = DIRECT_PURPOSES + INDIRECT_PURPOSES
INTERIM_PURPOSES: Final = frozenset({"referral_immediate", "case_transfer"})
BASES: Final = ("consent", "vital_interests", "best_interests", "mandate", "safety_security")
EXCEPTIONAL_BASES: Final = frozenset({"vital_interests", "safety_security"})
CARE_STATUSES: Final = ("with_parents", "separated", "unaccompanied", "adult")
CASE_STATUSES: Final = ("open", "closed")
GIVERS: Final = ("child", "caregiver", "adult_subject")
CONSENT_KINDS: Final = ("consent", "assent", "refusal", "withdrawal")
STAGES: Final = ("intake", "closure", "other")
PARTICIPANT_KINDS: Final = ("un_agency", "international_ngo", "national_ngo", "government", "other")
PARTICIPANT_ROLES: Final = ("coordinator", "data_gathering", "service_provider")

ADULT_AGE: Final = 18
WHOLE_FILE: Final = "case_file"
INCIDENT: Final = "incident_narrative"
HOME_VISIT: Final = "home_visit"

# Legitimate bases each direct purpose accepts (rules.md R3, R4).
BASES_FOR_PURPOSE: Final[dict[str, frozenset[str]]] = {
    "referral_immediate": frozenset(
        {"consent", "best_interests", "vital_interests", "safety_security"}
    ),
    "referral_future": frozenset({"consent"}),
    "feedback_process": frozenset(BASES) - {"mandate"},  # R4.3, R3.5: never routine
    "feedback_service": frozenset({"consent"}),
    "closed_case_access": frozenset({"consent", "best_interests"}),
    "closed_case_archive": frozenset({"consent", "best_interests"}),
    "case_transfer": frozenset({"consent", "best_interests"}),
    "investigation": frozenset({"mandate"}),
}

# Elements a purpose never needs, whatever the protocol lists (rules.md R4.0, R4.2, R4.4).
EXCESSIVE_FOR_PURPOSE: Final[dict[str, frozenset[str]]] = {
    "referral_future": frozenset(
        {WHOLE_FILE, INCIDENT, "intake_form", "assessments", "full_assessment", "incident_report"}
    ),
    "feedback_service": frozenset({WHOLE_FILE, INCIDENT, "incident_report"}),
}

DEFAULT_STIGMATISING_TERMS: Final = (
    "gbv",
    "sgbv",
    "gender-based violence",
    "gender based violence",
    "sexual",
    "rape",
    "abuse",
    "abused",
    "violence",
    "assault",
    "trafficking",
    "exploitation",
    "early marriage",
    "child marriage",
    "forced marriage",
    "hiv",
    "torture",
    "survivor",
    "victim",
)

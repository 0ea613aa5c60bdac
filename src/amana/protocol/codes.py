"""Reason and obligation codes, each with the source document it comes from."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Code(StrEnum):
    PROTOCOL_UNKNOWN = "protocol.unknown"
    PROTOCOL_INTERIM = "protocol.interim"
    PROTOCOL_INTERIM_EXPIRED = "protocol.interim_expired"
    PROTOCOL_EXPIRED = "protocol.expired"
    SCOPE_OUTSIDE = "scope.outside"
    PARTY_NOT_PARTICIPANT = "party.not_participant"
    PARTY_SUSPENDED = "party.suspended"
    PURPOSE_UNKNOWN = "purpose.unknown"
    PURPOSE_INDIRECT = "purpose.indirect_benefit"
    SERVICE_UNSPECIFIED = "service.unspecified"
    BASIS_INVALID = "basis.invalid"
    CONSENT_MISSING = "consent.missing"
    CONSENT_REFUSED = "consent.refused"
    ASSENT_MISSING = "assent.missing"
    BEST_INTERESTS_NOT_DETERMINED = "best_interests.not_determined"
    EXCEPTIONAL_NO_RISK_ASSESSMENT = "exceptional.no_risk_assessment"
    EXCEPTIONAL_RECIPIENT_UNSAFE = "exceptional.recipient_unsafe"
    ELEMENTS_NOT_AGREED = "elements.not_agreed"
    ELEMENTS_EXCESSIVE = "elements.excessive"
    LABEL_STIGMATISING = "label.stigmatising"
    CONTACT_UNSAFE = "contact.unsafe"
    FEEDBACK_PROCESS_ONLY = "feedback.process_only"
    BREACH_OPEN = "breach.open"
    SHARING_ALLOWED = "sharing.allowed"


class Obligation(StrEnum):
    RECORD_BASIS = "record_basis"
    INFORM_SUBJECT = "inform_subject"
    NO_ONWARD_SHARING = "no_onward_sharing"
    REPORT_BREACH = "report_breach"
    EXPLAIN_EXCEPTIONAL = "explain_exceptional_action"
    INTERIM_REVIEW = "interim_review"


TN = "Technical Note on Sharing Personal Protection Data (UNHCR and partners, 2020)"
GN = (
    "Inter-agency Guidance Note on Data Protection and Information Sharing "
    "for CP Case Management (2023)"
)
ISP = "Inter-agency CPIMS Information Sharing Protocol (Jordan, 2015)"

SOURCES: Final[dict[Code, str]] = {
    Code.PROTOCOL_UNKNOWN: f"{GN} — 3.2 What happens before the DPISP is signed?",
    Code.PROTOCOL_INTERIM: f"{GN} — 3.2 What happens before the DPISP is signed?",
    Code.PROTOCOL_INTERIM_EXPIRED: f"{GN} — 3.2 NOTE and FAQ on the interim period",
    Code.PROTOCOL_EXPIRED: f"{ISP} — Time limit",
    Code.SCOPE_OUTSIDE: f"{GN} — FAQ, geographic scope; {ISP} — Annex I",
    Code.PARTY_NOT_PARTICIPANT: f"{GN} — Annex 2, What happens if I do not sign a DPISP?",
    Code.PARTY_SUSPENDED: f"{ISP} — Ground rule 6, Time limit",
    Code.PURPOSE_UNKNOWN: f"{TN} — Purpose Specification",
    Code.PURPOSE_INDIRECT: f"{TN} — Purpose Specification (indirect benefits)",
    Code.SERVICE_UNSPECIFIED: f"{TN} — Purpose Specification (overly broad purposes)",
    Code.BASIS_INVALID: f"{TN} — Legitimate Bases",
    Code.CONSENT_MISSING: f"{TN} — Consent; Processing for Other Purposes",
    Code.CONSENT_REFUSED: f"{TN} — Consent",
    Code.ASSENT_MISSING: f"{TN} — Terminology: (Informed) assent",
    Code.BEST_INTERESTS_NOT_DETERMINED: f"{TN} — Legitimate Bases: Best interests",
    Code.EXCEPTIONAL_NO_RISK_ASSESSMENT: f"{TN} — Exceptional Circumstances",
    Code.EXCEPTIONAL_RECIPIENT_UNSAFE: f"{TN} — Exceptional Circumstances",
    Code.ELEMENTS_NOT_AGREED: f"{TN} — Necessity and Proportionality",
    Code.ELEMENTS_EXCESSIVE: f"{TN} — Legitimate Purposes, not okay to share",
    Code.LABEL_STIGMATISING: f"{TN} — Do No Harm",
    Code.CONTACT_UNSAFE: f"{TN} — Protection Sensitive Processing",
    Code.FEEDBACK_PROCESS_ONLY: f"{TN} — Feedback on service referrals",
    Code.BREACH_OPEN: f"{ISP} — Breaches",
    Code.SHARING_ALLOWED: f"{TN} — Legitimate Bases and Legitimate Purposes",
}

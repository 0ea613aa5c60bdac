"""The protocol and the sharing request as immutable values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Suspension:
    since: date
    until: date | None
    justification: str

    def covers(self, day: date) -> bool:
        """Both ends inclusive: `until` is the last day of the suspension."""
        return self.since <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    name: str
    kind: str
    roles: tuple[str, ...]
    signed_on: date | None
    suspended: Suspension | None


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    provider: str
    elements: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class PurposeSpec:
    name: str
    elements: frozenset[str] | None
    excluded: frozenset[str]
    services: dict[str, Service]
    services_documented: bool | None


@dataclass(frozen=True, slots=True)
class Settings:
    interim_max_days: int = 92
    assent_from_age: int = 7
    neutral_label: str = "high priority"
    stigmatising_terms: tuple[str, ...] = ()
    min_cell: int = 5
    percent_only: tuple[str, ...] = ()
    request_response_working_days: int = 5


@dataclass(frozen=True, slots=True)
class Breach:
    id: str
    reported_on: date
    resolved_on: date | None


@dataclass(frozen=True, slots=True)
class Protocol:
    id: str
    title: str
    case_management_started_on: date | None
    effective_from: date | None
    valid_until: date | None
    settings: Settings
    participants: dict[str, Participant]
    purposes: dict[str, PurposeSpec]
    breaches: tuple[Breach, ...] = ()
    interim_last_day: date | None = None


@dataclass(slots=True)
class Subject:
    age: int
    care_status: str | None = None
    caregiver_reachable: bool = True
    informing_caregiver_in_best_interests: bool = True
    gbv_survivor: bool = False
    case_status: str = "open"

    @property
    def is_child(self) -> bool:
        return self.age < 18 and self.care_status != "adult"


@dataclass(slots=True)
class ConsentRecord:
    given_by: str
    kind: str
    purposes: frozenset[str]
    recipients: frozenset[str]
    services: frozenset[str] | None
    on: date
    stage: str = "other"


@dataclass(slots=True)
class BestInterests:
    assessed_on: date | None
    supports_sharing: bool


@dataclass(slots=True)
class Exceptional:
    circumstance: str
    risk_assessment: str | None
    recipient_assessed_safe: bool


@dataclass(slots=True)
class Request:
    at: date
    sender: str
    recipient: str
    purpose: str
    service: str | None
    legal_basis: str
    subject: Subject
    elements: tuple[str, ...]
    consents: tuple[ConsentRecord, ...] = ()
    best_interests: BestInterests | None = None
    exceptional: Exceptional | None = None
    contact_method: str | None = None
    label: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

"""The protocol and the sharing request as immutable values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from msgspec import Meta, Struct


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
    # `scope.areas`: the areas the protocol covers (R1.5); empty, it names none and covers any.
    scope_areas: tuple[str, ...] = ()


# The request side is decoded straight from JSON by `wire.py` (msgspec, typed): these types are
# both the model and the schema of the fast path. Anything they do not accept goes to the
# validating reader, which explains the problem (see `wire.decode_request`).
Text = Annotated[str, Meta(min_length=1)]
CareStatus = Literal["with_parents", "separated", "unaccompanied", "adult"]
CaseStatus = Literal["open", "closed"]
Giver = Literal["child", "caregiver", "adult_subject"]
ConsentKind = Literal["consent", "assent", "refusal", "withdrawal"]
Stage = Literal["intake", "closure", "other"]
Basis = Literal["consent", "vital_interests", "best_interests", "mandate", "safety_security"]


class Subject(Struct, kw_only=True, gc=False, frozen=True):
    age: Annotated[int, Meta(ge=0)]
    care_status: CareStatus | None = None
    caregiver_reachable: bool = True
    informing_caregiver_in_best_interests: bool = True
    gbv_survivor: bool = False
    case_status: CaseStatus = "open"
    area: Text | None = None  # where the case is managed, compared with `scope.areas` (R1.5)

    @property
    def is_child(self) -> bool:
        return self.age < 18 and self.care_status != "adult"


class ConsentRecord(Struct, kw_only=True, gc=False):
    given_by: Giver
    kind: ConsentKind
    purposes: frozenset[Text]
    recipients: frozenset[Text]
    services: frozenset[Text] | None = None
    on: date
    stage: Stage = "other"


class BestInterests(Struct, kw_only=True, gc=False):
    assessed_on: date | None = None
    supports_sharing: bool = False


class Exceptional(Struct, kw_only=True, gc=False):
    circumstance: Text = ""
    risk_assessment: str | None = None
    recipient_assessed_safe: bool = False


class Request(Struct, kw_only=True, gc=False, rename={"sender": "from", "recipient": "to"}):
    at: date
    sender: Text
    recipient: Text
    purpose: Text
    service: Text | None = None
    legal_basis: Basis
    subject: Subject
    elements: Annotated[tuple[Text, ...], Meta(min_length=1)]
    consents: tuple[ConsentRecord, ...] = ()
    best_interests: BestInterests | None = None
    exceptional: Exceptional | None = None
    contact_method: Text | None = None
    label: Text | None = None

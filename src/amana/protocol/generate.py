"""Varied, valid sharing requests against a protocol, for benchmarks and property tests."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from amana.protocol.model import Protocol
from amana.protocol.vocabulary import BASES, CARE_STATUSES, PURPOSES

ELEMENTS = (
    "full_name",
    "date_of_birth",
    "sex",
    "individual_id",
    "contact_phone",
    "specific_needs_codes",
    "referral_summary",
    "incident_narrative",
    "case_file",
    "case_plan",
    "caseworker_notes",
    "risk_summary",
    "referral_status",
    "status_date",
    "service_status",
    "case_summary",
)
LABELS = (None, None, None, "urgent", "GBV referral", "high priority", "sexual abuse follow-up")
CONTACTS = (None, "phone", "office_visit", "home_visit")


def _day(rng: random.Random, protocol: Protocol) -> str:
    start = protocol.case_management_started_on or protocol.effective_from
    assert start is not None
    return (start + timedelta(days=rng.randrange(0, 500))).isoformat()


def _consents(rng: random.Random, purpose: str, recipient: str, at: str) -> list[dict[str, Any]]:
    records = []
    for giver, kind in (
        ("caregiver", "consent"),
        ("child", "assent"),
        ("adult_subject", "consent"),
    ):
        if rng.random() < 0.7:
            records.append(
                {
                    "given_by": giver,
                    "kind": rng.choice((kind, kind, kind, "refusal", "withdrawal")),
                    "purposes": [purpose if rng.random() < 0.9 else "referral_future"],
                    "recipients": [recipient if rng.random() < 0.9 else "unicef"],
                    "on": at,
                    "stage": rng.choice(("intake", "closure", "other")),
                }
            )
    return records


def _service(rng: random.Random, protocol: Protocol, purpose: str) -> tuple[str | None, str | None]:
    spec = protocol.purposes.get(purpose)
    if spec is None or not spec.services or rng.random() < 0.05:
        return None, None
    name = rng.choice(sorted(spec.services))
    return name, spec.services[name].provider


def make_request(rng: random.Random, protocol: Protocol) -> dict[str, Any]:
    participants = sorted(protocol.participants)
    purpose = rng.choice(PURPOSES[:8] * 3 + PURPOSES[8:])
    service, provider = _service(rng, protocol, purpose)
    recipient = provider if provider and rng.random() < 0.9 else rng.choice(participants)
    at = _day(rng, protocol)
    age = rng.randrange(0, 20)
    return {
        "at": at,
        "from": rng.choice(participants),
        "to": recipient,
        "purpose": purpose,
        "service": service,
        "legal_basis": rng.choice((*BASES, "consent", "consent", "best_interests")),
        "subject": {
            "age": age,
            "care_status": "adult" if age >= 18 else rng.choice(CARE_STATUSES[:3]),
            "caregiver_reachable": rng.random() < 0.9,
            "gbv_survivor": rng.random() < 0.2,
            "case_status": rng.choice(("open", "open", "closed")),
        },
        "consents": _consents(rng, purpose, recipient, at),
        "best_interests": {"assessed_on": at, "supports_sharing": rng.random() < 0.8}
        if rng.random() < 0.4
        else None,
        "exceptional": {
            "circumstance": "risk to life",
            "risk_assessment": "documented" if rng.random() < 0.8 else None,
            "recipient_assessed_safe": rng.random() < 0.8,
        }
        if rng.random() < 0.3
        else None,
        "contact_method": rng.choice(CONTACTS),
        "label": rng.choice(LABELS),
        "elements": rng.sample(ELEMENTS, rng.randrange(1, 7)),
    }

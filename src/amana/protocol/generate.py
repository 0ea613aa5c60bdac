"""Varied, valid sharing requests against a protocol, for benchmarks and property tests."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from amana.protocol.model import Protocol
from amana.protocol.vocabulary import (
    BASES,
    BASES_FOR_PURPOSE,
    CARE_STATUSES,
    EXCEPTIONAL_BASES,
    PURPOSES,
)

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
LABELS = (None,) * 6 + ("urgent", "GBV referral", "high priority", "sexual abuse follow-up")
CONTACTS = (None, "phone", "phone", "office_visit", "home_visit")


def _day(rng: random.Random, protocol: Protocol) -> str:
    """Mostly while the protocol is in force; sometimes before or after it."""
    start = protocol.effective_from or protocol.case_management_started_on
    assert start is not None
    if rng.random() < 0.85:
        return (start + timedelta(days=rng.randrange(0, 330))).isoformat()
    return (start + timedelta(days=rng.randrange(-120, 500))).isoformat()


def _basis(rng: random.Random, purpose: str) -> str:
    """Mostly a basis the purpose accepts, as a trained caseworker would choose."""
    fitting = sorted(BASES_FOR_PURPOSE.get(purpose, ("consent",)))
    if rng.random() < 0.85:
        return "consent" if "consent" in fitting and rng.random() < 0.6 else rng.choice(fitting)
    return rng.choice(BASES)


def _elements(
    rng: random.Random, protocol: Protocol, purpose: str, service: str | None
) -> list[str]:
    """Mostly agreed elements, often with one or two that are not."""
    spec = protocol.purposes.get(purpose)
    agreed: list[str] = []
    if spec is not None:
        listed = spec.services[service].elements if service in spec.services else spec.elements
        agreed = sorted(listed or ())
    picked = rng.sample(agreed, rng.randrange(1, len(agreed) + 1)) if agreed else []
    extra = rng.sample(ELEMENTS, rng.randrange(0, 3) if picked else rng.randrange(1, 5))
    return list(dict.fromkeys(picked + extra))


def _consents(rng: random.Random, purpose: str, recipient: str, at: str) -> list[dict[str, Any]]:
    """Mostly the consents a caseworker records; now and then a refusal or a mismatch."""
    records = []
    givers = (("caregiver", "consent"), ("child", "assent"), ("adult_subject", "consent"))
    for giver, kind in givers:
        if rng.random() < 0.9:
            records.append(
                {
                    "given_by": giver,
                    "kind": rng.choice((kind,) * 40 + ("refusal", "withdrawal")),
                    "purposes": [purpose if rng.random() < 0.95 else "referral_future"],
                    "recipients": [recipient if rng.random() < 0.95 else "unicef"],
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


def _signed(protocol: Protocol) -> list[str]:
    signed = sorted(p.id for p in protocol.participants.values() if p.signed_on is not None)
    return signed or sorted(protocol.participants)


def make_request(rng: random.Random, protocol: Protocol) -> dict[str, Any]:
    participants = sorted(protocol.participants)
    senders = _signed(protocol) if rng.random() < 0.9 else participants
    purpose = rng.choice(("referral_immediate",) * 24 + PURPOSES[:8] * 3 + PURPOSES[8:])
    service, provider = _service(rng, protocol, purpose)
    recipient = provider if provider and rng.random() < 0.9 else rng.choice(participants)
    at = _day(rng, protocol)
    basis = _basis(rng, purpose)
    age = rng.randrange(0, 20)
    return {
        "at": at,
        "from": rng.choice(senders),
        "to": recipient,
        "purpose": purpose,
        "service": service,
        "legal_basis": basis,
        "subject": {
            "age": age,
            "care_status": "adult" if age >= 18 else rng.choice(CARE_STATUSES[:3]),
            "caregiver_reachable": rng.random() < 0.95,
            "gbv_survivor": rng.random() < 0.15,
            "case_status": rng.choice(("open", "open", "closed")),
        },
        "consents": _consents(rng, purpose, recipient, at),
        "best_interests": {"assessed_on": at, "supports_sharing": rng.random() < 0.9}
        if rng.random() < (0.9 if basis == "best_interests" else 0.2)
        else None,
        "exceptional": {
            "circumstance": "risk to life",
            "risk_assessment": "documented" if rng.random() < 0.9 else None,
            "recipient_assessed_safe": rng.random() < 0.9,
        }
        if rng.random() < (0.9 if basis in EXCEPTIONAL_BASES or basis == "mandate" else 0.1)
        else None,
        "contact_method": rng.choice(CONTACTS),
        "label": rng.choice(LABELS),
        "elements": _elements(rng, protocol, purpose, service),
    }

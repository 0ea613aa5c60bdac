"""`amana bench referrals`: the referral round trip, on the seeded database.

One round trip is what sending a referral costs the server: the case read by its key, then
`do_send_referral` in its own transaction, as in production — permission and visibility check,
the sharing request built from the case's stored facts (age, care status, concerns, consent
records, best-interests assessment), the protocol engine's decision, the ledger entry, the
frozen and encrypted packet when allowed, the audit entry, the commit and the audit sealing
after it. The HTTP layer (session, form, template) is not in the figure.

Set-up, outside the timed section: when no agency takes part in a stored protocol, the demo
protocol is loaded (its participants are the agencies `amana seed` creates). `n + warmup`
random open cases of agencies that signed the protocol are picked; each case's assigned
caseworker sends. Each referral goes to a service of another signed agency from the protocol,
with the service's agreed elements (in 30% one more, which the engine holds back), and the case
gets a mix of consent on record, written through `do_record_consent` as a caseworker would:
about 80% agreed (the caregiver's consent and, from age 7, the child's assent; the person's own
consent when they have turned 18 since registration), 10% nothing recorded, 10% the
caregiver's refusal. About 10% of labels name the concern ("GBV referral") and one in six asks
for a home visit. The engine's decisions are counted, never forced (`allowed`, `denied`,
`by_consent`, `deny_reasons`). The referrals, ledger, consent and audit rows stay in the
database: run it on a scratch database.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from amana.accounts.models import Agency, User
from amana.cases.models import Case, CaseAssignment
from amana.cases.presenters import age_on
from amana.consent.actions import do_record_consent
from amana.consent.models import ConsentRecord
from amana.protocol.bench import demo_protocol_path
from amana.protocols.actions import load_protocol_file
from amana.protocols.models import ProtocolVersion
from amana.referrals.actions import ReferralInput, do_send_referral
from amana.referrals.elements import known_elements
from amana.referrals.vocabulary import CONTACT_METHODS
from amana.sharing.disclosure import protocol_version

PURPOSE = "referral_immediate"
EXTRA_ELEMENTS = ("case_number", "care_arrangement", "specific_needs_codes")
CONSENT_MIX = (("consent", 80), ("none", 10), ("refusal", 10))
ASSENT_FROM_AGE = 7
# How the service is to contact the family: mostly by phone, one in six a home visit.
CONTACTS = ("phone", "phone", "phone", "in_person_at_office", "home_visit", "")
ADULT = 18


@dataclass
class Planned:
    case_id: Any
    actor: User
    data: ReferralInput
    consent: str


def percentile_ms(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of ascending seconds, in milliseconds."""
    rank = max(1, math.ceil(fraction * len(ordered)))
    return round(ordered[rank - 1] * 1000, 2)


def _signed(version: ProtocolVersion) -> set[str]:
    return {p.get("id") for p in version.document.get("participants", []) if p.get("signed_on")}


def _services(version: ProtocolVersion) -> dict[str, dict[str, Any]]:
    """The protocol's referral services whose provider has signed it (the ones offered)."""
    purposes = version.document.get("purposes", {})
    services: dict[str, dict[str, Any]] = purposes.get(PURPOSE, {}).get("services", {})
    signed = _signed(version)
    return {name: s for name, s in services.items() if s.get("provider") in signed}


def _participating_agencies() -> dict[int, tuple[Agency, dict[str, dict[str, Any]]]]:
    """Agencies that signed the newest protocol listing them, with its referral services."""
    found = {}
    for agency in Agency.objects.all():
        version = protocol_version(agency.slug)
        if version is not None and agency.slug in _signed(version) and _services(version):
            found[agency.pk] = (agency, _services(version))
    return found


def participating_agencies() -> dict[int, tuple[Agency, dict[str, dict[str, Any]]]]:
    """As above; when no agency takes part in a stored protocol, the demo protocol is loaded
    (its participants are the demo agencies `amana seed` creates; loading it again is a no-op)."""
    found = _participating_agencies()
    if not found:
        load_protocol_file(str(demo_protocol_path()), actor=None)
        found = _participating_agencies()
    return found


def _pick_cases(agency_ids: list[int], count: int) -> list[tuple[Any, Any]]:
    """Random open cases of these agencies, each with its assigned caseworker. A child with
    neither a date of birth nor a birth year is not referred (the action asks for the age; the
    fields are encrypted, so they are read, not filtered on)."""
    candidates = Case.objects.filter(status=Case.Status.OPEN, agency_id__in=agency_ids)
    ids = [
        case.pk
        for case in candidates.select_related("child").order_by("?")[: count * 3]
        if case.child.date_of_birth or case.child.birth_year
    ]
    workers: dict[Any, Any] = {}
    for case_id, user_id in CaseAssignment.objects.filter(
        case_id__in=ids, role=CaseAssignment.Role.CASEWORKER
    ).values_list("case_id", "user_id"):
        workers.setdefault(case_id, user_id)
    return [(case_id, workers[case_id]) for case_id in ids if case_id in workers][:count]


def _referral(
    rng: random.Random, case: Case, services: dict[str, dict[str, Any]]
) -> ReferralInput | None:
    others = sorted(name for name, s in services.items() if s.get("provider") != case.agency.slug)
    if not others:
        return None
    service = rng.choice(others)
    known = known_elements()
    elements = [e for e in services[service].get("elements", []) if e in known]
    if rng.random() < 0.3:
        elements.append(rng.choice([e for e in EXTRA_ELEMENTS if e not in elements]))
    return ReferralInput(
        recipient=services[service]["provider"],
        service=service,
        legal_basis="consent",
        elements=elements,
        written={
            "referral_summary": "Needs an assessment for this service within two weeks.",
            "risk_summary": "Reports nightmares and withdrawal since the move to the camp.",
        },
        label="GBV referral" if rng.random() < 0.1 else "",
        contact_method=rng.choice([c for c in CONTACTS if not c or c in CONTACT_METHODS]),
    )


def _record_consents(rng: random.Random, case: Case, actor: User, data: ReferralInput) -> str:
    """Consent on record for this referral, as the caseworker records it (not timed)."""
    mix = rng.random() * sum(weight for _, weight in CONSENT_MIX)
    state = CONSENT_MIX[-1][0]
    for name, weight in CONSENT_MIX:
        mix -= weight
        if mix < 0:
            state = name
            break
    if state == "none":
        return state
    given_on = timezone.localdate() - timedelta(days=rng.randrange(0, 60))
    scope: dict[str, Any] = {
        "purposes": [PURPOSE],
        "recipients": [data.recipient],
        "stage": ConsentRecord.Stage.OTHER,
        "method": rng.choice((ConsentRecord.Method.WRITTEN, ConsentRecord.Method.ORAL)),
        "language": "en",
        "given_on": given_on,
        "origin": "bench",
        "actor": actor,
    }
    if state == "refusal":
        do_record_consent(
            case=case, given_by=ConsentRecord.Giver.CAREGIVER, kind="refusal", **scope
        )
        return state
    agreed = scope | {"kind": "consent"}
    age = _age(case)
    if age >= ADULT:  # registered as a child, 18 since: consents for themself
        do_record_consent(case=case, given_by=ConsentRecord.Giver.ADULT_SUBJECT, **agreed)
        return state
    do_record_consent(case=case, given_by=ConsentRecord.Giver.CAREGIVER, **agreed)
    if age >= ASSENT_FROM_AGE:
        do_record_consent(
            case=case, given_by=ConsentRecord.Giver.CHILD, **(agreed | {"kind": "assent"})
        )
    return state


def _age(case: Case) -> int:
    """The child's age today, as the sharing request states it (`sharing.facts`)."""
    child, today = case.child, timezone.localdate()
    if child.date_of_birth:
        return age_on(child.date_of_birth, today) or 0
    return today.year - child.birth_year if child.birth_year else 0


def prepare(count: int, seed: int) -> list[Planned]:
    """Pick the cases, their senders and referrals; record the consents. Nothing is timed."""
    agencies = participating_agencies()
    picked = _pick_cases(list(agencies), count)
    if len(picked) < count:
        raise LookupError(
            f"{len(picked)} open, assigned cases of protocol participants; {count} needed:"
            " run `amana seed --cases N` first"
        )
    rng = random.Random(seed)
    users = {u.pk: u for u in User.objects.filter(pk__in={user_id for _, user_id in picked})}
    cases = Case.objects.select_related("agency", "child").in_bulk([cid for cid, _ in picked])
    plans = []
    for case_id, user_id in picked:
        case, actor = cases[case_id], users[user_id]
        data = _referral(rng, case, agencies[case.agency_id][1])
        if data is None:
            continue
        plans.append(Planned(case_id, actor, data, _record_consents(rng, case, actor, data)))
    return plans


def _send(plan: Planned) -> dict[str, Any]:
    case = Case.objects.get(pk=plan.case_id)
    return do_send_referral(case=case, data=plan.data, origin="bench", actor=plan.actor).decision


def bench_referrals(n: int, warmup: int = 20, seed: int = 7) -> dict[str, Any]:
    plans = prepare(n + warmup, seed)
    if len(plans) <= warmup:
        raise LookupError("no case has a service of another agency to be referred to")
    for plan in plans[:warmup]:
        _send(plan)
    times: list[float] = []
    allowed_times: list[float] = []
    decisions = {"allow": 0, "deny": 0}
    by_consent: dict[str, dict[str, int]] = {}
    deny_codes: Counter[str] = Counter()
    for plan in plans[warmup:]:
        began = time.perf_counter()
        decision = _send(plan)
        took = time.perf_counter() - began
        times.append(took)
        if decision["decision"] == "allow":
            allowed_times.append(took)
        decisions[decision["decision"]] += 1
        counts = by_consent.setdefault(plan.consent, {"allow": 0, "deny": 0})
        counts[decision["decision"]] += 1
        if decision["decision"] == "deny":
            deny_codes.update({r["code"] for r in decision["reasons"]})
    ordered = sorted(times)
    allowed = sorted(allowed_times)
    return {
        "target": "referrals",
        "database": connection.vendor,
        "cases_in_db": Case.objects.count(),
        "n": len(times),
        "warmup": min(warmup, len(plans)),
        "p50_ms": percentile_ms(ordered, 0.50),
        "p95_ms": percentile_ms(ordered, 0.95),
        "p99_ms": percentile_ms(ordered, 0.99),
        "max_ms": percentile_ms(ordered, 1.0),
        "mean_ms": round(sum(times) / len(times) * 1000, 2),
        # Allowed sends also freeze, encrypt and store a packet: their own figures.
        "allowed_p50_ms": percentile_ms(allowed, 0.50) if allowed else None,
        "allowed_p95_ms": percentile_ms(allowed, 0.95) if allowed else None,
        "allowed_p99_ms": percentile_ms(allowed, 0.99) if allowed else None,
        "allowed_max_ms": percentile_ms(allowed, 1.0) if allowed else None,
        "allowed": decisions["allow"],
        "denied": decisions["deny"],
        "by_consent": by_consent,
        "deny_reasons": dict(deny_codes.most_common()),
        "round_trip": "case read by key + do_send_referral (own transaction, commit, sealing)",
    }

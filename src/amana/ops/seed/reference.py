"""Reference data of a seeded database: agencies, staff, locations, lookups. Created when
absent, in bulk (the seed is a benchmark tool, exempt from the actions rule)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from amana.accounts.models import Agency, RoleGrant, User
from amana.accounts.roles import Role
from amana.ops.demo.spec import demo_agencies
from amana.ops.seed.mix import (
    AGENCY_WEIGHTS,
    BLOCKS_PER_CAMP,
    CAMPS,
    CASEWORKERS_PER_SUPERVISOR,
    CONCERNS,
    CONCERNS_KIND,
    COUNTRY_CODE,
    NATIONALITIES_KIND,
    NATIONALITY_LABELS,
)
from amana.refdata.models import Location, Lookup


@dataclass
class Reference:
    agencies: dict[str, Agency]
    caseworkers: dict[str, list[User]]
    supervisors: dict[str, list[User]]
    blocks: list[tuple[Location, str, int]]  # block, camp name, block number, camp-weighted
    concerns: dict[str, Lookup]


def ensure_agencies() -> dict[str, Agency]:
    agencies = {}
    for spec in demo_agencies():
        agency = Agency.objects.filter(slug=spec["slug"]).first()
        if agency is None:
            agency = Agency.objects.create(
                slug=spec["slug"],
                name=spec["name"],
                kind=spec["kind"],
                case_prefix=spec.get("case_prefix", ""),
            )
        agencies[agency.slug] = agency
    return {slug: agencies[slug] for slug in AGENCY_WEIGHTS if slug in agencies}


def staff_counts(cases_per_agency: int, caseload: int) -> tuple[int, int]:
    caseworkers = max(3, math.ceil(cases_per_agency / caseload))
    return caseworkers, max(1, math.ceil(caseworkers / CASEWORKERS_PER_SUPERVISOR))


def ensure_staff(
    agency: Agency, caseworkers: int, supervisors: int
) -> tuple[list[User], list[User]]:
    wanted = [(f"seed-{agency.slug}-cw{k}", Role.CASEWORKER) for k in range(1, caseworkers + 1)]
    wanted += [(f"seed-{agency.slug}-sup{k}", Role.SUPERVISOR) for k in range(1, supervisors + 1)]
    existing = set(
        User.objects.filter(username__in=[u for u, _ in wanted]).values_list("username", flat=True)
    )
    unusable = make_password(None)
    new = [
        User(username=username, agency=agency, password=unusable)
        for username, _ in wanted
        if username not in existing
    ]
    User.objects.bulk_create(new)
    roles = dict(wanted)
    RoleGrant.objects.bulk_create([RoleGrant(user=u, role=roles[u.username]) for u in new])
    users = {u.username: u for u in User.objects.filter(username__in=list(roles))}
    return (
        [users[u] for u, role in wanted if role == Role.CASEWORKER],
        [users[u] for u, role in wanted if role == Role.SUPERVISOR],
    )


def ensure_locations() -> list[tuple[Location, str, int]]:
    country, _ = Location.objects.get_or_create(
        code=COUNTRY_CODE, defaults={"name": "Operation A", "level": 0}
    )
    blocks = []
    for code, name, weight in CAMPS:
        camp, _ = Location.objects.get_or_create(
            code=f"{COUNTRY_CODE}-{code}", defaults={"name": name, "level": 1, "parent": country}
        )
        for number in range(1, BLOCKS_PER_CAMP + 1):
            block, _ = Location.objects.get_or_create(
                code=f"{camp.code}-B{number:02d}",
                defaults={"name": f"{name}, block {number}", "level": 2, "parent": camp},
            )
            blocks.append((block, name, weight))
    return blocks


def ensure_lookups() -> dict[str, Lookup]:
    for code, label in NATIONALITY_LABELS.items():
        Lookup.objects.get_or_create(kind=NATIONALITIES_KIND, code=code, defaults={"label": label})
    concerns = {}
    for code, label, _ in CONCERNS:
        concerns[code], _ = Lookup.objects.get_or_create(
            kind=CONCERNS_KIND, code=code, defaults={"label": label}
        )
    return concerns


@transaction.atomic
def ensure_reference(cases: int, caseload: int) -> Reference:
    agencies = ensure_agencies()
    total = sum(AGENCY_WEIGHTS[slug] for slug in agencies)
    caseworkers, supervisors = {}, {}
    for slug, agency in agencies.items():
        share = math.ceil(cases * AGENCY_WEIGHTS[slug] / total)
        caseworkers[slug], supervisors[slug] = ensure_staff(agency, *staff_counts(share, caseload))
    return Reference(agencies, caseworkers, supervisors, ensure_locations(), ensure_lookups())

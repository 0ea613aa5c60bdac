"""The demo's cases: about 200 children, planned by the seed's `Planner` (the same names in
their many spellings, ages, families, concerns, camps and re-registrations as `amana seed`) and
registered one by one through `do_register_case` by the demo caseworkers, as a caseworker would
register them. Nothing here writes a row directly:

- the shipped forms and sample lists: `do_store_shipped_forms`, `load_samples`;
- the seed's protection concerns and nationalities that are not there yet: `do_import_lookups`;
- the seed's camps and their blocks: `do_import_locations`;
- each case, its child, the people around the child, the assignment to the registering
  caseworker, the first task and the supervisor: `do_register_case`.

Only agencies with a demo caseworker get cases. Every case is newly registered (open, stage
"registered", today's date): the spread of stages, closed cases and registration dates of
`amana seed` is bulk seed data, which only the seed tool writes.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from typing import Any

from amana.accounts.models import Agency, User
from amana.accounts.roles import Role
from amana.caseforms.actions import do_store_shipped_forms
from amana.cases.actions import CaseInput, ChildInput, PersonInput, do_register_case
from amana.cases.models import Case
from amana.ops.seed.mix import (
    AGENCY_WEIGHTS,
    BLOCKS_PER_CAMP,
    CAMPS,
    CONCERNS,
    CONCERNS_KIND,
    COUNTRY_CODE,
    NATIONALITIES_KIND,
    NATIONALITY_LABELS,
)
from amana.ops.seed.planner import CasePlan, Planner
from amana.ops.seed.reference import Reference
from amana.ops.seed.run import today_start
from amana.refdata.actions import do_import_locations, do_import_lookups, load_samples
from amana.refdata.models import Location, Lookup

DEMO_CASES = 200
DEMO_SEED = 2026
ORIGIN = "demo"

Blocks = list[tuple[Location, str, int]]


def _csv(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _import_missing_lookups(kind: str, entries: list[tuple[str, str]]) -> None:
    """Add the seed's entries the list lacks; the shipped sample entries keep their labels."""
    known = set(Lookup.objects.filter(kind=kind).values_list("code", flat=True))
    missing = [[code, label] for code, label in entries if code not in known]
    if missing:
        text = _csv([["code", "label"], *missing])
        do_import_lookups(text, kind=kind, source=f"amana.ops.seed {kind}", origin=ORIGIN)


def _block_code(camp: str, number: int) -> str:
    return f"{COUNTRY_CODE}-{camp}-B{number:02d}"


def ensure_camps() -> Blocks:
    """The seed's camps and blocks (Operation A), imported; the blocks in the seed's order."""
    rows: list[list[Any]] = [["code", "name", "level", "parent_code"]]
    rows.append([COUNTRY_CODE, "Operation A", 0, ""])
    for code, name, _ in CAMPS:
        camp = f"{COUNTRY_CODE}-{code}"
        rows.append([camp, name, 1, COUNTRY_CODE])
        for number in range(1, BLOCKS_PER_CAMP + 1):
            rows.append([_block_code(code, number), f"{name}, block {number}", 2, camp])
    codes = [row[0] for row in rows[1:]]
    if Location.objects.filter(code__in=codes).count() != len(codes):
        do_import_locations(_csv(rows), source="amana.ops.seed camps", origin=ORIGIN)
    stored = {place.code: place for place in Location.objects.filter(code__in=codes)}
    return [
        (stored[_block_code(code, number)], name, weight)
        for code, name, weight in CAMPS
        for number in range(1, BLOCKS_PER_CAMP + 1)
    ]


def _demo_staff(usernames: list[str]) -> tuple[dict[str, list[User]], dict[str, list[User]]]:
    """The demo caseworkers and supervisors, by agency slug, in username order."""
    workers: dict[str, list[User]] = defaultdict(list)
    bosses: dict[str, list[User]] = defaultdict(list)
    staff = User.objects.filter(username__in=usernames).select_related("agency")
    for user in staff.order_by("username"):
        if Role.CASEWORKER in user.roles:
            workers[user.agency.slug].append(user)
        if Role.SUPERVISOR in user.roles:
            bosses[user.agency.slug].append(user)
    return workers, bosses


def _register(plan: CasePlan, blocks: Blocks, worker: User, supervisor: User | None) -> Case:
    child = ChildInput(
        full_name=plan.full_name,
        sex=plan.sex,
        date_of_birth=date.fromisoformat(plan.date_of_birth) if plan.date_of_birth else None,
        other_names=plan.other_names,
        nationality=plan.nationality,
        individual_id=plan.individual_id,
        contact_phone=plan.phone,
        address=plan.address,
    )
    people = [
        PersonInput(
            relationship=person.relationship,
            full_name=person.full_name,
            contact_phone=person.phone,
            is_caregiver=person.is_caregiver,
            lives_with_child=person.lives_with_child,
        )
        for person in plan.people
    ]
    case = CaseInput(
        risk_level=plan.risk_level,
        concerns=plan.concerns,
        care_arrangement=plan.care_arrangement,
        location=blocks[plan.block][0].code,
        is_refugee=plan.is_refugee,
    )
    return do_register_case(
        child=child,
        people=people,
        case=case,
        supervisor=supervisor,
        origin=ORIGIN,
        actor=worker,
    )


def ensure_demo_cases(usernames: list[str]) -> int:
    """The forms, lists and places, and, on a database without cases, the demo's cases, each
    registered by a demo caseworker of its agency (in turn) with a demo supervisor of that
    agency where there is one. The number of cases registered."""
    do_store_shipped_forms()
    load_samples()
    _import_missing_lookups(CONCERNS_KIND, [(code, label) for code, label, _ in CONCERNS])
    _import_missing_lookups(NATIONALITIES_KIND, list(NATIONALITY_LABELS.items()))
    blocks = ensure_camps()
    if Case.objects.exists():
        return 0
    workers, bosses = _demo_staff(usernames)
    by_slug = {agency.slug: agency for agency in Agency.objects.filter(slug__in=list(workers))}
    reference = Reference(
        agencies={slug: by_slug[slug] for slug in AGENCY_WEIGHTS if slug in by_slug},
        caseworkers={},
        supervisors={},
        blocks=blocks,
        concerns={},
    )
    planner = Planner(seed=DEMO_SEED, total=DEMO_CASES, now=today_start(), reference=reference)
    turns: dict[str, int] = defaultdict(int)
    for index in range(DEMO_CASES):
        plan = planner.plan(index)
        turn = turns[plan.agency]
        turns[plan.agency] += 1
        crew, leads = workers[plan.agency], bosses.get(plan.agency, [])
        supervisor = leads[turn % len(leads)] if leads else None
        _register(plan, blocks, crew[turn % len(crew)], supervisor)
    return DEMO_CASES

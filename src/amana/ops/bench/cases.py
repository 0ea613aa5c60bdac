"""`amana bench cases`: what a caseworker waits for, on the seeded database.

For a caseworker with the most cases, p95 over `samples` repetitions of: the filtered case list
(a page of 50, rows decrypted and shown, the list read audited), a name search (a page of 50),
and a case detail (read audited). The name search runs twice: with names in Latin letters, and
with names in Arabic script, which find children registered in either script (their keys are
those of the Latin spellings, `amana.cases.names.lexicon`). The list is also timed as the
equivalent hand-written SQL query, and the ratio of the two tells what the ORM, access layer and
audit write cost.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import Count

from amana.accounts.models import User
from amana.audit.log import write_read_entry
from amana.cases import access
from amana.cases.models import Case, CaseAssignment, Child
from amana.cases.presenters import case_row, case_view
from amana.crypto.fields import EncryptedTextField, Sealed

RAW_COUNT = """
SELECT COUNT(*) FROM cases_case c
WHERE c.agency_id = %s AND c.status = 'open' AND c.risk_level = %s
  AND c.id IN (SELECT case_id FROM cases_caseassignment WHERE user_id = %s
               UNION SELECT id FROM cases_case WHERE supervisor_id = %s)
"""
RAW_LIST = """
SELECT c.id, c.case_number, c.status, c.stage, c.risk_level, c.next_due_at, c.registered_at,
       ch.id, ch.full_name, ch.date_of_birth, ch.birth_year, l.code
FROM cases_case c JOIN cases_child ch ON ch.id = c.child_id
LEFT JOIN cases_location l ON l.id = c.location_id
WHERE c.agency_id = %s AND c.status = 'open' AND c.risk_level = %s
  AND c.id IN (SELECT case_id FROM cases_caseassignment WHERE user_id = %s
               UNION SELECT id FROM cases_case WHERE supervisor_id = %s)
ORDER BY c.registered_at DESC LIMIT 50
"""


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000, 2)


def _timed(action: Callable[[], object], samples: int) -> list[float]:
    times = []
    for _ in range(samples):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return times


def busiest_caseworker() -> User:
    row = CaseAssignment.objects.values("user_id").annotate(n=Count("id")).order_by("-n").first()
    if row is None:
        raise LookupError("no assigned cases: run `amana seed --cases N` first")
    return User.objects.get(pk=row["user_id"])


def _list_page(actor: User, risk: str) -> list[dict[str, Any]]:
    """What the list request does: access layer, ORM, the page, decrypted rows, audit."""
    cases = (
        access.visible_cases(actor)
        .filter(status=Case.Status.OPEN, risk_level=risk)
        .select_related("child", "location")
        .order_by("-registered_at")
    )
    page = access.audited_page(actor, cases, 1, origin="bench")
    return [case_row(actor, case) for case in page.object_list]


def _raw_list(actor: User, risk: str) -> list[tuple[Any, ...]]:
    """The same database work written by hand (count, page, the same audit write); rows are
    decrypted the same way, so the difference is what the ORM and access layer cost."""
    user_id = User._meta.pk.get_db_prep_value(actor.pk, connection)
    params: list[Any] = [actor.agency_id, risk, user_id, user_id]
    with connection.cursor() as cursor:
        cursor.execute(RAW_COUNT, params)
        cursor.fetchone()
        cursor.execute(RAW_LIST, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    write_read_entry(
        actor=actor,
        action="case.list",
        object_type="case",
        object_id=f"{len(rows)} cases",
        origin="bench",
        details={"cases": [row[1] for row in rows]},
    )
    _decrypt_names(rows)
    return rows


def _decrypt_names(rows: list[tuple[Any, ...]]) -> list[tuple[str, str]]:
    name_field = Child._meta.get_field("full_name")
    birth_field = Child._meta.get_field("date_of_birth")
    assert isinstance(name_field, EncryptedTextField)
    assert isinstance(birth_field, EncryptedTextField)
    shown = []
    for row in rows:
        child = Child(id=row[7])
        name = name_field.decrypt(Sealed(row[8]), child)
        born = birth_field.decrypt(Sealed(row[9]), child) if row[9] else ""
        shown.append((name, born))
    return shown


def _search(actor: User, query: str) -> list[dict[str, Any]]:
    from amana.cases.search import search_children

    cases = search_children(access.visible_cases(actor), query).select_related("child", "location")
    page = access.audited_page(actor, cases.order_by("-registered_at"), 1, origin="bench")
    return [case_row(actor, case) for case in page.object_list]


def _detail(actor: User, ids: list[Any], rng: random.Random) -> dict[str, Any]:
    case = access.access_case(actor, rng.choice(ids), origin="bench")
    return case_view(actor, case)


def _search_terms(actor: User, rng: random.Random, count: int) -> tuple[list[str], list[str]]:
    """Two of a child's names as a caseworker types them: in Latin letters (the full name), and
    in Arabic script (the other names, where the register has them) to find the child across
    scripts. A third of the seeded Arabic names are also written in Arabic script."""
    children = Child.objects.filter(cases__in=access.visible_cases(actor)).order_by("?")
    latin: list[str] = []
    arabic: list[str] = []
    for child in children[: count * 10]:
        if len(latin) < count:
            latin.append(_two_names(child.full_name, rng))
        if len(arabic) < count and child.other_names:
            arabic.append(_two_names(child.other_names, rng))
        if len(latin) >= count and len(arabic) >= count:
            break
    return [term for term in latin if term], [term for term in arabic if term]


def _two_names(full_name: str, rng: random.Random) -> str:
    parts = full_name.split()
    return " ".join(rng.sample(parts, min(2, len(parts))))


def bench_cases(samples: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    actor = busiest_caseworker()
    visible = access.visible_cases(actor)
    ids = list(visible.values_list("id", flat=True)[:5000])
    latin_terms, arabic_terms = _search_terms(actor, rng, 50)
    terms = latin_terms or ["amina"]
    arabic = arabic_terms or ["محمد"]
    risks = ["high", "medium", "low"]
    for _ in range(3):  # warm the connection and caches
        _list_page(actor, "high")
    list_times = _timed(lambda: _list_page(actor, rng.choice(risks)), samples)
    raw_times = _timed(lambda: _raw_list(actor, rng.choice(risks)), samples)
    search_times = _timed(lambda: _search(actor, rng.choice(terms)), samples)
    arabic_times = _timed(lambda: _search(actor, rng.choice(arabic)), samples)
    detail_times = _timed(lambda: _detail(actor, ids, rng), samples)
    return {
        "target": "cases",
        "database": connection.vendor,
        "cases_in_database": Case.objects.count(),
        "caseworker_cases": visible.count(),
        "samples": samples,
        "p95_ms": {
            "list_page_50": _p95(list_times),
            "name_search": _p95(search_times),
            "name_search_arabic_script": _p95(arabic_times),
            "case_detail": _p95(detail_times),
            "raw_sql_list": _p95(raw_times),
        },
        "ratio_list_to_raw_sql": round(_p95(list_times) / max(_p95(raw_times), 0.01), 2),
        "raw_sql_side": "count + page query by hand, the same audit write, names decrypted",
    }

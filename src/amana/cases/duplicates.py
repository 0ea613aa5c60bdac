"""Possible duplicates at registration: the same child registered before, however spelt.

Compared through blind indexes only, never plaintext:

- **names:** a candidate is a child of the same agency holding at least two of the new name's
  keys as `NameToken` rows (all of them when the name has a single key);
- **birth year** (the plain `Child.birth_year` column): the same year, or one year apart;
- **caregiver:** one of the new child's caregivers has the given-name token
  (`names.caregiver_token`) of one of the candidate's related people.

Score, out of 100: 60 * (shared name keys / keys of the new name), + 25 for the same birth year
or + 15 for one year apart, + 15 for a caregiver match. Candidates come best first (ties: most
recently registered first), at most `limit`. Reasons, for the page to translate:
``all_names`` or ``some_names``, ``same_birth_year`` or ``birth_year_within_one``,
``caregiver_name``.

A person then confirms or dismisses each candidate on the decrypted records.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from amana.accounts.models import Agency
from amana.cases.models import Case, Child, NameToken, RelatedPerson
from amana.cases.names import caregiver_token, name_tokens

NAME_POINTS = 60
SAME_YEAR_POINTS = 25
NEAR_YEAR_POINTS = 15
CAREGIVER_POINTS = 15


@dataclass(frozen=True)
class DuplicateCandidate:
    child_id: uuid.UUID
    case_id: uuid.UUID | None
    case_number: str
    score: int
    reasons: list[str] = field(default_factory=list)


def _placeholders(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _candidate_sql(tokens: list[str], carers: list[str], birth_year: int | None) -> str:
    child, token = Child._meta.db_table, NameToken._meta.db_table
    person = RelatedPerson._meta.db_table
    year = "CAST(NULL AS INTEGER)" if birth_year is None else "ABS(c.birth_year - %s)"
    carer = "1 = 0"
    if carers:
        where = f"r.child_id = m.child_id AND r.name_token IN ({_placeholders(carers)})"
        carer = f"EXISTS (SELECT 1 FROM {person} r WHERE {where})"  # noqa: S608
    # The grouped scan of the (token, child) index runs first; only its rows are joined.
    # Interpolated: table names from the models, and %s placeholders. Values are parameters.
    return f"""
        SELECT s.child_id, s.shared, s.year_gap, s.carer FROM (
            SELECT m.child_id, m.shared, c.created_at, {year} AS year_gap, {carer} AS carer
            FROM (
                SELECT child_id, COUNT(DISTINCT token) AS shared FROM {token}
                WHERE token IN ({_placeholders(tokens)})
                GROUP BY child_id HAVING COUNT(DISTINCT token) >= %s
            ) m
            JOIN {child} c ON c.id = m.child_id
            WHERE c.agency_id = %s AND c.id <> %s
        ) s
        ORDER BY s.shared * {NAME_POINTS * 1000} / %s
            + CASE WHEN s.year_gap = 0 THEN {SAME_YEAR_POINTS * 1000}
                   WHEN s.year_gap = 1 THEN {NEAR_YEAR_POINTS * 1000} ELSE 0 END
            + CASE WHEN s.carer THEN {CAREGIVER_POINTS * 1000} ELSE 0 END DESC,
            s.created_at DESC, s.child_id
        LIMIT %s
    """  # noqa: S608


def possible_duplicates(
    *,
    agency: Agency,
    full_name: str,
    birth_year: int | None,
    caregiver_names: list[str],
    exclude_child: Child | None = None,
    limit: int = 10,
) -> list[DuplicateCandidate]:
    """Children of `agency` who may be the child being registered, best match first."""
    tokens = name_tokens(full_name)
    if not tokens or limit < 1:
        return []
    carers = sorted({t for t in (caregiver_token(name) for name in caregiver_names) if t})
    needed = min(2, len(tokens))
    pk = Child._meta.pk
    assert pk is not None
    excluded = pk.get_db_prep_value(
        exclude_child.pk if exclude_child is not None else uuid.UUID(int=0), connection
    )
    params: list[Any] = [
        *([] if birth_year is None else [birth_year]),
        *carers,
        *tokens,
        needed,
        agency.pk,
        excluded,
        len(tokens),
        limit,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_candidate_sql(tokens, carers, birth_year), params)
        rows = cursor.fetchall()
    return _candidates(rows, len(tokens))


def _candidates(rows: list[tuple[Any, ...]], total: int) -> list[DuplicateCandidate]:
    pk = Child._meta.pk
    assert pk is not None
    child_ids = [pk.to_python(row[0]) for row in rows]
    latest: dict[uuid.UUID, tuple[uuid.UUID | None, str]] = {}
    for case_id, child_id, number in (
        Case.objects.filter(child_id__in=child_ids)
        .order_by("child_id", "-registered_at")
        .values_list("id", "child_id", "case_number")
    ):
        latest.setdefault(child_id, (case_id, number))
    candidates = []
    for child_id, (_, shared, year_gap, carer) in zip(child_ids, rows, strict=True):
        score, reasons = _score(int(shared), total, year_gap, bool(carer))
        found_case, found_number = latest.get(child_id, (None, ""))
        candidates.append(DuplicateCandidate(child_id, found_case, found_number, score, reasons))
    return candidates


def _score(shared: int, total: int, year_gap: int | None, carer: bool) -> tuple[int, list[str]]:
    score = NAME_POINTS * shared // total
    reasons = ["all_names" if shared >= total else "some_names"]
    if year_gap == 0:
        score += SAME_YEAR_POINTS
        reasons.append("same_birth_year")
    elif year_gap == 1:
        score += NEAR_YEAR_POINTS
        reasons.append("birth_year_within_one")
    if carer:
        score += CAREGIVER_POINTS
        reasons.append("caregiver_name")
    return score, reasons

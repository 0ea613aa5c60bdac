"""Finding cases by the child's name or registration number, through blind indexes only.

A name query matches a child when *every* name key of the query is among the child's
`NameToken` rows (`amana.cases.names`): "Mohamed Ali" finds Muhammad Ali Hassan, and finds
neither Mohamed Hassan nor Ali Omar. A query that looks like a number (at least three digits,
no spaces) is looked up as an individual registration number, through
``Child.individual_id_index == index_for("individual-id", query)``, and as a case number.

The token lookup drives the query: the `(token, child)` index gives the children holding all
the query's tokens (one grouped scan, ``HAVING COUNT(DISTINCT token) = k``), and only those
children's cases are then checked against the caller's queryset, which carries the access
rules (`access.visible_cases`). No plaintext is ever compared or sent to the database.
"""

from __future__ import annotations

import re

from django.db.models import Count, Q, QuerySet

from amana.cases.models import Case, Child, NameToken
from amana.cases.names import name_tokens
from amana.crypto.keys import index_for

ID_PURPOSE = "individual-id"
# Digits, letters and - / . only, at least three digits: 123-45678901, UGA-23-0042, NGC-2026-000017.
ID_QUERY = re.compile(r"^(?=(?:[^0-9]*[0-9]){3})[A-Za-z0-9][A-Za-z0-9/.\-]*$")
MAX_ID_MATCHES = 100


def looks_like_id(query: str) -> bool:
    return ID_QUERY.match(query.strip()) is not None


def children_with_all_tokens(tokens: list[str]) -> QuerySet[NameToken, dict[str, object]]:
    """`SELECT child_id FROM nametoken WHERE token IN (…) GROUP BY child_id HAVING …= k`."""
    distinct = sorted(set(tokens))
    return (
        NameToken.objects.filter(token__in=distinct)
        .values("child_id")
        .annotate(matched=Count("token", distinct=True))
        .filter(matched=len(distinct))
        .values("child_id")
    )


def search_children(cases: QuerySet[Case], query: str) -> QuerySet[Case]:
    """The cases of `cases` whose child matches `query` (see the module documentation)."""
    query = query.strip()
    if looks_like_id(query):
        return _by_number(cases, query)
    tokens = name_tokens(query)
    if not tokens:
        return cases.none()
    return cases.filter(child_id__in=children_with_all_tokens(tokens))


def _by_number(cases: QuerySet[Case], query: str) -> QuerySet[Case]:
    # Two indexed lookups, then one filter the database can answer with a bitmap OR of the
    # child and case-number indexes (an OR across a join or a subquery would scan every case).
    index = index_for(ID_PURPOSE, query)
    children = list(
        Child.objects.filter(individual_id_index=index).values_list("id", flat=True)[
            :MAX_ID_MATCHES
        ]
    )
    return cases.filter(Q(child_id__in=children) | Q(case_number=query.upper()))

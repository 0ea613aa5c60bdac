"""Query budget of a case's consent page: a fixed number of SQL queries, the same with a few
records as with three times as many (docs/performance.md)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.consent.helpers import World, record
from tests.core.queries import flat, queries

pytestmark = pytest.mark.django_db
FEW = 2  # records shown first; then three times as many

# Measured on PostgreSQL: 2 every request pays (the session, the user with their agency, roles
# and two-factor devices), the case and its audited read (4), the protocol in force, agency
# names, colleagues on the case, the records with who explained and recorded them, and the
# records the re-verification reads (twice).
CASE_CONSENTS = 12


def records(world: World, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        record(
            world,
            given_on=date(2026, 6, 1) + timedelta(days=number),
            notes=f"Explained at home ({number}).",
            explained_by=world.peer if number % 2 else None,
            actor=world.boss if number % 3 == 0 else world.worker,
        )


def test_case_consent_page(client, world):
    client.force_login(world.worker)
    url = f"/consent/cases/{world.case.pk}/"
    records(world, FEW)
    few = queries(lambda: client.get(url))
    records(world, 2 * FEW, start=FEW)
    flat(few, queries(lambda: client.get(url)), CASE_CONSENTS, "consent page")
    assert len(client.get(url).context["records"]) == 3 * FEW

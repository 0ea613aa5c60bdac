"""Query budget of the report page: aggregates cost a fixed number of SQL queries, the same
for a few cases as for three times as many (docs/performance.md)."""

from __future__ import annotations

import pytest

from amana.accounts.roles import Role
from amana.protocol.bench import demo_protocol_path
from amana.protocols.actions import load_protocol_file
from tests.cases.helpers import register
from tests.core.queries import flat, queries
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db
FEW = 3  # cases counted first; then three times as many

# Measured on PostgreSQL: 2 every request pays (the session, the user with their agency, roles
# and two-factor devices), the protocols' disclosure rules, one aggregate per table (open
# cases, overdue tasks, risk, stage, concerns, locations, sex and age, month), labels, the
# audit entry.
REPORT = 18


def test_report_page(client):
    load_protocol_file(str(demo_protocol_path()), actor=None)
    agency = AgencyFactory(slug="ngo-a", name="NGO Alpha", case_prefix="NGA")
    worker = UserFactory(roles=[Role.CASEWORKER], agency=agency)
    reader = UserFactory(roles=[Role.IM_OFFICER], agency=agency)
    client.force_login(reader)
    for number in range(FEW):
        register(worker, name=f"Child Number{number}", risk=("high", "low")[number % 2])
    few = queries(lambda: client.get("/reports/"))
    for number in range(FEW, 3 * FEW):
        register(worker, name=f"Child Number{number}", risk=("high", "low")[number % 2])
    flat(few, queries(lambda: client.get("/reports/")), REPORT, "report page")

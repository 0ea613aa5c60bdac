"""Reports read from the replica when one is configured and fresh; their audit entry, every
other write and every other page's reads stay on the primary.

"replica" is a second, separate test database here (settings.py), not a mirror: the two
hold different cases, so a report that counts the wrong one shows the wrong number.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from amana.accounts.models import Agency
from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.cases.models import Case, Child
from amana.core import dbrouter
from amana.reports.access import audited_report
from tests.factories import AgencyFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "replica" not in settings.DATABASES, reason="the replica alias exists on PostgreSQL only"
    ),
    pytest.mark.django_db(databases=["default", "replica"]),
]
ON_PRIMARY, ON_REPLICA = 6, 9


def _cases(alias: str, agency: Agency, n: int, prefix: str) -> None:
    for number in range(n):
        child = Child.objects.using(alias).create(
            agency_id=agency.pk, full_name="Counted Child", sex="female"
        )
        Case.objects.using(alias).create(
            case_number=f"{prefix}-{number}",
            agency_id=agency.pk,
            child=child,
            risk_level="high",
            status="open",
        )


@pytest.fixture
def supervisor():
    agency = AgencyFactory(slug="ngo-r", name="NGO Replica", case_prefix="NGR")
    Agency.objects.using("replica").create(
        pk=agency.pk, slug=agency.slug, name=agency.name, kind=agency.kind
    )
    _cases("default", agency, ON_PRIMARY, "PRIMARY")
    _cases("replica", agency, ON_REPLICA, "REPLICA")
    return UserFactory(agency=agency, roles=[Role.SUPERVISOR])


@pytest.fixture
def routed(settings, monkeypatch):
    """Routing on, the replica measured as up to date."""
    settings.AMANA_READ_REPLICA = "replica"
    settings.AMANA_REPLICA_MAX_LAG = 30
    monkeypatch.setattr(dbrouter, "replica_lag", lambda alias: 0.0)
    dbrouter.forget_lag_checks()
    yield
    dbrouter.forget_lag_checks()


def _reports(alias: str) -> int:
    return AuditEntry.objects.using(alias).filter(action="report.view").count()


def test_report_counts_the_replica_and_audits_on_the_primary(supervisor, routed):
    report = audited_report(supervisor, origin="test")
    assert report.open_cases.value == ON_REPLICA
    assert _reports("default") == 1 and _reports("replica") == 0


def test_without_a_replica_the_report_counts_the_primary(supervisor, settings):
    settings.AMANA_READ_REPLICA = ""
    dbrouter.forget_lag_checks()
    assert audited_report(supervisor).open_cases.value == ON_PRIMARY


def test_a_replica_too_far_behind_is_not_read(supervisor, routed, monkeypatch):
    monkeypatch.setattr(dbrouter, "replica_lag", lambda alias: 31.0)
    dbrouter.forget_lag_checks()
    assert audited_report(supervisor).open_cases.value == ON_PRIMARY
    assert _reports("default") == 1 and _reports("replica") == 0


def test_an_unreachable_replica_is_not_read(supervisor, routed, monkeypatch):
    from django.db import OperationalError

    def down(alias: str) -> float:
        raise OperationalError("connection refused")

    monkeypatch.setattr(dbrouter, "replica_lag", down)
    dbrouter.forget_lag_checks()
    assert audited_report(supervisor).open_cases.value == ON_PRIMARY


def test_a_read_failing_on_the_replica_is_read_again_on_the_primary(
    supervisor, routed, monkeypatch
):
    from django.db import OperationalError

    from amana.reports import access

    counted, tried = access._counted, []

    def cancelled_on_the_replica(actor):
        tried.append(dbrouter._reads_from.get() or "primary")  # where reads are routed now
        if tried[-1] == "replica":
            raise OperationalError("canceling statement due to conflict with recovery")
        return counted(actor)

    monkeypatch.setattr(access, "_counted", cancelled_on_the_replica)
    assert audited_report(supervisor).open_cases.value == ON_PRIMARY
    assert tried == ["replica", "primary"]
    assert dbrouter.replica_alias() == "default"  # stale until the next measurement
    assert _reports("default") == 1


def test_report_page_reads_the_replica(client, supervisor, password, routed):
    client.login(username=supervisor.username, password=password)
    with CaptureQueriesContext(connections["replica"]) as replica:
        response = client.get("/reports/")
    assert response.status_code == 200
    assert len(replica.captured_queries) > 0
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in replica.captured_queries)


def test_other_pages_never_read_the_replica(client, supervisor, password, routed):
    client.login(username=supervisor.username, password=password)
    with CaptureQueriesContext(connections["replica"]) as replica:
        for page in ("/", "/cases/", "/cases/team/", "/cases/due/", "/referrals/inbox/"):
            assert client.get(page).status_code in (200, 403), page
    assert replica.captured_queries == []


def test_writes_in_a_replica_block_go_to_the_primary(supervisor, routed):
    with dbrouter.replica_reads() as alias:
        assert alias == "replica"
        copy = Agency.objects.get(slug="ngo-r")  # read on the replica …
        assert copy._state.db == "replica"
        copy.name = "Renamed"
        copy.save()  # … written on the primary
        Agency.objects.create(slug="ngo-new", name="New", kind=copy.kind)
        # the write protocol's tables are read on the primary even here
        assert AuditEntry.objects.all().db == "default"
    assert Agency.objects.using("default").get(slug="ngo-r").name == "Renamed"
    assert Agency.objects.using("replica").get(slug="ngo-r").name == "NGO Replica"
    assert Agency.objects.using("default").filter(slug="ngo-new").exists()
    assert not Agency.objects.using("replica").filter(slug="ngo-new").exists()


def test_reads_outside_a_replica_block_stay_on_the_primary(supervisor, routed):
    assert Case.objects.count() == ON_PRIMARY
    with dbrouter.replica_reads():
        assert Case.objects.count() == ON_REPLICA
    assert Case.objects.count() == ON_PRIMARY


def test_replica_lag_is_measured_on_postgresql():
    # The test "replica" is not a standby: nothing to replay, no lag.
    assert dbrouter.replica_lag("replica") == 0.0

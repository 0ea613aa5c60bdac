"""`amana bench audit`: a JSON report of concurrent audit writes (figures are not asserted)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from pytest_django.fixtures import Settings

from amana.audit.models import AuditEntry
from amana.ops.bench.audit import percentile


def run_bench(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("bench", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_an_unknown_target_exits_2_with_one_line() -> None:
    assert run_bench("sharing") == (
        2,
        "",
        "amana bench: unknown target 'sharing': expected audit, cases, pages, referrals, load"
        " or decisions\n",
    )


def test_it_refuses_to_fill_a_production_audit_log(settings: Settings) -> None:
    settings.AMANA_ENV = "production"

    code, _, err = run_bench("audit", "--entries", "1")

    assert code == 2
    assert "run it on a scratch database" in err


def test_percentiles_use_the_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]

    assert [percentile(values, f) for f in (0.5, 0.95, 0.99, 1.0)] == [50.0, 95.0, 99.0, 100.0]
    assert percentile([7.0], 0.5) == 7.0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_bench_audit_writes_seals_and_verifies_every_entry() -> None:
    # SQLite's in-memory test database is shared between threads but not for concurrent writes.
    writers = "3" if connection.vendor == "postgresql" else "1"

    code, out, err = run_bench("audit", "--writers", writers, "--entries", "30")

    result = json.loads(out)
    assert (code, err) == (0, "")
    assert (result["writers"], result["entries"]) == (int(writers), 30)
    assert result["sealed_by_writers"] + result["pending_after_writers"] == 30
    assert result["verify"]["intact"] is True
    assert result["verify"]["entries"] == 30
    latency = result["write_latency_ms"]
    assert latency["p50"] <= latency["p95"] <= latency["p99"] <= latency["max"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_bench_audit_compares_the_keyed_chain_with_the_unkeyed_one() -> None:
    writers = "3" if connection.vendor == "postgresql" else "1"

    code, out, err = run_bench(
        "audit", "--writers", writers, "--entries", "30", "--compare-unkeyed"
    )

    result = json.loads(out)
    assert (code, err) == (0, "")
    assert result["rounds"] == ["unkeyed", "keyed", "keyed", "unkeyed"]
    assert result["keyed"]["entries_per_second"] > 0
    assert result["unkeyed"]["entries_per_second"] > 0
    assert result["keyed_vs_unkeyed"] > 0
    chains = list(AuditEntry.objects.order_by("seq").values_list("chain_version", flat=True))
    assert chains == [None] * 30 + [2] * 60 + [None] * 30

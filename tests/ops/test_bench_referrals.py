"""`amana bench referrals` runs on a small seeded database, sends real referrals and reports
the figures (no timing is asserted)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import connection

from amana.audit.models import AuditEntry
from amana.consent.models import ConsentRecord
from amana.ops.seed import run_seed
from amana.protocols.models import ProtocolVersion
from amana.referrals.models import Referral
from amana.sharing.models import LedgerEntry

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark is PostgreSQL's"),
    pytest.mark.django_db,
]


def test_bench_referrals_sends_real_referrals_and_reports_the_distribution(capsys):
    run_seed(cases=60, seed=3, caseload=20, report=lambda line: None)
    call_command("bench", "referrals", "--n", "20", "--warmup", "2", "--seed", "5")
    report = json.loads(capsys.readouterr().out)
    assert report["target"] == "referrals" and report["database"] == "postgresql"
    assert report["cases_in_db"] == 60 and report["n"] == 20 and report["warmup"] == 2
    assert 0 < report["p50_ms"] <= report["p95_ms"] <= report["p99_ms"] <= report["max_ms"]
    assert 0 < report["allowed_p50_ms"] <= report["allowed_p95_ms"] <= report["allowed_p99_ms"]
    assert report["allowed_p99_ms"] <= report["allowed_max_ms"] <= report["max_ms"]
    assert report["allowed"] + report["denied"] == 20
    assert report["allowed"] > 0 and report["denied"] > 0
    assert sum(sum(c.values()) for c in report["by_consent"].values()) == 20
    assert ProtocolVersion.objects.filter(protocol_id="demo-op-a").count() == 1
    # Every send, warm-up included, left its ledger entry and audit entry; allowed ones a packet.
    ledger = LedgerEntry.objects.filter(purpose="referral_immediate")
    assert ledger.count() == 22
    assert Referral.objects.count() == ledger.filter(decision="allow").count()
    assert Referral.objects.filter(ledger__decision="allow").count() == Referral.objects.count()
    assert AuditEntry.objects.filter(action="referral.send", origin="bench").count() == 22
    assert ConsentRecord.objects.filter(kind="consent").exists()


def test_bench_referrals_without_cases_exits_2(capsys):
    with pytest.raises(SystemExit) as stop:
        call_command("bench", "referrals", "--n", "5")
    assert stop.value.code == 2
    assert "amana seed" in capsys.readouterr().err

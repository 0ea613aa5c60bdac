"""`amana bench load`'s parts that run without the scale-out: the plan (seeded staff who can
log in, referrals the referral page accepts), the figures from recorded requests and the
proxy's log, and the refusal to run anywhere but on the scale-out. The run itself is
`amana bench load` (docs/performance.md), not a test."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection

from amana.audit.models import AuditEntry
from amana.ops.bench.load import figures
from amana.ops.bench.load.plan import caseload_for, make_plan, split_users
from amana.ops.seed import run_seed
from amana.referrals.presenters import WRITTEN

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the load bench is PostgreSQL's"
)
KILL = 1000.0


def _request(t: float, ms: float, name: str = "case page", ok: bool = True) -> dict:
    status = 200 if ok else 502
    return {"t": t, "ms": ms, "name": name, "method": "GET", "status": status, "ok": ok} | {
        "error": "" if ok else "502"
    }


def test_users_split_nine_caseworkers_to_one_supervisor_and_caseload_covers_them():
    assert split_users(200) == (180, 20)
    assert split_users(1) == (1, 0)
    caseworkers, _supervisors = split_users(200)
    caseload = caseload_for(50_000, 200)
    assert 50_000 / caseload >= caseworkers


def test_errors_in_flight_at_the_kill_are_told_apart_from_the_others():
    records = figures.Records(
        requests=[
            _request(999.0, 2000, ok=False),  # sent before, cut off by the kill
            _request(1002.0, 5, ok=False),  # after the kill: an error of its own
            _request(990.0, 100),
            _request(995.0, 300),
            _request(996.0, 600, name="login"),
        ]
    )
    result = figures.request_figures(records, KILL, seconds=10)
    assert result["errors"]["in_flight_at_kill"] == 1 and result["errors"]["other"] == 1
    assert result["mix"]["n"] == 2 and result["mix"]["p95_ms"] == 300
    assert result["logins"]["n"] == 1 and result["logins"]["p50_ms"] == 600
    assert result["mix"]["requests_per_s"] == 0.4  # four requests of the mix in 10 s


def test_without_a_kill_every_error_is_an_error():
    records = figures.Records(requests=[_request(999.0, 2000, ok=False)])
    assert figures.request_figures(records, None, 10)["errors"]["other"] == 1


def test_writes_are_checked_against_what_the_database_gained():
    before = {"cases": 10, "referrals": 0, "form_records": 5, "audit_entries": 100}
    records = figures.Records(writes=[{"write": "form", "id": "a"}, {"write": "referral"}])
    after = {"cases": 10, "referrals": 1, "form_records": 7, "audit_entries": 130}
    ok = figures.write_check(records, before, after, at_kill_posts=0)
    assert ok["nothing_lost"] is False  # a form record nobody confirmed, with no kill to explain it
    assert figures.write_check(records, before, after, at_kill_posts=1)["nothing_lost"] is True
    lost = figures.write_check(records, before, after | {"referrals": 0}, at_kill_posts=1)
    assert lost["referrals"]["lost"] == 1 and lost["nothing_lost"] is False


def test_access_log_names_the_process_that_answered_and_counts_passed_on(tmp_path):
    log = tmp_path / "access.log"
    log.write_text(
        "100.5|127.0.0.1:8001|200|0.050|0.049|GET /cases/\n"
        "101.0|127.0.0.1:8001, 127.0.0.1:8002|200|0.080|0.000, 0.070|GET /\n"
        "250.0|127.0.0.1:8002|200|0.010|0.010|GET /\n"  # after the run
    )
    rows = figures.read_access_log(log, since=100, until=200)
    result = figures.process_figures(
        rows, {"127.0.0.1:8001": "app1", "127.0.0.1:8002": "app2"}, seconds=100
    )
    assert result["app1"]["requests"] == 1 and result["app2"]["requests"] == 1
    assert result["app2"]["server"]["p50_ms"] == 70.0
    assert result["passed_on_by_proxy"] == 1


@postgres_only
@pytest.mark.django_db
def test_plan_gives_seeded_staff_a_working_password_and_valid_referrals():
    run_seed(cases=80, seed=3, caseload=10, report=lambda line: None)
    plan = make_plan(users=6, seed=5)
    assert len(plan.caseworkers) == 5 and len(plan.supervisors) == 1
    account = plan.caseworkers[0].username
    assert authenticate(username=account, password=plan.password) is not None
    assert authenticate(username=account, password=plan.password + "x") is None
    items = [item for a in plan.caseworkers for item in a.referrals]
    assert items, "some caseworker has a referral to send"
    for item in items:
        assert all(item["written"].get(name) for name in WRITTEN if name in item["elements"])
    assert plan.names and AuditEntry.objects.filter(action="seed.staff_password").exists()


@postgres_only
@pytest.mark.django_db
def test_plan_refuses_a_database_with_too_few_staff():
    run_seed(cases=20, seed=3, caseload=400, report=lambda line: None)
    with pytest.raises(LookupError, match="smaller --caseload"):
        make_plan(users=200, seed=5)


@pytest.mark.django_db
def test_bench_load_outside_the_scale_out_exits_2(capsys, monkeypatch):
    monkeypatch.delenv("AMANA_SCALEOUT_DIR", raising=False)
    with pytest.raises(SystemExit) as stop:
        call_command("bench", "load", "--users", "2")
    assert stop.value.code == 2
    assert "amana bench load" in capsys.readouterr().err


def test_cpu_per_request_is_the_app_processes_time_over_the_requests_they_served():
    per_process = {
        "app1": {"requests": 300},
        "app2": {"requests": 700},
        "passed_on_by_proxy": 4,
    }
    used = {"app1": 12.0, "app2": 28.0, "primary": 10.0, "replica": 1.0}
    result = figures.cpu_figures(used, per_process, seconds=100, logins=10, login_hash_ms=500)
    assert result["app_ms_per_request"] == 40.0 and result["primary_ms_per_request"] == 10.0
    assert result["cores_busy"]["app2"] == 0.28
    # 10 log-ins hashed for 5 s of the 40; the other 980 requests cost the remaining 35 s
    assert result["app_ms_per_request_without_logins"] == round(35_000 / 980, 1)


def test_cpu_meter_counts_a_running_process_and_skips_missing_ones():
    import os

    from amana.ops.bench.load.cpu import CpuMeter

    meter = CpuMeter()
    for _sample in range(2):
        meter.sample({"me": os.getpid(), "gone": None}, with_children=set())
    assert set(meter.seconds()) <= {"me"} and all(v >= 0 for v in meter.seconds().values())

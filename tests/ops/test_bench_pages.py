"""`amana bench pages` runs on a small seeded database: every page answers, every figure is
reported (figures are not asserted)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from amana.ops.seed import run_seed

pytestmark = pytest.mark.django_db(transaction=True)
PAGES = ("case_page", "case_list", "due_list", "home")


def test_bench_pages_times_each_page_and_its_data_work(capsys):
    run_seed(cases=60, seed=3, caseload=20, report=lambda line: None)
    call_command("bench", "pages", "--samples", "3")
    report = json.loads(capsys.readouterr().out)
    assert report["target"] == "pages" and report["caseworker_cases"] > 0
    assert set(report["pages"]) == set(PAGES)
    for page in report["pages"].values():
        assert page["server_ms"]["p95"] > 0 and page["data_work_ms"]["p95"] > 0
        assert page["ratio_p95"] > 0
        assert page["statements_per_request"] > 0 and page["page_bytes"] > 0


def test_bench_pages_leaves_no_session_behind(capsys):
    from django.contrib.sessions.models import Session

    run_seed(cases=30, seed=3, caseload=20, report=lambda line: None)
    call_command("bench", "pages", "--samples", "1")
    assert not Session.objects.exists()


def test_bench_pages_without_data_exits_2(capsys):
    with pytest.raises(SystemExit) as stop:
        call_command("bench", "pages", "--samples", "5")
    assert stop.value.code == 2
    assert "amana seed" in capsys.readouterr().err


def test_bench_pages_refuses_to_run_in_production(capsys, settings):
    settings.AMANA_ENV = "production"
    with pytest.raises(SystemExit) as stop:
        call_command("bench", "pages", "--samples", "5")
    assert stop.value.code == 2
    assert "scratch database" in capsys.readouterr().err

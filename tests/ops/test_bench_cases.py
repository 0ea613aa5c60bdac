"""`amana bench cases` runs on a small seeded database and reports every figure."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from amana.ops.seed import run_seed

pytestmark = pytest.mark.django_db


def test_bench_cases_reports_p95_of_list_search_detail_and_the_ratio(capsys):
    run_seed(cases=60, seed=3, caseload=20, report=lambda line: None)
    call_command("bench", "cases", "--samples", "5")
    report = json.loads(capsys.readouterr().out)
    assert report["cases_in_database"] == 60 and report["caseworker_cases"] > 0
    for name in ("list_page_50", "name_search", "name_search_arabic_script", "case_detail"):
        assert report["p95_ms"][name] > 0
    assert report["ratio_list_to_raw_sql"] > 0


def test_bench_cases_without_data_exits_2(capsys):
    with pytest.raises(SystemExit) as stop:
        call_command("bench", "cases", "--samples", "5")
    assert stop.value.code == 2
    assert "amana seed" in capsys.readouterr().err

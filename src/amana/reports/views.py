"""The report page and its CSV download: the same tables, the same suppression."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from amana.audit.log import origin_of
from amana.core.web import actor_of, guarded
from amana.reports.access import audited_report
from amana.reports.tables import Cell, Report

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@require_http_methods(["GET", "HEAD"])
@guarded
def report_page(request: HttpRequest) -> HttpResponse:
    """Aggregates of the agency's cases; no row, name or number of any case."""
    report = audited_report(actor_of(request), origin=origin_of(request))
    return render(request, "reports/index.html", {"report": report})


def _text(value: str) -> str:
    """A label as a spreadsheet shows it, never as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _value(cell: Cell) -> list[str]:
    if cell.value is None:
        return ["", _("yes")]
    return [str(cell.value), ""]


def csv_rows(report: Report) -> Iterator[list[str]]:
    yield [
        _("table"),
        _("title"),
        _("row code"),
        _("row"),
        _("column code"),
        _("column"),
        _("unit"),
        _("value"),
        _("suppressed"),
    ]
    count, percent = _("count"), _("percent")
    summary = _("Summary")
    for code, label, cell in (
        ("open_cases", _("Open cases"), report.open_cases),
        ("overdue_tasks", _("Overdue tasks"), report.overdue_tasks),
    ):
        yield ["summary", summary, code, label, "", "", count, *_value(cell)]
    for table in report.tables:
        unit = percent if table.unit == "percent" else count
        for row in table.rows:
            if row.percent_only:
                continue  # shown as shares in a table of its own
            for (code, label), cell in zip(table.columns, row.cells, strict=True):
                yield [
                    table.slug,
                    _text(table.title),
                    row.code,
                    _text(row.label),
                    code,
                    _text(label),
                    unit,
                    *_value(cell),
                ]


@require_http_methods(["GET", "HEAD"])
@guarded
def report_csv(request: HttpRequest) -> HttpResponse:
    """The report's tables as CSV (UTF-8 with a byte order mark, for spreadsheets)."""
    report = audited_report(actor_of(request), download=True, origin=origin_of(request))
    day = timezone.localdate().isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="amana-cases-report-{day}.csv"'
    response.write("\ufeff")
    csv.writer(response).writerows(csv_rows(report))
    return response

"""Query budgets: how many SQL queries a page costs, measured the same way everywhere.

House rule: every page has a budget that does not grow with the rows it shows. A test renders
the page with a few rows, adds rows (about three times as many), renders it again, and asserts
the same count, within the page's fixed budget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries(request: Callable[[], Any], *, status: int = 200) -> int:
    """The queries one request costs. The request is made once before it is measured, so that
    what is read once a process (a parsed protocol, cached by version) does not count."""
    assert _status(request()) == status
    with CaptureQueriesContext(connection) as captured:
        assert _status(request()) == status
    return len(captured)


def within(count: int, budget: int, what: str) -> None:
    assert count <= budget, f"{what}: {count} queries, the budget is {budget}"


def flat(few: int, many: int, budget: int, what: str) -> None:
    """The same count with three times the rows, and within the budget."""
    assert many == few, f"{what}: {few} queries with a few rows, {many} with more"
    within(few, budget, what)


def _status(response: Any) -> int:
    return int(response.status_code)

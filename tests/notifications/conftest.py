from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection

from tests.jobs.helpers import wipe_queue


@pytest.fixture
def empty_queue() -> Iterator[None]:
    """An empty job queue before and after the test (PostgreSQL; SQLite has none)."""
    if connection.vendor == "postgresql":
        wipe_queue()
    yield
    if connection.vendor == "postgresql":
        wipe_queue()

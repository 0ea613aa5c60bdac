from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.jobs.helpers import wipe_queue


@pytest.fixture
def empty_queue() -> Iterator[None]:
    """An empty queue before and after the test (procrastinate's tables are not flushed)."""
    wipe_queue()
    yield
    wipe_queue()

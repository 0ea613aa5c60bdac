"""What a process keeps for a short while: rows that change rarely, and what is built from them.

`kept(key, build)` returns `build()`, made at most once per `TTL_SECONDS` in this process (or
again after `forget`). It is for data that changes only by an administrator's hand — the
places and lookup lists (`amana.refdata.cache`), which form versions an agency uses
(`amana.caseforms.formdefs.storage`) — where a page may show a change made in another process
up to `TTL_SECONDS` late. The writes themselves are always checked against the database. A
change made in this process is seen at once: the owner of the data forgets its keys when the
rows change (a signal), and again when the transaction commits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction

TTL_SECONDS = 60.0
Built = TypeVar("Built")

_kept: dict[str, tuple[float, Any]] = {}
_lock = threading.Lock()


def kept(key: str, build: Callable[[], Built]) -> Built:
    now = time.monotonic()
    found = _kept.get(key)
    if found is not None and found[0] > now:
        value: Built = found[1]
        return value
    value = build()
    with _lock:
        _kept[key] = (now + TTL_SECONDS, value)
    return value


def forget(prefix: str = "") -> None:
    """Drop what is kept under keys starting with `prefix` (everything by default)."""
    with _lock:
        for key in [key for key in _kept if key.startswith(prefix)]:
            del _kept[key]


def forget_now_and_at_commit(prefix: str) -> None:
    """For a signal receiver of rows that changed: forget now, and again when the transaction
    commits, so that nothing read between the change and the commit is kept."""
    forget(prefix)
    transaction.on_commit(lambda: forget(prefix))

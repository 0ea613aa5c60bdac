"""Reports and dashboards read from a streaming replica; everything else uses the primary.

Reads go to the replica only inside `replica_reads()` (or `on_replica`, which reads again on
the primary when a read fails on the replica), which the report pages (and any dashboard of
aggregates) wrap around their counting, and only when a replica is configured
(`AMANA_REPLICA_DATABASE_URL`) and fresh enough: at most `AMANA_REPLICA_MAX_LAG` seconds
(30 by default) behind the primary. Otherwise, and whenever the replica cannot be reached, the
same reads go to the primary. Every write goes to the primary, inside the block too: the
router never names the replica for a write, and an object read from the replica is saved on
the primary. The tables of the write protocol (the audit log and its sealer, sessions, the
idempotency keys) are always read on the primary.

Staleness bound: a figure on a report is at most `AMANA_REPLICA_MAX_LAG` seconds older than
the primary's data, plus `CHECK_EVERY` seconds during which a lag measurement is reused (a
replica that falls behind is noticed within that time). The lag: zero when the replica has
replayed the primary's WAL up to the position the primary reported just before
(`pg_current_wal_lsn()` on the primary, `pg_last_wal_replay_lsn()` on the replica), else the
time since the last transaction it replayed (`pg_last_xact_replay_timestamp()`). Neither
needs a privilege beyond connecting.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)
T = TypeVar("T")
REPLICA = "replica"  # the alias of the replica in DATABASES (settings.py)
CHECK_EVERY = 5.0  # seconds a lag measurement is reused by this process
PRIMARY_ONLY_APPS = frozenset({"audit", "sessions", "idempotency"})

_reads_from: ContextVar[str] = ContextVar("amana_reads_from", default="")
_checked: dict[str, tuple[float, bool]] = {}  # alias -> (monotonic time, fresh enough)
_check_lock = threading.Lock()

PRIMARY_LSN_SQL = "SELECT pg_current_wal_lsn()::text"
# On the replica, given the primary's position a moment ago: 0 when not a standby or when it
# has replayed up to that position, else seconds since the last transaction it replayed.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_replay_lsn() >= %s::pg_lsn THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 'Infinity')
END
"""


def replica_lag(alias: str) -> float:
    """Seconds the replica under `alias` is behind the primary: 0 when it has replayed
    everything the primary had written when asked (or is no standby at all), else the age of
    the last transaction it replayed. Raises DatabaseError when either cannot be asked."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(PRIMARY_LSN_SQL)
        position = cursor.fetchone()
    with connections[alias].cursor() as cursor:
        cursor.execute(LAG_SQL, [position[0] if position else "0/0"])
        row = cursor.fetchone()
    return float(row[0]) if row and row[0] is not None else float("inf")


def _fresh(alias: str) -> bool:
    now = time.monotonic()
    with _check_lock:
        checked = _checked.get(alias)
        if checked is not None and now - checked[0] < CHECK_EVERY:
            return checked[1]
    try:
        lag = replica_lag(alias)
    except DatabaseError:
        logger.warning("replica %r cannot be reached: reports read from the primary", alias)
        lag = float("inf")
    fresh = lag <= settings.AMANA_REPLICA_MAX_LAG
    if not fresh:
        logger.warning("replica %r is %.1f s behind: reports read from the primary", alias, lag)
    with _check_lock:
        _checked[alias] = (now, fresh)
    return fresh


def forget_lag_checks() -> None:
    """Measure the lag again on the next `replica_reads()` (tests; a changed setting)."""
    with _check_lock:
        _checked.clear()


def replica_alias() -> str:
    """The alias reports read from now: the replica when configured and fresh, else default."""
    alias = str(getattr(settings, "AMANA_READ_REPLICA", "") or "")
    if alias and alias in settings.DATABASES and _fresh(alias):
        return alias
    return DEFAULT_DB_ALIAS


@contextmanager
def replica_reads() -> Iterator[str]:
    """Inside the block, reads (other than those of the write protocol's tables) go to the
    replica when one is configured and fresh enough. Yields the alias read from. Never put
    a write that must read its own data inside it."""
    token = _reads_from.set(replica_alias())
    try:
        yield _reads_from.get()
    finally:
        _reads_from.reset(token)


def on_replica(read: Callable[[], T]) -> T:
    """`read()` inside `replica_reads()`; if it fails on the replica (gone since the last lag
    measurement, or a query cancelled by the replay), once more on the primary, and the
    replica counts as stale until the next measurement."""
    with replica_reads() as alias:
        if alias == DEFAULT_DB_ALIAS:
            return read()
        try:
            return read()
        except DatabaseError:
            logger.warning("a read failed on replica %r: read again from the primary", alias)
            with _check_lock:
                _checked[alias] = (time.monotonic(), False)
    return read()


class ReplicaRouter:
    """The router of `DATABASE_ROUTERS`: see the module documentation."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        alias = _reads_from.get()
        if not alias or model._meta.app_label in PRIMARY_ONLY_APPS:
            return None  # Django's default: the primary (or the instance's own database)
        return alias

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        instance = hints.get("instance")
        if getattr(getattr(instance, "_state", None), "db", None) == REPLICA:
            return DEFAULT_DB_ALIAS  # read on the replica, written on the primary
        return None  # Django's default: the primary (or the instance's own database)

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True  # the same data, one a copy of the other
        return None

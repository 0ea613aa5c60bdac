"""`amana bench audit [--writers N] [--entries M]`: concurrent audit writers, measured.

Each writer thread has its own database connection and writes its share of the entries, one
transaction per entry, exactly as an action does (write_entry, commit, on-commit sealer). The
JSON report gives throughput; the latency of one write transaction, whole (`write_latency_ms`,
what a request pays, the sealing attempt after the commit included) and up to its commit
(`commit_latency_ms`); how many entries the writers' own sealing left sealed; and the time a
full `verify` of the log takes. The entries stay in the log: run it on a scratch database.

`--compare-unkeyed` runs four rounds of the same writers, unkeyed (the pre-ADR-0007 SHA-256
sealer), keyed, keyed, unkeyed, and reports both throughputs and their ratio (target: keyed at
least 90% of unkeyed). It leaves unkeyed entries after keyed ones, which `verify` refuses: use a
scratch database and throw it away.
"""

from __future__ import annotations

import math
import os
import threading
import time
import uuid
from contextlib import suppress
from types import SimpleNamespace
from typing import Any

from django.db import connection, transaction

from amana.audit.log import write_entry
from amana.audit.models import AuditEntry
from amana.audit.sealer import seal_pending, unkeyed_sealing
from amana.audit.verify import verify_log


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending, non-empty list."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


class Writer(threading.Thread):
    def __init__(self, number: int, count: int, origin: str, start: threading.Barrier) -> None:
        super().__init__(name=f"audit-writer-{number}")
        self.actor = SimpleNamespace(
            username=f"bench-writer-{number}", pk=number, agency=SimpleNamespace(slug="bench")
        )
        self.count, self.origin, self.start_line = count, origin, start
        self.latencies: list[float] = []
        self.commit_latencies: list[float] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            connection.ensure_connection()
            self.start_line.wait()
            for number in range(self.count):
                self._write_one(number)
        except BaseException as exc:  # reported by the main thread
            self.error = exc
            self.start_line.abort()
        finally:
            connection.close()

    def _write_one(self, number: int) -> None:
        committed: list[float] = []
        began = time.perf_counter()
        with transaction.atomic():
            # Runs first after the commit, before the sealer that write_entry registers.
            transaction.on_commit(lambda: committed.append(time.perf_counter()))
            write_entry(
                actor=self.actor,
                action="bench.write",
                object_type="bench",
                object_id=number,
                origin=self.origin,
                details={"writer": self.name, "n": number},
            )
        self.latencies.append(time.perf_counter() - began)
        self.commit_latencies.append(committed[0] - began)


def _run_writers(writers: int, entries: int, origin: str) -> tuple[float, list[Writer]]:
    start = threading.Barrier(writers + 1)
    shares = [entries // writers + (1 if n < entries % writers else 0) for n in range(writers)]
    threads = [Writer(n, share, origin, start) for n, share in enumerate(shares)]
    for thread in threads:
        thread.start()
    with suppress(threading.BrokenBarrierError):  # a writer failed to start: raised below
        start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    for thread in threads:
        if thread.error is not None:
            raise thread.error
    return elapsed, threads


def distribution_ms(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    fractions = (("p50", 0.50), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
    return {name: round(percentile(ordered, f) * 1000, 2) for name, f in fractions}


def _timed_round(writers: int, entries: int) -> tuple[float, list[float]]:
    origin = f"bench:{uuid.uuid4().hex[:12]}"
    elapsed, threads = _run_writers(writers, entries, origin)
    seal_pending(wait=True)
    return elapsed, [t for w in threads for t in w.latencies]


def compare_unkeyed(writers: int, entries: int) -> dict[str, Any]:
    """Keyed against unkeyed sealing, same writers, same run, in the order unkeyed, keyed,
    keyed, unkeyed, so that a log growing during the run favours neither. The log then mixes
    unkeyed entries after keyed ones, which `verify` rightly refuses: scratch database only."""
    seconds: dict[str, float] = {"keyed": 0.0, "unkeyed": 0.0}
    latencies: dict[str, list[float]] = {"keyed": [], "unkeyed": []}
    for chain in ("unkeyed", "keyed", "keyed", "unkeyed"):
        if chain == "unkeyed":
            with unkeyed_sealing():
                elapsed, times = _timed_round(writers, entries)
        else:
            elapsed, times = _timed_round(writers, entries)
        seconds[chain] += elapsed
        latencies[chain] += times
    rates = {chain: 2 * entries / seconds[chain] for chain in seconds}
    return {
        "target": "audit",
        "mode": "compare-unkeyed",
        "database": connection.vendor,
        "cpus": os.cpu_count(),
        "writers": writers,
        "entries_per_round": entries,
        "rounds": ["unkeyed", "keyed", "keyed", "unkeyed"],
        **{
            chain: {
                "entries_per_second": round(rates[chain], 1),
                "write_latency_ms": distribution_ms(latencies[chain]),
            }
            for chain in ("keyed", "unkeyed")
        },
        "keyed_vs_unkeyed": round(rates["keyed"] / rates["unkeyed"], 3),
    }


def bench_audit(writers: int, entries: int, compare: bool = False) -> dict[str, Any]:
    if compare:
        return compare_unkeyed(writers, entries)
    return _bench_keyed(writers, entries)


def _bench_keyed(writers: int, entries: int) -> dict[str, Any]:
    origin = f"bench:{uuid.uuid4().hex[:12]}"
    elapsed, threads = _run_writers(writers, entries, origin)
    sealed_by_writers = AuditEntry.objects.filter(origin=origin, seq__isnull=False).count()
    seal_pending(wait=True)
    began = time.perf_counter()
    report = verify_log(seal=False)
    verify_seconds = time.perf_counter() - began
    return {
        "target": "audit",
        "database": connection.vendor,
        "cpus": os.cpu_count(),
        "writers": writers,
        "entries": entries,
        "chain": "keyed (HMAC-SHA256)",
        "seconds": round(elapsed, 3),
        "entries_per_second": round(entries / elapsed, 1),
        "write_latency_ms": distribution_ms([t for w in threads for t in w.latencies]),
        "commit_latency_ms": distribution_ms([t for w in threads for t in w.commit_latencies]),
        "sealed_by_writers": sealed_by_writers,
        "pending_after_writers": entries - sealed_by_writers,
        "verify": {
            "intact": report.intact,
            "entries": report.entries,
            "seconds": round(verify_seconds, 3),
            "entries_per_second": round(report.entries / verify_seconds, 1),
        },
    }

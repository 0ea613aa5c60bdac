"""The figures of a load run, from what locust recorded and what nginx logged (pure Python).

Requests: every request the simulated staff made (locust's timing: from sending the request
to reading the whole response, through the proxy). "The mix" is every request but the
log-ins, reported on their own. A failed request counts as in flight at the kill when the
killed process could have been serving it: it started before the kill and ended after it.
Per app process: the requests nginx passed to each (its access log), per second over the run,
and the time each took to answer (nginx's upstream response time).
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOGIN_NAMES = frozenset({"login", "login page"})
KILL_SLACK = 0.25  # seconds either side of the kill


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of the values (already sorted), or None when there are none."""
    if not values:
        return None
    rank = max(1, math.ceil(fraction * len(values)))
    return round(values[rank - 1], 1)


def summary(times_ms: Iterable[float]) -> dict[str, Any]:
    ordered = sorted(times_ms)
    return {
        "n": len(ordered),
        "p50_ms": percentile(ordered, 0.50),
        "p95_ms": percentile(ordered, 0.95),
        "p99_ms": percentile(ordered, 0.99),
        "max_ms": percentile(ordered, 1.0),
    }


@dataclass
class Records:
    requests: list[dict[str, Any]] = field(default_factory=list)
    writes: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    logins: set[str] = field(default_factory=set)


def read_records(path: Path) -> Records:
    records = Records()
    for line in path.read_text().splitlines():
        item = json.loads(line)
        if "write" in item:
            records.writes.append(item)
        elif "refused" in item:
            records.refused.append(item)
        elif "login" in item:
            records.logins.add(item["login"])
        else:
            records.requests.append(item)
    return records


def in_flight(request: dict[str, Any], kill_at: float | None) -> bool:
    if kill_at is None:
        return False
    began, ended = request["t"], request["t"] + request["ms"] / 1000
    return bool(began - KILL_SLACK <= kill_at <= ended + KILL_SLACK)


def request_figures(records: Records, kill_at: float | None, seconds: float) -> dict[str, Any]:
    mix = [r for r in records.requests if r["name"] not in LOGIN_NAMES]
    logins = [r for r in records.requests if r["name"] == "login"]
    failed = [r for r in records.requests if not r["ok"]]
    at_kill = [r for r in failed if in_flight(r, kill_at)]
    other = [r for r in failed if not in_flight(r, kill_at)]
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for request in mix:
        by_name[request["name"]].append(request)
    return {
        "mix": summary(r["ms"] for r in mix if r["ok"])
        | {"requests_per_s": round(len(mix) / seconds, 2) if seconds else None},
        "by_action": {
            name: summary(r["ms"] for r in rows if r["ok"])
            | {"failed": sum(1 for r in rows if not r["ok"])}
            for name, rows in sorted(by_name.items())
        },
        "logins": summary(r["ms"] for r in logins if r["ok"])
        | {"failed": sum(1 for r in logins if not r["ok"])},
        "errors": {
            "total": len(failed),
            "in_flight_at_kill": len(at_kill),
            "other": len(other),
            "other_by_kind": dict(
                Counter(f"{r['name']} {r['status']} {r['error'][:80]}" for r in other)
            ),
            "at_kill_by_action": dict(Counter(r["name"] for r in at_kill)),
        },
    }


@dataclass(frozen=True)
class Proxied:
    at: float
    upstream: str  # the app process that answered (the last one tried)
    seconds: float  # its response time
    retried: bool  # nginx passed it on to another process first


def read_access_log(path: Path, since: float, until: float) -> list[Proxied]:
    rows = []
    for line in path.read_text().splitlines():
        parts = line.split("|", 5)
        if len(parts) < 6 or not since <= float(parts[0]) <= until:
            continue
        tried = [u.strip() for u in parts[1].split(",")]
        try:
            took = float(parts[4].split(",")[-1])
        except ValueError:
            took = float("nan")
        rows.append(Proxied(float(parts[0]), tried[-1], took, len(tried) > 1))
    return rows


def process_figures(rows: list[Proxied], names: dict[str, str], seconds: float) -> dict[str, Any]:
    """Per app process (named by its address): requests, requests/s over the run, server
    time; and how many requests nginx passed on to another process after a failed attempt."""
    per: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        per[names.get(row.upstream, row.upstream)].append(row.seconds * 1000)
    figures: dict[str, Any] = {
        name: {
            "requests": len(times),
            "requests_per_s": round(len(times) / seconds, 2) if seconds else None,
            "server": summary(t for t in times if not math.isnan(t)),
        }
        for name, times in sorted(per.items())
    }
    figures["passed_on_by_proxy"] = sum(1 for row in rows if row.retried)
    return figures


def write_check(
    records: Records, before: dict[str, int], after: dict[str, int], at_kill_posts: int
) -> dict[str, Any]:
    """What locust saw succeed against what the database gained, per kind of write."""
    succeeded = Counter(item["write"] for item in records.writes)
    kinds = {"form": "form_records", "referral": "referrals", "case": "cases"}
    result: dict[str, Any] = {}
    for kind, table in kinds.items():
        gained = after[table] - before[table]
        seen = succeeded.get(kind, 0)
        result[table] = {
            "before": before[table],
            "after": after[table],
            "gained": gained,
            "succeeded_in_locust": seen,
            # Written but never confirmed: only a request cut off by the kill may be one.
            "unconfirmed": gained - seen,
            "lost": max(0, seen - gained),
        }
    result["audit_entries"] = {
        "before": before["audit_entries"],
        "after": after["audit_entries"],
        "gained": after["audit_entries"] - before["audit_entries"],
    }
    result["nothing_lost"] = all(
        result[t]["lost"] == 0 and 0 <= result[t]["unconfirmed"] <= at_kill_posts
        for t in kinds.values()
    )
    return result


def cpu_figures(
    used: dict[str, float],
    per_process: dict[str, Any],
    seconds: float,
    *,
    logins: int = 0,
    login_hash_ms: float = 0.0,
) -> dict[str, Any]:
    """CPU seconds of each part, its share of one core over the run, and what one request
    cost the app processes and the primary on average: the sizing figures. A log-in's
    password hash is counted apart (`login_hash_ms`, measured once in this process): the
    requests of the mix cost the rest."""
    served = sum(v["requests"] for v in per_process.values() if isinstance(v, dict))
    apps = sum(t for name, t in used.items() if name.startswith("app"))
    hashing = logins * login_hash_ms / 1000
    other = max(0, served - 2 * logins)  # each log-in is two requests: the page and the post
    return {
        "seconds": used,
        "cores_busy": {name: round(t / seconds, 2) for name, t in used.items()} if seconds else {},
        "app_ms_per_request": round(apps * 1000 / served, 1) if served else None,
        "login_hash_ms": round(login_hash_ms, 1),
        "app_ms_per_request_without_logins": round((apps - hashing) * 1000 / other, 1)
        if other
        else None,
        "primary_ms_per_request": round(used.get("primary", 0) * 1000 / served, 1)
        if served
        else None,
    }

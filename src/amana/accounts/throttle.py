"""The log-in throttle: growing delays per username (from every address) and per address.

Failed log-ins for one username count together whatever address they come from: after
`USERNAME_FREE_FAILURES` each further failure makes the next attempt wait — 30 seconds, then
doubling, capped at `MAX_DELAY`. While a delay runs every attempt is refused before the
password is even checked (so the right password does not get in from another address), and a
refused attempt does not count, so nobody can push the owner's delay past the cap. When the
delay ends the owner can log in; a success forgets the username's failures. One address
failing for many usernames is delayed the same way (`ADDRESS_FREE_FAILURES`).

The address is `REMOTE_ADDR`: the peer, or the client named by the trusted proxy when one is
configured (`AMANA_TRUSTED_PROXY`: waitress rewrites it only for that proxy). Counters live in
the `throttle` cache, never in the database, so a flood writes no rows.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

CACHE = "throttle"


@dataclass(frozen=True)
class Verdict:
    """`wait` seconds before another attempt is heard (0: go ahead)."""

    wait: int

    @property
    def allowed(self) -> bool:
        return self.wait <= 0


def _now() -> float:
    return time.time()


def _conf(name: str) -> int:
    return int(settings.AMANA_LOGIN_THROTTLE[name])


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def _digest(text: str) -> str:
    """Cache keys from what the visitor typed: fixed length, no odd characters."""
    return hashlib.sha256(text.encode()).hexdigest()


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    return [
        (f"user:{_digest(username.strip().casefold())}", _conf("USERNAME_FREE_FAILURES")),
        (f"addr:{_digest(address)}", _conf("ADDRESS_FREE_FAILURES")),
    ]


def _wait_for(key: str, now: float) -> float:
    record = caches[CACHE].get(key)
    if not record:
        return 0.0
    return max(0.0, float(record.get("until", 0.0)) - now)


def check(username: str, address: str) -> Verdict:
    """May an attempt for `username` from `address` be heard now?"""
    now = _now()
    wait = max(_wait_for(key, now) for key, _free in _keys(username, address))
    return Verdict(wait=math.ceil(wait))


def delay_after(failures: int, free: int) -> int:
    """Seconds to wait after `failures` failures when `free` of them cost nothing."""
    if failures < free:
        return 0
    doublings = min(failures - free, 32)
    return int(min(_conf("FIRST_DELAY") * 2**doublings, _conf("MAX_DELAY")))


def record_failure(username: str, address: str) -> None:
    now = _now()
    cache = caches[CACHE]
    for key, free in _keys(username, address):
        record = cache.get(key) or {"failures": 0, "until": 0.0}
        failures = int(record["failures"]) + 1
        delay = delay_after(failures, free)
        cache.set(
            key,
            {"failures": failures, "until": now + delay if delay else 0.0},
            timeout=_conf("FORGET_AFTER"),
        )


def record_success(username: str) -> None:
    """The owner got in: forget the username's failures (the address keeps its own)."""
    key, _free = _keys(username, "")[0]
    caches[CACHE].delete(key)

"""`amana bench pages`: what the server spends on the pages a caseworker opens all day.

On a seeded database (`amana seed --cases N`), for the caseworker with the most cases (as
`amana bench cases`), each sample times four whole requests through Django's WSGI handler, in
this process: every middleware (session, user, login wall, CSRF, security headers …), the
view, the template, the response body. Pages:

- `case_page`: `/cases/{id}/`, one of the caseworker's cases at random;
- `case_list`: `/cases/?status=open&risk=R`, the open cases of one risk level at random, a page
  of 50 — the list `bench cases` measures as `list_page_50`;
- `due_list`: `/cases/due/`, what is due this week;
- `home`: `/`, the home page after log-in.

Each page is paired with its data work, timed the same way in the same run: for the case
page and the list, exactly what `amana bench cases` times (`case_detail`, `list_page_50`); for
the due list, its reads done directly (the due tasks, the page of cases, the audit entry, the
rows decrypted, the page's tasks); for home, reading the signed-in user with their agency and
roles. The report gives p50/p95/p99/max of both (wall clock, `server_ms` and `data_work_ms`),
`ratio_p95` and `ratio_p50` (page / data work), the CPU time this process spent on each
(`server_cpu_ms`, `data_work_cpu_ms`: not the database server's, and less sensitive than the
wall clock to other work on the machine), the statements one request runs, the size of the
page and the machine's load average at the end.

The pages are requested in turn, sample after sample, so that a slow spell of the machine
falls on all of them. The caseworker's session is made for the run (a session row, deleted at
the end); the pages and the data work write their read audit entries, as in production. It
refuses to run in production (`amana.ops.management.commands.bench`).
"""

from __future__ import annotations

import io
import os
import random
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from amana.accounts.models import User
from amana.cases import access
from amana.cases.models import Case
from amana.core.middleware import SESSION_STARTED_KEY
from amana.ops.bench.audit import percentile
from amana.ops.bench.cases import _detail, _list_page, busiest_caseworker

RISKS = ("high", "medium", "low")
WARMUP = 5


@dataclass
class Page:
    name: str
    url: Callable[[random.Random], str]
    data_work: Callable[[random.Random], object]
    data_work_is: str


class Browser:
    """One signed-in caseworker calling the WSGI application in process."""

    def __init__(self, actor: User) -> None:
        from importlib import import_module

        engine = import_module(settings.SESSION_ENGINE)
        self.session = engine.SessionStore()
        self.session[SESSION_KEY] = str(actor.pk)
        self.session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        self.session[HASH_SESSION_KEY] = actor.get_session_auth_hash()
        self.session[SESSION_STARTED_KEY] = time.time()
        self.session.save()
        self.handler = WSGIHandler()
        self.host = _host()

    def get(self, url: str) -> tuple[int, int]:
        """Request `url`; the status and the size of the body."""
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": self.host,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": self.host,
            "HTTP_ACCEPT": "text/html",
            "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={self.session.session_key}",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        answer: list[str] = []

        def start_response(status: str, headers: Any, *_: Any) -> Callable[[bytes], object]:
            answer.append(status)
            return lambda data: None

        body = self.handler(environ, start_response)
        try:
            size = sum(len(chunk) for chunk in body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        return int(answer[0].split()[0]), size

    def close(self) -> None:
        self.session.delete()


def _host() -> str:
    usable = [h for h in settings.ALLOWED_HOSTS if h not in ("*", "") and not h.startswith(".")]
    return usable[0] if usable else "localhost"


def _due_work(actor: User) -> None:
    """The due list's reads done directly: due tasks, the page of cases and its audit entry,
    the rows decrypted, the page's tasks."""
    from amana.cases.presenters import case_row

    tasks = access.due_tasks(actor, days=7)
    cases = (
        access.due_cases(actor, days=7)
        .select_related("child", "location")
        .order_by(F("next_due_at").asc(nulls_last=True), "case_number")
    )
    page = access.audited_page(actor, cases, 1, origin="bench")
    rows = [case_row(actor, case) for case in page.object_list]
    list(tasks.filter(case_id__in=[row["id"] for row in rows]))


def _home_work(actor: User) -> None:
    """What home shows: the signed-in user with their agency and roles."""
    user = User.objects.select_related("agency").get(pk=actor.pk)
    _ = (user.agency.name, user.role_labels)


def pages_for(actor: User, case_ids: list[Any]) -> list[Page]:
    return [
        Page(
            "case_page",
            lambda rng: f"/cases/{rng.choice(case_ids)}/",
            lambda rng: _detail(actor, case_ids, rng),
            "bench cases case_detail: the audited case read and its full view, decrypted",
        ),
        Page(
            "case_list",
            lambda rng: f"/cases/?status=open&risk={rng.choice(RISKS)}",
            lambda rng: _list_page(actor, rng.choice(RISKS)),
            "bench cases list_page_50: the page of 50 with its count, decrypted, audited",
        ),
        Page(
            "due_list",
            lambda rng: "/cases/due/",
            lambda rng: _due_work(actor),
            "the due tasks, the page of cases with its count, decrypted, audited, its tasks",
        ),
        Page(
            "home",
            lambda rng: "/",
            lambda rng: _home_work(actor),
            "the signed-in user with their agency and roles",
        ),
    ]


def _statements(browser: Browser, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        browser.get(url)
    return len(captured)


def _check(status: int, url: str) -> None:
    if status != 200:
        raise LookupError(f"{url} answered {status}, not 200: is the seeded caseworker usable?")


def bench_pages(samples: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    actor = busiest_caseworker()
    ids = list(access.visible_cases(actor).values_list("id", flat=True)[:5000])
    if not ids:
        raise LookupError("the busiest caseworker sees no case: run `amana seed --cases N`")
    pages = pages_for(actor, ids)
    browser = Browser(actor)
    try:
        shape = _warm_up(browser, pages, rng)
        times = _measure(browser, pages, samples, rng)
    finally:
        browser.close()
    return {
        "target": "pages",
        "database": connection.vendor,
        "cases_in_database": Case.objects.count(),
        "caseworker_cases": len(ids),
        "samples": samples,
        "method": "WSGIHandler in process, one signed-in caseworker, pages in turn",
        "load_average": _load_average(),
        "pages": {page.name: _report(page, times[page.name], shape) for page in pages},
    }


def _load_average() -> list[float] | None:
    """The machine's 1, 5 and 15 minute load averages at the end of the run (None where the
    system does not tell): the figures mean little on a machine busy with other work."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def _warm_up(browser: Browser, pages: Iterable[Page], rng: random.Random) -> dict[str, Any]:
    shape: dict[str, Any] = {}
    for page in pages:
        for _ in range(WARMUP):
            url = page.url(rng)
            status, size = browser.get(url)
            _check(status, url)
            page.data_work(rng)
        url = page.url(rng)
        shape[page.name] = {"statements": _statements(browser, url), "bytes": size}
    return shape


Samples = dict[str, dict[str, list[float]]]


def _measure(browser: Browser, pages: list[Page], samples: int, rng: random.Random) -> Samples:
    """For each page, the wall-clock time and this process's CPU time of every request and of
    every data work, one after the other, page after page, sample after sample."""
    times: Samples = {
        page.name: {"page": [], "page_cpu": [], "data": [], "data_cpu": []} for page in pages
    }
    for _ in range(samples):
        for page in pages:
            url = page.url(rng)
            measured = times[page.name]
            began, cpu = time.perf_counter(), time.process_time()
            status, _size = browser.get(url)
            measured["page"].append(time.perf_counter() - began)
            measured["page_cpu"].append(time.process_time() - cpu)
            _check(status, url)
            began, cpu = time.perf_counter(), time.process_time()
            page.data_work(rng)
            measured["data"].append(time.perf_counter() - began)
            measured["data_cpu"].append(time.process_time() - cpu)
    return times


def percentiles(seconds: list[float]) -> dict[str, float]:
    """p50, p95, p99 and the slowest of samples in seconds, in milliseconds."""
    shares = {"p50": 0.50, "p95": 0.95, "p99": 0.99, "max": 1.0}
    ordered = sorted(seconds)
    return {name: round(percentile(ordered, share) * 1000, 2) for name, share in shares.items()}


def _report(page: Page, times: dict[str, list[float]], shape: dict[str, Any]) -> dict[str, Any]:
    served, data = percentiles(times["page"]), percentiles(times["data"])
    return {
        "server_ms": served,
        "data_work_ms": data,
        "ratio_p95": round(served["p95"] / max(data["p95"], 0.01), 2),
        "ratio_p50": round(served["p50"] / max(data["p50"], 0.01), 2),
        "server_cpu_ms": percentiles(times["page_cpu"]),
        "data_work_cpu_ms": percentiles(times["data_cpu"]),
        "statements_per_request": shape[page.name]["statements"],
        "page_bytes": shape[page.name]["bytes"],
        "data_work": page.data_work_is,
    }

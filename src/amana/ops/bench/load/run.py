"""The load run itself, inside `amana bench load` once the scale-out is up (Django side).

Seed when the primary has no case yet, prepare the accounts and referrals (`plan.py`), count
what is stored, run locust against the proxy, kill one app process with -9 part-way through
(its supervisor starts it again), then seal and verify the audit chain, count again and put
the figures together (`figures.py`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection

from amana.audit.models import AuditEntry
from amana.audit.verify import verify_log
from amana.caseforms.models import FormRecord
from amana.cases.models import Case
from amana.ops.bench.load import figures
from amana.ops.bench.load.cpu import CpuMeter
from amana.ops.bench.load.plan import caseload_for, make_plan
from amana.ops.scaleout.layout import Layout, clean_environ
from amana.ops.seed import run_seed
from amana.referrals.models import Referral

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
KILLED = "app1"
DATABASES = ("primary", "replica")


@dataclass(frozen=True)
class LoadOptions:
    users: int = 200
    duration: int = 300  # seconds, ramp-up included
    ramp: int = 120  # seconds over which the users start (and log in)
    kill_at: int | None = None  # seconds after the start; default: half-way after the ramp
    kill: bool = True
    cases: int = 50_000  # seeded when the primary has none
    seed: int = 7

    @property
    def kill_second(self) -> int:
        if self.kill_at is not None:
            return self.kill_at
        return self.ramp + (self.duration - self.ramp) // 2


def counts() -> dict[str, int]:
    return {
        "cases": Case.objects.count(),
        "referrals": Referral.objects.count(),
        "form_records": FormRecord.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
    }


def login_hash_ms() -> float:
    """The CPU time of one password hash with the configured (production) hasher."""
    began = time.process_time()
    make_password("a password of ordinary length")
    return (time.process_time() - began) * 1000


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


def _postmaster(layout: Layout, name: str) -> int | None:
    try:
        return int((layout.pg / name / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class Watcher(threading.Thread):
    """Kills the first app process at `at` (epoch seconds) and times its return; samples the
    load average and the CPU time of the app processes and databases meanwhile."""

    def __init__(self, layout: Layout, state: dict[str, Any], at: float | None, until: float):
        super().__init__(daemon=True)
        self.layout, self.at, self.until = layout, at, until
        self.port = state["app_ports"][0]
        self.programs = list(state["programs"])
        self.killed_at: float | None = None
        self.killed_pid: int | None = None
        self.back_after: float | None = None
        self.load: list[float] = []
        self.cpu = CpuMeter()

    def _sample_cpu(self) -> None:
        groups = {name: self.layout.pid_of(name) for name in self.programs}
        groups |= {name: _postmaster(self.layout, name) for name in DATABASES}
        self.cpu.sample(groups, with_children=set(DATABASES))

    def run(self) -> None:
        while time.time() < self.until:
            self.load.append(os.getloadavg()[0])
            self._sample_cpu()
            if self.at is not None and self.killed_at is None and time.time() >= self.at:
                self._kill()
            time.sleep(1.0)
        self._sample_cpu()

    def _kill(self) -> None:
        self.killed_pid = self.layout.pid_of(KILLED)
        if self.killed_pid is None:
            return
        os.kill(self.killed_pid, signal.SIGKILL)
        self.killed_at = time.time()
        while time.time() < self.killed_at + 60:
            if self.layout.pid_of(KILLED) != self.killed_pid and _healthy(self.port):
                self.back_after = round(time.time() - self.killed_at, 2)
                return
            time.sleep(0.1)
            self._sample_cpu()


def _run_locust(layout: Layout, state: dict[str, Any], options: LoadOptions, plan: Path) -> Path:
    records = layout.root / "load" / "records.jsonl"
    records.unlink(missing_ok=True)
    rate = max(0.1, options.users / max(1, options.ramp))
    env = {**clean_environ(), "AMANA_LOAD_PLAN": str(plan), "AMANA_LOAD_RECORDS": str(records)}
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"]
    command += ["-u", str(options.users), "-r", f"{rate:.3f}", "-t", f"{options.duration}s"]
    command += ["--host", f"http://127.0.0.1:{state['proxy_port']}", "--stop-timeout", "30"]
    command += ["--only-summary", "--loglevel", "WARNING"]
    with (layout.logs / "locust.log").open("ab") as log:
        subprocess.run(  # noqa: S603 - our own argv
            command,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
            timeout=options.duration + 180,
        )
    return records


def _seed(options: LoadOptions, say: Callable[[str], None]) -> dict[str, Any]:
    existing = Case.objects.count()
    if existing:
        return {"cases": existing, "seeded_now": False}
    caseload = caseload_for(options.cases, options.users)
    result = run_seed(cases=options.cases, seed=options.seed, caseload=caseload, report=say)
    return {
        "cases": result.cases,
        "rows": result.rows,
        "seeded_now": True,
        "caseload": caseload,
        "seconds": round(result.seconds, 1),
    }


def bench_load(options: LoadOptions, say: Callable[[str], None]) -> dict[str, Any]:
    root = os.environ.get("AMANA_SCALEOUT_DIR", "")
    layout = Layout(Path(root)) if root else None
    state = layout.read_state() if layout else None
    if layout is None or state is None or connection.vendor != "postgresql":
        raise LookupError("bench load runs on the scale-out: use `amana bench load`")
    (layout.root / "load").mkdir(exist_ok=True)
    seeded = _seed(options, say)
    say("preparing accounts, consent and referrals")
    plan = make_plan(options.users, options.seed)
    plan_file = layout.root / "load" / "plan.json"
    plan_file.write_text(json.dumps(plan.as_json()))
    plan_file.chmod(0o600)
    before = counts()
    began = time.time()
    kill_at = began + options.kill_second if options.kill else None
    killer = Watcher(layout, state, kill_at, began + options.duration)
    killer.start()
    say(f"locust: {options.users} users for {options.duration} s, ramp {options.ramp} s")
    records_file = _run_locust(layout, state, options, plan_file)
    ended = time.time()
    killer.join(timeout=70)
    say("sealing and verifying the audit chain")
    verified = verify_log()
    after = counts()
    return _result(
        layout, state, options, seeded, (began, ended), killer, records_file, before, after
    ) | {"audit_verify": {"intact": verified.intact, "report": verified.describe()}}


def _result(  # noqa: PLR0917 - one call, every part of the run
    layout: Layout,
    state: dict[str, Any],
    options: LoadOptions,
    seeded: dict[str, Any],
    window: tuple[float, float],
    killer: Watcher,
    records_file: Path,
    before: dict[str, int],
    after: dict[str, int],
) -> dict[str, Any]:
    began, ended = window
    seconds = ended - began
    records = figures.read_records(records_file)
    requests = figures.request_figures(records, killer.killed_at, seconds)
    posts_at_kill = sum(
        1
        for r in records.requests
        if not r["ok"] and r["method"] == "POST" and figures.in_flight(r, killer.killed_at)
    )
    names = {f"127.0.0.1:{port}": f"app{n}" for n, port in enumerate(state["app_ports"], 1)}
    rows = figures.read_access_log(layout.access_log, began, ended)
    writes = figures.write_check(records, before, after, posts_at_kill)
    form_ids = [item["id"] for item in records.writes if item["write"] == "form"]
    stored = set(
        str(pk) for pk in FormRecord.objects.filter(pk__in=form_ids).values_list("pk", flat=True)
    )
    writes["form_records"]["confirmed_ids_missing"] = len(set(form_ids) - stored)
    load = killer.load or [0.0]
    per_process = figures.process_figures(rows, names, seconds)
    return {
        "target": "load",
        "database": seeded,
        "users": options.users,
        "logged_in": len(records.logins),
        "duration_s": round(seconds, 1),
        "ramp_s": options.ramp,
        "pause_s": "2-8",
        "app_processes": len(state["app_ports"]),
        "threads_per_process": int(state["programs"]["app1"][-1]),
        "worker": state.get("worker", False),
        "env": "AMANA_ENV=demo (HTTP on loopback, production PBKDF2 hasher, no second factor)",
        **requests,
        "per_process": per_process,
        "cpu": figures.cpu_figures(
            killer.cpu.seconds(),
            per_process,
            seconds,
            logins=sum(1 for r in records.requests if r["name"] == "login"),
            login_hash_ms=login_hash_ms(),
        ),
        "kill": {
            "process": KILLED,
            "pid": killer.killed_pid,
            "at_s": round(killer.killed_at - began, 1) if killer.killed_at else None,
            "back_after_s": killer.back_after,
        },
        "referrals_refused_by_protocol": len(records.refused),
        "writes": writes,
        "load_average_1min": {
            "mean": round(sum(load) / len(load), 2),
            "max": round(max(load), 2),
            "cpus": os.cpu_count(),
        },
    }

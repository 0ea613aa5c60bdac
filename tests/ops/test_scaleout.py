"""`amana scaleout start|status|stop` as an operator runs it: a primary and a streaming
replica, two app processes behind nginx, a log-in and a page through the proxy, both app
processes writing audit entries that then verify as one chain, and a stop that leaves no
process and no directory behind. The smoke test of the layout, not the load run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from amana.ops.scaleout.layout import Layout, clean_environ, worker_available
from amana.ops.scaleout.postgres import ScaleOutError, pg_bindir, pid_alive

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
PASSWORD = "loopback-smoke-test-password"
MAKE_USER = f"""
from amana.accounts.models import Agency, RoleGrant, User
agency = Agency.objects.create(slug="smoke", name="Smoke", kind="international_ngo")
user = User.objects.create_user(username="smoke.cw", agency=agency, password={PASSWORD!r})
RoleGrant.objects.create(user=user, role="caseworker")
"""


def amana(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "amana.cli", *args],
        env={**clean_environ(), **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
    )


@pytest.fixture
def scaleout() -> Iterator[Path]:
    try:
        pg_bindir()
    except ScaleOutError as exc:
        pytest.skip(f"no PostgreSQL server binaries for a primary and replica: {exc}")
    root = Path(tempfile.mkdtemp(prefix="amana-so-", dir="/tmp"))  # postgres must reach it
    started = amana("scaleout", "start", "--dir", str(root))
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield root
    finally:
        if root.exists():
            amana("scaleout", "stop", "--dir", str(root))


def _login(base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    reply = session.post(
        f"{base}accounts/login/",
        data={"csrfmiddlewaretoken": token.group(1), "username": "smoke.cw", "password": PASSWORD},
        timeout=30,
    )
    assert reply.status_code == 200 and reply.url == base, (reply.status_code, reply.url)
    return session


def test_scaleout_serves_through_the_proxy_and_stops_cleanly(scaleout):
    state = json.loads(amana("scaleout", "status", "--dir", str(scaleout)).stdout)
    assert state["running"] and state["proxy_healthy"]
    assert [row["state"] for row in state["replication"]] == ["streaming"]
    assert all(program["alive"] for program in state["programs"].values())
    assert {"app1", "app2"} <= set(state["programs"])
    assert state["worker"] == worker_available() == ("worker" in state["programs"])
    env = state["env"]
    made = amana("manage", "shell", "-c", MAKE_USER, env=env)
    assert made.returncode == 0, made.stderr

    base = state["proxy"]
    for _attempt in range(3):  # each log-in writes an audit entry, round robin over both
        session = _login(base)
        assert session.get(f"{base}cases/", timeout=30).status_code == 200
    answered = {line.split("|")[1] for line in (scaleout / "logs" / "access.log").open()}
    assert len(answered) == 2, answered  # both app processes served and wrote

    verified = amana("audit", "verify", env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr

    pids = [program["pid"] for program in state["programs"].values()]
    pids += [Layout(scaleout).pid_of("supervisor") or 0]
    pids += [int((scaleout / "nginx" / "nginx.pid").read_text())]
    for server in ("primary", "replica"):
        pids += [int((scaleout / "pg" / server / "postmaster.pid").read_text().split()[0])]
    stopped = amana("scaleout", "stop", "--dir", str(scaleout))
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert not scaleout.exists()
    assert [pid for pid in pids if pid_alive(pid)] == []


def test_status_of_nothing_says_not_running(tmp_path):
    state = json.loads(amana("scaleout", "status", "--dir", str(tmp_path / "none")).stdout)
    assert state == {"running": False, "dir": str(tmp_path / "none")}


def test_bad_arguments_exit_2_with_one_line():
    done = amana("scaleout", "start", "--apps", "0", "--dir", "/nonexistent/x")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "--apps" in done.stderr
    assert os.path.exists("/nonexistent/x") is False

"""The README's demo command, run for real: a usable web app on localhost, then a clean stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"demo exited early with {process.returncode}")
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError("demo did not start in time")


def test_demo_command_serves_login_and_health_then_stops_cleanly(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMANA_", "DATABASE_URL"))}
    env |= {"AMANA_VAR_DIR": str(tmp_path / "var"), "AMANA_PORT": str(port)}
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["./dev", "demo"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            _wait_until_up(f"http://127.0.0.1:{port}/health", process, seconds=240)
            status, body = _get(f"http://127.0.0.1:{port}/health")
            assert status == 200 and b'"database": "ok"' in body
            status, body = _get(f"http://127.0.0.1:{port}/accounts/login/")
            assert status == 200 and b"csrfmiddlewaretoken" in body
            status, _ = _get(f"http://127.0.0.1:{port}/accounts/users/")
            assert status == 200  # followed the redirect to the login page
        finally:
            process.send_signal(signal.SIGTERM)
            returncode = process.wait(timeout=30)
    output = log.read_text()
    assert returncode == 0, output
    assert "amira.cw" in output and "Amana stopped." in output
    assert (tmp_path / "var" / "amana.sqlite3").exists()

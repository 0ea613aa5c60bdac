"""Production mode, run as an operator would: `amana manage check --deploy`, clear one-line
failures for missing or malformed settings, and `amana serve` (waitress) behind a TLS proxy:
no redirect loop from the trusted proxy, https demanded from anyone else, static files
collected and served without an operator step."""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.slow
AMANA = Path(sys.executable).with_name("amana")
REQUIRED = (
    "SECRET_KEY",
    "AMANA_FIELD_KEYS",
    "AMANA_BLIND_INDEX_KEY",
    "AMANA_AUDIT_KEY",
    "AMANA_CHECKPOINT_SIGNING_KEY",
    "ALLOWED_HOSTS",
)


def _key(nbytes: int = 32) -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(nbytes)).decode()


@pytest.fixture
def production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "AMANA_ENV": "production",
        "AMANA_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "AMANA_FIELD_KEYS": f"k2:{_key()},k1:{_key()}",
        "AMANA_BLIND_INDEX_KEY": _key(),
        "AMANA_AUDIT_KEY": _key(),
        "AMANA_CHECKPOINT_SIGNING_KEY": _key(),
        "ALLOWED_HOSTS": "amana.example.org",
    }


def _amana(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(AMANA), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_passes_in_production(production_env):
    result = _amana(production_env, "manage", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_on_a_debug_production(production_env):
    """The check has teeth: the same command flags DEBUG left on."""
    production_env["AMANA_DEBUG"] = "true"
    result = _amana(production_env, "manage", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0 and "security.W018" in result.stderr + result.stdout


def _assert_one_line_failure(result: subprocess.CompletedProcess[str], setting: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr
    assert setting in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize("setting", REQUIRED)
def test_missing_production_setting_stops_migrate_with_one_line(production_env, setting):
    del production_env[setting]
    result = _amana(production_env, "migrate")
    _assert_one_line_failure(result, setting)
    assert not (Path(production_env["AMANA_VAR_DIR"]) / "amana.sqlite3").exists()


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("AMANA_FIELD_KEYS", "not-a-key"),
        ("AMANA_FIELD_KEYS", "k1:***not-base64***"),
        ("AMANA_FIELD_KEYS", f"k1:{_key(16)}"),
        ("AMANA_FIELD_KEYS", f"k1:{_key()},k1:{_key()}"),
        ("AMANA_BLIND_INDEX_KEY", "short"),
        ("SECRET_KEY", "too-short-for-production"),
    ],
)
def test_malformed_production_setting_stops_migrate_with_one_line(production_env, setting, value):
    production_env[setting] = value
    _assert_one_line_failure(_amana(production_env, "migrate"), setting)


def test_check_deploy_passes_behind_a_trusted_proxy(production_env):
    production_env["AMANA_TRUSTED_PROXY"] = "10.0.0.5"
    production_env["CSRF_TRUSTED_ORIGINS"] = "https://amana.example.org"
    result = _amana(production_env, "manage", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_two_factor_cannot_be_turned_off_in_production(production_env):
    production_env["AMANA_REQUIRE_2FA"] = "false"
    _assert_one_line_failure(_amana(production_env, "migrate"), "AMANA_REQUIRE_2FA")


# --- `amana serve` in production mode, behind a (fake) TLS proxy on loopback ----------------

HOST = "amana.example.org"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _serving(env: dict[str, str]) -> Iterator[int]:
    port = _free_port()
    process = subprocess.Popen(
        [str(AMANA), "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"amana serve exited: {process.stdout.read()}")  # type: ignore[union-attr]
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.2)
        else:
            raise AssertionError("amana serve did not start listening")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _get(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": HOST, **headers})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def served_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A production environment with a migrated SQLite database (no collectstatic run)."""
    home = tmp_path_factory.mktemp("served")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "AMANA_ENV": "production",
        "AMANA_VAR_DIR": str(home / "var"),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "AMANA_FIELD_KEYS": f"k1:{_key()}",
        "AMANA_BLIND_INDEX_KEY": _key(),
        "AMANA_AUDIT_KEY": _key(),
        "AMANA_CHECKPOINT_SIGNING_KEY": _key(),
        "ALLOWED_HOSTS": HOST,
    }
    migrated = _amana(env, "migrate")
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert not (home / "var" / "static" / "staticfiles.json").exists()
    return env


def test_serve_behind_the_trusted_proxy_answers_without_a_redirect_loop(served_env):
    env = {**served_env, "AMANA_TRUSTED_PROXY": "127.0.0.1"}
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    with _serving(env) as port:
        status, headers, body = _get(port, "/", proxy)
        assert status == 302, (status, headers)
        assert headers["location"].startswith("/accounts/login/"), headers
        status, headers, body = _get(port, "/accounts/login/", proxy)
        assert status == 200, body[:500]
        assert headers["strict-transport-security"].startswith("max-age=")
        # The page names hashed static files, collected by `amana serve` itself…
        stylesheets = re.findall(rb'href="(/static/[^"]+\.css)"', body)
        assert stylesheets and all(re.search(rb"\.[0-9a-f]{12}\.css$", s) for s in stylesheets)
        # …and they are served.
        status, headers, css = _get(port, stylesheets[0].decode(), proxy)
        assert status == 200 and css and headers["content-type"].startswith("text/css")
    assert (Path(served_env["AMANA_VAR_DIR"]) / "static" / "staticfiles.json").exists()


def test_serve_without_a_trusted_proxy_ignores_the_forwarded_proto(served_env):
    """The untrusted twin: the same header from a peer nobody trusts changes nothing."""
    with _serving(served_env) as port:
        status, headers, _body = _get(port, "/accounts/login/", {"X-Forwarded-Proto": "https"})
    assert status == 301
    assert headers["location"] == f"https://{HOST}/accounts/login/"


def test_serve_trusts_only_the_configured_proxy(served_env):
    """Configured proxy elsewhere: loopback's X-Forwarded-Proto is dropped, so https is
    demanded again (waitress clears the untrusted header before Django sees it)."""
    env = {**served_env, "AMANA_TRUSTED_PROXY": "10.0.0.5"}
    with _serving(env) as port:
        status, headers, _body = _get(port, "/accounts/login/", {"X-Forwarded-Proto": "https"})
    assert status == 301 and headers["location"].startswith("https://")


def _post_login(port: int, username: str, headers: dict[str, str]) -> int:
    """A failed log-in through the proxy, with the CSRF token and cookie a browser would send."""
    status, got, body = _get(port, "/accounts/login/", headers)
    assert status == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    cookie = got["set-cookie"].split(";")[0]
    assert token and cookie.startswith("csrftoken=")
    form = urlencode(
        {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": "x"}
    )
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Host": HOST,
                "Cookie": cookie,
                "Origin": f"https://{HOST}",
                "Referer": f"https://{HOST}/accounts/login/",
                "Content-Type": "application/x-www-form-urlencoded",
                **headers,
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_the_trusted_proxys_client_address_is_the_one_throttled(served_env):
    """From the trusted proxy, X-Forwarded-For is the client: one client's flood of failed
    log-ins slows that client, not the proxy's other clients."""
    env = {**served_env, "AMANA_TRUSTED_PROXY": "127.0.0.1"}
    flooder = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
    neighbour = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.8"}
    with _serving(env) as port:
        assert [_post_login(port, f"nobody-{n}", flooder) for n in range(20)] == [200] * 20
        assert _post_login(port, "nobody-else", flooder) == 429
        assert _post_login(port, "nobody-else", neighbour) == 200

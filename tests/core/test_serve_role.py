"""`amana serve` in production refuses a database role that owns tables (exit 2, one line), and
starts with the app role; `amana manage check --deploy` says the same. Run as an operator would,
against this test's database."""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.dbroles import needs_two_roles, postgresql_urls

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    needs_two_roles(),
    pytest.mark.django_db(transaction=True),  # the subprocess sees committed rows only
]
AMANA = Path(sys.executable).with_name("amana")


def _key(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).decode()


def production_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    """Production settings on this test's database, connecting with `database_url` only."""
    active = settings.AMANA_ACTIVE_FIELD_KEY
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "AMANA_ENV": "production",
        "AMANA_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "AMANA_FIELD_KEYS": f"{active}:{_key(settings.AMANA_FIELD_KEYS[active])}",
        "AMANA_BLIND_INDEX_KEY": _key(settings.AMANA_BLIND_INDEX_KEY),
        "AMANA_AUDIT_KEY": _key(settings.AMANA_AUDIT_KEY),
        "AMANA_CHECKPOINT_SIGNING_KEY": _key(os.urandom(32)),
        "ALLOWED_HOSTS": "amana.example.org",
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    command = [str(AMANA), "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "1"]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def listening(process: subprocess.Popen[str], port: int, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return True
        time.sleep(0.2)
    return False


def test_serve_refuses_to_start_as_the_owner_role(tmp_path: Path) -> None:
    owner_url = postgresql_urls()["AMANA_MIGRATE_DATABASE_URL"]
    process = serve(production_env(tmp_path, owner_url), _free_port())
    out, err = process.communicate(timeout=120)

    assert process.returncode == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("amana serve: the database role amana_owner owns ")
    assert "AMANA_MIGRATE_DATABASE_URL" in lines[0]


def test_serve_starts_as_the_app_role(tmp_path: Path) -> None:
    port = _free_port()
    process = serve(production_env(tmp_path, postgresql_urls()["DATABASE_URL"]), port)
    try:
        assert listening(process, port), process.communicate(timeout=5)
    finally:
        process.terminate()
        process.wait(timeout=30)


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(AMANA), "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_flags_the_owner_role_and_passes_the_app_role(tmp_path: Path) -> None:
    urls = postgresql_urls()
    as_owner = check_deploy(production_env(tmp_path, urls["AMANA_MIGRATE_DATABASE_URL"]))
    as_app = check_deploy(production_env(tmp_path, urls["DATABASE_URL"]))

    assert as_owner.returncode != 0
    assert "amana.E001" in as_owner.stderr and "amana_owner owns" in as_owner.stderr
    assert as_app.returncode == 0, as_app.stdout + as_app.stderr
    assert "System check identified no issues" in as_app.stdout

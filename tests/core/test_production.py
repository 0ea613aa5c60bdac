"""Production mode, run as an operator would: `amana manage check --deploy`, and clear
one-line failures for missing or malformed settings."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

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

"""The `amana` CLI picks the database role per command: the owner for the commands that change
the schema or rewrite stored data, the app role for everything else."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from amana.cli import _runs_as_owner

AMANA = Path(sys.executable).with_name("amana")


@pytest.mark.parametrize(
    "argv", [["migrate"], ["migrate", "--noinput"], ["keys", "rotate"], ["restore", "f"], ["flush"]]
)
def test_schema_and_rewriting_commands_run_as_the_owner(argv: list[str]) -> None:
    assert _runs_as_owner(argv)


@pytest.mark.parametrize(
    "argv",
    [[], ["serve"], ["keys", "status"], ["keys"], ["backup", "f"], ["audit", "seal"], ["demo"]],
)
def test_every_other_command_runs_as_the_app_role(argv: list[str]) -> None:
    assert not _runs_as_owner(argv)


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _production(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "AMANA_ENV": "production",
        "AMANA_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "s" * 64,
        "AMANA_FIELD_KEYS": f"k1:{_key()}",
        "AMANA_BLIND_INDEX_KEY": _key(),
        "AMANA_AUDIT_KEY": _key(),
        "AMANA_CHECKPOINT_SIGNING_KEY": _key(),
        "ALLOWED_HOSTS": "amana.example.org",
        # Nothing listens there: the configuration must fail before any connection.
        "DATABASE_URL": "postgresql://amana:pw@127.0.0.1:9/amana",
    }


@pytest.mark.slow
@pytest.mark.parametrize("argv", [["migrate"], ["keys", "rotate"], ["restore", "backup.dump"]])
def test_owner_commands_in_production_need_the_owner_url(tmp_path: Path, argv: list[str]) -> None:
    done = subprocess.run(
        [str(AMANA), *argv],
        env=_production(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("amana: AMANA_MIGRATE_DATABASE_URL: required when")
    assert len(done.stderr.strip().splitlines()) == 1

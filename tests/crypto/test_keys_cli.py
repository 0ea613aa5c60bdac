"""`amana keys rotate` as an operator runs it: a separate process, its own settings."""

from __future__ import annotations

import base64
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.crypto.conftest import K0, K1, K2, field_keys
from tests.dbroles import postgresql_urls, without_owner_url
from tests.factories import UserFactory


def amana_command() -> list[str]:
    script = Path(sys.executable).with_name("amana")
    return [str(script)] if script.exists() else [sys.executable, "-m", "amana.cli"]


def database_env_for_subprocess(tmp_path: Path) -> dict[str, str]:
    """Database URLs another process can open and find this test's committed rows with."""
    if connection.vendor == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)
        return {"DATABASE_URL": f"sqlite:///{copy}"}
    return postgresql_urls()


def encode(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode()


def operator_env(tmp_path: Path, field_keys_setting: str) -> dict[str, str]:
    return {
        **without_owner_url(dict(os.environ)),
        "AMANA_ENV": "test",
        "AMANA_VAR_DIR": str(tmp_path / "var"),
        **database_env_for_subprocess(tmp_path),
        "AMANA_FIELD_KEYS": field_keys_setting,
        "AMANA_BLIND_INDEX_KEY": encode(settings.AMANA_BLIND_INDEX_KEY),
    }


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_rotate_names_the_row_it_cannot_read_in_one_line_and_exits_2(tmp_path: Path) -> None:
    with field_keys(("k0", K0)):
        stranded = UserFactory(id=uuid.UUID(int=7), full_name="Chol Deng", phone="")
    env = operator_env(tmp_path, f"k2:{encode(K2)},k1:{encode(K1)}")
    result = subprocess.run(
        [*amana_command(), "keys", "rotate"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "accounts.User.full_name" in line
    assert f"row {stranded.pk}" in line
    assert "no key with id 'k0'" in line
    assert "Chol" not in result.stderr + result.stdout

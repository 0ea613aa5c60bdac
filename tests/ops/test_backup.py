"""`amana backup` / `amana restore` as an operator runs them.

The PostgreSQL drill: a case registered and edited through the actions is backed up, restored
into a new empty database, and there the audit chain verifies and the child's name decrypts.
A restore into a database that already has tables is refused and changes nothing. SQLite (the
demo) gets the same refusal, checked on files.
"""

from __future__ import annotations

import base64
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from amana.accounts.roles import Role
from amana.cases.actions import do_update_case
from amana.ops.backup import BackupError, backup, restore
from tests.cases.helpers import register
from tests.dbroles import as_owner, postgresql_urls
from tests.factories import AgencyFactory, UserFactory

CHILD = "Nyakuoth Gatkuoth Deng"


def amana(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("amana")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "amana.cli"]
    return subprocess.run(
        [*command, *args], env=env, capture_output=True, text=True, check=False, timeout=300
    )


def _key(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).decode()


def operator_env(database: str) -> dict[str, str]:
    """This test's keys and var folder, with the database URLs (the app role's and, with two
    roles, the owner's) naming `database` on the test server."""
    field_keys = ",".join(f"{key_id}:{_key(key)}" for key_id, key in _ordered_field_keys())
    return {
        **os.environ,
        "AMANA_ENV": "test",
        # Anything the audit check keeps outside the database lives here: share it.
        "AMANA_VAR_DIR": str(settings.VAR_DIR),
        **postgresql_urls(database),
        "AMANA_FIELD_KEYS": field_keys,
        "AMANA_BLIND_INDEX_KEY": _key(settings.AMANA_BLIND_INDEX_KEY),
        "SECRET_KEY": settings.SECRET_KEY,
    }


def _ordered_field_keys() -> list[tuple[str, bytes]]:
    active = settings.AMANA_ACTIVE_FIELD_KEY
    keys = dict(settings.AMANA_FIELD_KEYS)
    return [(active, keys.pop(active)), *keys.items()]


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the restore drill runs on PostgreSQL")


@pytest.fixture
def scratch_database(postgresql: None, transactional_db: None) -> Iterator[str]:
    """A new, empty database, created (and dropped afterwards) by the owner role as an operator
    would; with one role, by that role."""
    name = f"amana_restore_{uuid.uuid4().hex[:12]}"
    with as_owner(), connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with as_owner(), connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def recorded_case() -> str:
    """A case registered and edited through the actions; returns its case number."""
    caseworker = UserFactory(
        roles=[Role.CASEWORKER], agency=AgencyFactory(slug="ngo-drill", case_prefix="DRL")
    )
    case = register(caseworker, name=CHILD, risk="high")
    do_update_case(
        case=case, changes={"risk_level": "low"}, expected_version=case.version, actor=caseworker
    )
    return case.case_number


def read_back(case_number: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "from amana.cases.models import Case; "
        f"case = Case.objects.select_related('child').get(case_number={case_number!r}); "
        "print(case.child.full_name, case.risk_level, sep='|')"
    )
    return amana("manage", "shell", "-v", "0", "-c", code, env=env)


@pytest.mark.slow
@pytest.mark.postgres
def test_backup_then_restore_into_an_empty_database_round_trips(
    scratch_database: str, recorded_case: str, tmp_path: Path
) -> None:
    live = operator_env(connection.settings_dict["NAME"])
    restored = operator_env(scratch_database)
    dump = tmp_path / "amana.dump"

    verified = amana("audit", "verify", env=live)
    assert verified.returncode == 0, verified.stderr
    backed_up = amana("backup", str(dump), env=live)
    assert backed_up.returncode == 0, backed_up.stderr
    assert "keys are not in the backup" in backed_up.stdout
    assert dump.stat().st_size > 0

    restore = amana("restore", str(dump), env=restored)
    assert restore.returncode == 0, restore.stderr
    assert "keys are not in the backup" in restore.stdout

    # The same sealed chain, head and all, verifies in the restored database.
    reverified = amana("audit", "verify", "--no-seal", env=restored)
    assert reverified.returncode == 0, reverified.stdout + reverified.stderr
    assert reverified.stdout == verified.stdout
    assert "audit log intact" in reverified.stdout
    case = read_back(recorded_case, restored)
    assert (case.returncode, case.stdout.strip()) == (0, f"{CHILD}|low"), case.stderr


@pytest.mark.slow
@pytest.mark.postgres
def test_restore_into_a_database_that_has_tables_is_refused_and_changes_nothing(
    scratch_database: str, recorded_case: str, tmp_path: Path
) -> None:
    live = operator_env(connection.settings_dict["NAME"])
    dump = tmp_path / "amana.dump"
    assert amana("backup", str(dump), env=live).returncode == 0
    restored = operator_env(scratch_database)
    assert amana("restore", str(dump), env=restored).returncode == 0
    before = read_back(recorded_case, restored).stdout

    again = amana("restore", str(dump), env=restored)
    onto_live = amana("restore", str(dump), env=live)

    for refused in (again, onto_live):
        assert refused.returncode == 2
        assert refused.stdout == ""
        assert len(refused.stderr.strip().splitlines()) == 1
        assert "refusing to restore" in refused.stderr
        assert "django_migrations" in refused.stderr
        assert "Traceback" not in refused.stderr
    assert read_back(recorded_case, restored).stdout == before == f"{CHILD}|low\n"


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.usefixtures("postgresql", "transactional_db")
def test_operator_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    live = operator_env(connection.settings_dict["NAME"])
    not_a_dump = tmp_path / "garbage.dump"
    not_a_dump.write_text("this is no pg_dump archive\n")
    existing = tmp_path / "exists.dump"
    existing.write_text("keep me\n")
    no_pg_dump = {**live, "AMANA_PG_BINDIR": str(tmp_path)}

    cases = {
        "missing file": amana("restore", str(tmp_path / "missing.dump"), env=live),
        "unreadable dump": amana("restore", str(not_a_dump), env=live),
        "existing target": amana("backup", str(existing), env=live),
        "no pg_dump": amana("backup", str(tmp_path / "new.dump"), env=no_pg_dump),
    }

    for what, result in cases.items():
        assert result.returncode == 2, what
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, (what, result.stderr)
    assert "no such file" in cases["missing file"].stderr
    assert "reading" in cases["unreadable dump"].stderr
    assert "already exists" in cases["existing target"].stderr
    assert "no pg_dump" in cases["no pg_dump"].stderr
    assert existing.read_text() == "keep me\n"
    assert not (tmp_path / "new.dump").exists()


def _sqlite_with_a_row(path: Path) -> None:
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO django_migrations (name) VALUES ('0001_initial')")


def test_sqlite_backup_restores_into_a_new_file_and_never_over_one_with_tables(
    tmp_path: Path,
) -> None:
    live, copy, restored = tmp_path / "live.sqlite3", tmp_path / "b.sqlite3", tmp_path / "r.db"
    _sqlite_with_a_row(live)
    sqlite_settings = {"ENGINE": "django.db.backends.sqlite3"}

    backup({**sqlite_settings, "NAME": str(live)}, copy)
    with pytest.raises(BackupError, match="already exists"):
        backup({**sqlite_settings, "NAME": str(live)}, copy)
    restore({**sqlite_settings, "NAME": str(restored)}, copy, list)
    with pytest.raises(BackupError, match=r"refusing to restore .* django_migrations"):
        restore({**sqlite_settings, "NAME": str(live)}, copy, list)

    with closing(sqlite3.connect(restored)) as db:
        assert db.execute("SELECT name FROM django_migrations").fetchall() == [("0001_initial",)]
    assert not list(tmp_path.glob(".*.partial"))

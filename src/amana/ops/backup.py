"""`amana backup FILE` / `amana restore FILE`: the database, and nothing else.

PostgreSQL: `pg_dump --format=custom` out, `pg_restore --single-transaction` in. SQLite (the
demo): an online copy with the sqlite3 backup API. A restore goes into an empty database only;
a database that already has tables is refused and left untouched.

Keys are not in a backup: the field-encryption keys, the blind-index key and the secret key come
from the environment or the key folder, so a backup is only as readable as the keys kept apart
from it.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

KEYS_NOTICE = (
    "keys are not in the backup: AMANA_FIELD_KEYS, AMANA_BLIND_INDEX_KEY and SECRET_KEY come "
    "from the environment or the key folder; keep them apart from the backup, which reads "
    "nothing without them"
)
PG_CLUSTER_BINDIRS = Path("/usr/lib/postgresql")


class BackupError(Exception):
    """One line for the operator; the command exits 2."""


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or ["(no message)"])[0]


# PostgreSQL ------------------------------------------------------------------------------


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name))


def find_pg_tool(name: str, environ: Mapping[str, str] | None = None) -> str:
    """AMANA_PG_BINDIR, else PATH, else the newest /usr/lib/postgresql/*/bin."""
    env = os.environ if environ is None else environ
    bindir = env.get("AMANA_PG_BINDIR", "").strip()
    if bindir:
        candidate = Path(bindir) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        raise BackupError(f"AMANA_PG_BINDIR: no {name} in {bindir}")
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(
        (path for path in PG_CLUSTER_BINDIRS.glob(f"*/bin/{name}") if os.access(path, os.X_OK)),
        key=lambda path: _version_key(path.parent),
    )
    if installed:
        return str(installed[-1])
    raise BackupError(
        f"{name} not found: install the PostgreSQL client tools or set AMANA_PG_BINDIR"
    )


def _pg_connection(settings: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore; the password goes in the environment only."""
    options: list[str] = []
    if settings.get("HOST"):
        options += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        options += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        options += ["--username", str(settings["USER"])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return options, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        # The command is the PostgreSQL tool and fixed options; the operator's own settings.
        result = subprocess.run(  # noqa: S603
            command, env=env, capture_output=True, text=True, check=False
        )
    except OSError as exc:
        raise BackupError(f"cannot run {command[0]}: {exc.strerror or exc}") from None
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {_first_line(result.stderr)}")


def pg_backup(settings: Mapping[str, Any], target: Path) -> None:
    pg_dump = find_pg_tool("pg_dump")
    options, env = _pg_connection(settings)
    command = [
        pg_dump,
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        *options,
        "--file",
        str(target),
        "--dbname",
        str(settings["NAME"]),
    ]
    _run(command, env, "pg_dump")


def pg_restore(
    settings: Mapping[str, Any], source: Path, existing_tables: Callable[[], list[str]]
) -> None:
    pg_restore_bin = find_pg_tool("pg_restore")
    options, env = _pg_connection(settings)
    # Read the archive's table of contents first: a file that is no dump fails here, cleanly.
    _run([pg_restore_bin, "--list", str(source)], env, f"reading {source}")
    tables = existing_tables()
    if tables:
        raise BackupError(_not_empty(str(settings["NAME"]), tables))
    command = [
        pg_restore_bin,
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        *options,
        "--dbname",
        str(settings["NAME"]),
        str(source),
    ]
    _run(command, env, "pg_restore")


# SQLite ----------------------------------------------------------------------------------


def _sqlite_tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [str(row[0]) for row in rows]


def _open_readonly(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        _sqlite_tables(connection)  # fails on a file that is no SQLite database
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise BackupError(f"{path}: not a readable SQLite database ({exc})") from None
    return connection


def sqlite_backup(database: Path, target: Path) -> None:
    if not database.is_file():
        raise BackupError(f"{database}: the database file does not exist")
    source = _open_readonly(database)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite backup failed: {exc}") from None
    finally:
        source.close()


def sqlite_restore(source_file: Path, database: Path) -> None:
    source = _open_readonly(source_file)
    try:
        if not _sqlite_tables(source):
            raise BackupError(f"{source_file}: the backup holds no tables")
        if database.exists():
            existing = _open_readonly(database)
            try:
                tables = _sqlite_tables(existing)
            finally:
                existing.close()
            if tables:
                raise BackupError(_not_empty(str(database), tables))
        database.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(database)
        try:
            source.backup(target)
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite restore failed: {exc}") from None
    finally:
        source.close()


def _not_empty(name: str, tables: list[str]) -> str:
    example = "django_migrations" if "django_migrations" in tables else tables[0]
    return (
        f"refusing to restore into {name}: it already has {len(tables)} tables "
        f"(e.g. {example}); restore into a new, empty database"
    )


# Both ------------------------------------------------------------------------------------


def backup(settings: Mapping[str, Any], target: Path) -> None:
    """Write the database to `target` (a new file; an existing one is never overwritten)."""
    if target.exists():
        raise BackupError(f"{target}: already exists; choose a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent}: no such directory")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if settings["ENGINE"].endswith("sqlite3"):
            sqlite_backup(Path(settings["NAME"]), partial)
        else:
            pg_backup(settings, partial)
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)


def restore(
    settings: Mapping[str, Any], source: Path, existing_tables: Callable[[], list[str]]
) -> None:
    """Load `source` into the configured database, which must have no tables.

    `existing_tables` lists the PostgreSQL target's tables; SQLite is checked on the file.
    """
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    if not os.access(source, os.R_OK):
        raise BackupError(f"{source}: not readable")
    if settings["ENGINE"].endswith("sqlite3"):
        sqlite_restore(source, Path(settings["NAME"]))
    else:
        pg_restore(settings, source, existing_tables)

"""`amana restore FILE`: a backup into the configured database, which must be empty.

It runs as the owner role (AMANA_MIGRATE_DATABASE_URL), so the restored tables are the owner's,
then grants the app role its privileges as `migrate` does (a backup holds no privileges).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection

from amana.core.db_roles import grant_app_role_as_owner
from amana.ops.backup import KEYS_NOTICE, BackupError, restore


def _existing_tables() -> list[str]:
    """The tables the target already has (PostgreSQL; SQLite is checked on the file itself)."""
    if connection.vendor == "sqlite":
        return []
    try:
        with connection.cursor() as cursor:
            return list(connection.introspection.table_names(cursor))
    except DatabaseError as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BackupError(
            f"cannot open database {connection.settings_dict['NAME']}: {message}"
        ) from None
    finally:
        connection.close()


class Command(BaseCommand):
    help = "Restore a backup made by `amana backup` into an empty database."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a file written by `amana backup`")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            restore(connection.settings_dict, file, _existing_tables)
            grant_app_role_as_owner(connection)
        except (BackupError, CommandError) as exc:
            self.stderr.write(f"amana restore: {exc}")
            raise SystemExit(2) from None
        finally:
            connection.close()
        self.stdout.write(f"restored {file} into database {connection.settings_dict['NAME']}")
        self.stdout.write(KEYS_NOTICE)

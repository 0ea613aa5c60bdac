"""`amana backup FILE`: the configured database to a new file (keys are not in it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from amana.ops.backup import KEYS_NOTICE, BackupError, backup


class Command(BaseCommand):
    help = "Back up the database to FILE (pg_dump custom format, or an SQLite copy)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup file to create (must not exist)")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            backup(connection.settings_dict, file)
        except BackupError as exc:
            self.stderr.write(f"amana backup: {exc}")
            raise SystemExit(2) from None
        self.stdout.write(f"backed up database {connection.settings_dict['NAME']} to {file}")
        self.stdout.write(KEYS_NOTICE)

"""`amana import_data lookups FILE --kind KIND` and `amana import_data locations FILE`.

Plain or HXL-tagged CSV (read by amana.refdata.imports, stored by amana.refdata.actions).
Idempotent and atomic: a bad row stores nothing, and the command exits 2 with one line on
stderr naming the row and column.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amana.refdata.actions import do_import_locations, do_import_lookups
from amana.refdata.imports import ImportFailure, read_csv_file


class OneLineParser(CommandParser):
    """Bad arguments: one line on stderr and exit 2, not a usage block."""

    def error(self, message: str) -> NoReturn:
        if not getattr(self, "called_from_command_line", False):
            raise CommandError(f"Error: {message}", returncode=2)
        sys.stderr.write(f"amana import_data: {message} (see amana import_data --help)\n")
        sys.exit(2)


class Command(BaseCommand):
    help = "Import a lookup list or the location hierarchy from CSV (plain or HXL-tagged)."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = OneLineParser  # adds no state; only error() differs
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, parser_class=OneLineParser)
        lookups = sub.add_parser(
            "lookups", help="a lookup list: columns code,label (optional active)"
        )
        lookups.add_argument("file")
        lookups.add_argument("--kind", required=True, help="the list, e.g. protection_concerns")
        locations = sub.add_parser(
            "locations",
            help="places: columns code,name,level,parent_code, or OCHA #adm1+code,#adm1+name …",
        )
        locations.add_argument("file")

    def handle(self, *args: Any, what: str, file: str, **options: Any) -> None:
        try:
            text = read_csv_file(file)
            if what == "lookups":
                result = do_import_lookups(text, kind=options["kind"], source=file, origin="cli")
            else:
                result = do_import_locations(text, source=file, origin="cli")
        except ImportFailure as exc:
            raise CommandError(f"{file}: {exc}", returncode=2) from None
        label = f"{what} ({options['kind']})" if what == "lookups" else what
        self.stdout.write(f"{label}: {result}")

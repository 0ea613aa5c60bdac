"""`amana protocol load FILE` and `amana protocol list`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amana.protocol import ContractError
from amana.protocols.actions import load_protocol_file
from amana.protocols.models import ProtocolVersion


class Command(BaseCommand):
    help = "Load a protocol document (a new version when it changed) or list stored protocols."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="validate and store a protocol file")
        load.add_argument("file")
        sub.add_parser("list", help="list stored protocols and versions")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "list":
            for version in ProtocolVersion.objects.order_by("protocol_id", "version"):
                self.stdout.write(f"{version.protocol_id}@{version.version}\t{version.title}")
            return
        try:
            version = load_protocol_file(options["file"], actor=None)
        except ContractError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(f"{version.protocol_id}@{version.version} stored ({version.title})")

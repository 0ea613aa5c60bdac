"""`amana audit verify|seal`: check the audit chain, or seal the entries waiting for it."""

from __future__ import annotations

from argparse import ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from amana.audit.sealer import seal_pending
from amana.audit.verify import Anchor, verify_log


def _anchor(text: str) -> Anchor:
    try:
        return Anchor.parse(text)
    except ValueError as exc:
        raise ArgumentTypeError(str(exc)) from exc


class Command(BaseCommand):
    help = "Verify the audit log's hash chain (exit 1 naming the first broken entry), or seal it."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="verify|seal")
        verify = commands.add_parser("verify", help="seal committed entries, then check the chain")
        verify.add_argument(
            "--no-seal", action="store_true", help="check only; do not seal pending entries first"
        )
        verify.add_argument(
            "--anchor",
            type=_anchor,
            metavar="SEQ:HASH",
            help="a head printed by an earlier verify; detects entries cut off the end",
        )
        commands.add_parser("seal", help="seal every committed entry still waiting")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "seal":
            self.stdout.write(f"sealed {seal_pending(wait=True)} entries")
            return
        report = verify_log(seal=not options["no_seal"], anchor=options["anchor"])
        if not report.intact:
            self.stderr.write(report.describe())
            raise SystemExit(1)
        self.stdout.write(report.describe())

"""`amana audit verify|seal`: check the audit chain, or seal the entries waiting for it.

`seal` by hand is seldom needed: the worker's periodic job `audit.seal` (every minute by
default, `AMANA_JOBS_SEAL_CRON`; inside `amana serve` on SQLite) seals and signs a checkpoint
whenever the log moved. Run it once after an upgrade, or when that job is switched off."""

from __future__ import annotations

from argparse import ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from amana.audit.checkpoint import (
    CheckpointError,
    parse_public_key,
    public_key_text,
    write_checkpoint,
)
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
        verify.add_argument(
            "--public-key",
            metavar="BASE64",
            help="the checkpoint public key (`amana audit public-key`); default: derived from "
            "AMANA_CHECKPOINT_SIGNING_KEY",
        )
        commands.add_parser(
            "seal", help="seal every committed entry still waiting, then write a checkpoint"
        )
        commands.add_parser("public-key", help="print the checkpoint signature public key")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "seal":
            sealed = seal_pending(wait=True)
            checkpoint = write_checkpoint()
            where = f", checkpoint {checkpoint.seq}:{checkpoint.chain_hash}" if checkpoint else ""
            self.stdout.write(f"sealed {sealed} entries{where}")
            return
        if subcommand == "public-key":
            self.stdout.write(public_key_text())
            return
        try:
            public = parse_public_key(options["public_key"]) if options["public_key"] else None
        except CheckpointError as exc:
            self.stderr.write(str(exc))
            raise SystemExit(2) from exc
        report = verify_log(
            seal=not options["no_seal"], anchor=options["anchor"], public_key=public
        )
        if not report.intact:
            self.stderr.write(report.describe())
            raise SystemExit(1)
        self.stdout.write(report.describe())

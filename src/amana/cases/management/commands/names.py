"""`amana names reindex | status`: name tokens under the rules in force (`amana.cases.names`).

reindex   recompute every child's name tokens and every related person's token from the
          decrypted names, in batches (`amana.cases.actions.reindex`), resuming after the last
          committed batch of the same key version; safe to interrupt and rerun
status    the key version in force, how many children there are, and how far a re-index got

Run `reindex` after an upgrade that changes `KEY_VERSION` (the release notes say so): until it
has run, children registered before the upgrade are found only by the spellings the old rules
matched. One line per batch on stdout, no personal data. Bad arguments, or a stored name that
cannot be decrypted (the message names the column and row; the batches before it are kept):
exit status 2.
"""

from __future__ import annotations

import time
import uuid
from argparse import ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amana.cases.actions.reindex import (
    ReindexedBatch,
    do_reindex_names,
    index_version,
    reindex_resume_point,
)
from amana.cases.models import Child
from amana.cases.names import KEY_VERSION
from amana.crypto.cipher import DecryptionError

DEFAULT_BATCH = 1000
MAX_BATCH = 20_000


def _batch_size(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_BATCH:
        raise ArgumentTypeError(f"expected a whole number from 1 to {MAX_BATCH}, got {raw!r}")
    return int(raw)


def _share(last: uuid.UUID | None) -> str:
    """How far through the children a batch ending at `last` is: ids are random UUIDs, spread
    evenly, so the position of the id estimates the share done."""
    return "" if last is None else f" (~{100 * last.int / 2**128:.0f}%)"


class Command(BaseCommand):
    help = "Re-index children's name tokens under the rules in force, or show how far it got."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        reindex = actions.add_parser("reindex", help="recompute name tokens, in batches")
        reindex.add_argument(
            "--batch", type=_batch_size, default=DEFAULT_BATCH, help="children a batch"
        )
        reindex.add_argument(
            "--restart", action="store_true", help="start from the first child again"
        )
        reindex.add_argument(
            "--add-only",
            action="store_true",
            help="only add missing tokens: delete none, leave caregivers' tokens as they are",
        )
        actions.add_parser("status", help="key version and progress of the re-index")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            self.status()
        else:
            self.reindex(options["batch"], options["restart"], options["add_only"])

    def status(self) -> None:
        last = reindex_resume_point()
        self.stdout.write(f"name keys: version {KEY_VERSION}; children: {Child.objects.count()}")
        if last is None:
            self.stdout.write(f"re-index {index_version()}: not started")
        else:
            self.stdout.write(f"re-index {index_version()}: done up to {last}{_share(last)}")

    def reindex(self, batch: int, restart: bool, add_only: bool) -> None:
        after = None if restart else reindex_resume_point()
        if after is not None:
            self.stdout.write(f"resuming after {after}{_share(after)}")
        began, total = time.monotonic(), ReindexedBatch(0, None, 0, 0, 0, 0)
        while True:
            try:
                done = do_reindex_names(after=after, batch=batch, add_only=add_only)
            except DecryptionError as exc:  # names the column and row; earlier batches stay
                raise CommandError(f"cannot read a stored name: {exc}", returncode=2) from exc
            if done.last is None:
                break
            after, total = done.last, _sum(total, done)
            self.stdout.write(
                f"{total.children} children{_share(after)}: {done.changed} of {done.children} "
                f"changed, tokens +{done.added} -{done.removed}, caregivers {done.caregivers}"
            )
            if done.children < batch:
                break
        seconds = time.monotonic() - began
        self.stdout.write(
            f"re-index {index_version()} done: {total.children} children in {seconds:.0f} s, "
            f"{total.changed} changed, tokens +{total.added} -{total.removed}, "
            f"caregiver tokens {total.caregivers}"
        )


def _sum(a: ReindexedBatch, b: ReindexedBatch) -> ReindexedBatch:
    return ReindexedBatch(
        a.children + b.children,
        b.last,
        a.changed + b.changed,
        a.added + b.added,
        a.removed + b.removed,
        a.caregivers + b.caregivers,
    )

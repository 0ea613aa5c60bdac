"""Checks the audit chain entry by entry, in seq order, and names the first broken entry.

`check_chain` is pure: it takes rows (mappings with the entry's fields) and returns a report.
`verify_log` streams the rows from the database, so it runs in constant memory on any size of
log. The chain alone cannot show that entries were cut off its end; an `Anchor` (a seq and
chain_hash recorded earlier, outside the database) can.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from amana.audit.chain import CONTENT_FIELDS, GENESIS, content_hash, link_hash
from amana.audit.models import AuditEntry
from amana.audit.sealer import seal_pending

ROW_FIELDS = ("id", "seq", "content_hash", "prev_hash", "chain_hash", *CONTENT_FIELDS)
CHUNK = 2000
CONTENT_ALTERED = "content altered: content_hash does not match the entry's fields"

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Anchor:
    """A head recorded earlier: entry `seq` must exist and have this chain_hash."""

    seq: int
    chain_hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        seq, sep, chain_hash = text.strip().lower().partition(":")
        is_hash = len(chain_hash) == 64 and set(chain_hash) <= set(string.hexdigits)
        if not sep or not seq.isdigit() or not is_hash:
            raise ValueError(f"expected SEQ:CHAIN_HASH (64 hex digits), got {text[:80]!r}")
        return cls(int(seq), chain_hash)


@dataclass(frozen=True)
class Break:
    seq: int | None
    entry_id: int | None
    reason: str

    def describe(self) -> str:
        seq = "unsealed" if self.seq is None else f"seq {self.seq}"
        entry = "missing" if self.entry_id is None else f"id {self.entry_id}"
        return f"audit log broken at entry {seq} ({entry}): {self.reason}"


@dataclass(frozen=True)
class Report:
    entries: int
    head_hash: str
    pending: int = 0
    broken: Break | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None

    def describe(self) -> str:
        if self.broken is not None:
            return self.broken.describe()
        text = f"audit log intact: {self.entries} entries, head {self.entries}:{self.head_hash}"
        if self.pending:
            text += f" ({self.pending} committed entries not yet sealed)"
        return text


def _seq_problem(seq: int, expected: int) -> str:
    if seq > expected:
        return f"seq gap: expected seq {expected}, so entries before this one were removed"
    return f"unexpected seq: expected seq {expected}"


def problem_with(row: Row, expected_seq: int, prev_hash: str) -> str | None:
    """Why `row` does not continue a chain ending in `prev_hash` at `expected_seq` - 1."""
    if content_hash(dict(row)) != row["content_hash"]:
        return CONTENT_ALTERED
    if row["seq"] != expected_seq:
        return _seq_problem(row["seq"], expected_seq)
    if link_hash(row["prev_hash"], row["seq"], row["content_hash"]) != row["chain_hash"]:
        return "chain mismatch: chain_hash does not match seq, prev_hash and content_hash"
    if row["prev_hash"] != prev_hash:
        return "chain mismatch: prev_hash is not the chain_hash of the entry before it"
    return None


def _anchor_problem(row: Row, anchor: Anchor | None) -> str | None:
    if anchor is not None and row["seq"] == anchor.seq and row["chain_hash"] != anchor.chain_hash:
        return "chain_hash differs from the anchored head"
    return None


def check_chain(rows: Iterable[Row], anchor: Anchor | None = None) -> Report:
    """Check sealed rows given in seq order; the report names the first broken entry."""
    count, prev_hash = 0, GENESIS
    for row in rows:
        reason = problem_with(row, count + 1, prev_hash) or _anchor_problem(row, anchor)
        if reason:
            return Report(count, prev_hash, broken=Break(row["seq"], row["id"], reason))
        count, prev_hash = count + 1, row["chain_hash"]
    if anchor is not None and count < anchor.seq:
        reason = f"the log ends at seq {count}: entries after it were removed"
        return Report(count, prev_hash, broken=Break(anchor.seq, None, reason))
    return Report(count, prev_hash)


def check_pending(rows: Iterable[Row]) -> tuple[int, Break | None]:
    """Check the content hashes of unsealed rows; return how many and the first broken one."""
    count = 0
    for row in rows:
        if content_hash(dict(row)) != row["content_hash"]:
            return count, Break(None, row["id"], CONTENT_ALTERED)
        count += 1
    return count, None


def _rows(sealed: bool) -> Iterator[Row]:
    entries = AuditEntry.objects.filter(seq__isnull=not sealed)
    ordered = entries.order_by("seq" if sealed else "id").values(*ROW_FIELDS)
    rows: Iterator[Row] = ordered.iterator(chunk_size=CHUNK)
    return rows


def _read_transaction() -> AbstractContextManager[object]:
    # A server-side cursor without WITH HOLD needs a transaction on PostgreSQL; on SQLite a
    # transaction would take the write lock (IMMEDIATE mode) and stop writers while we read.
    return transaction.atomic() if connection.vendor == "postgresql" else nullcontext()


def verify_log(*, seal: bool = True, anchor: Anchor | None = None) -> Report:
    """Seal what is committed (unless `seal` is False), then check the whole log."""
    if seal:
        seal_pending(wait=True)
    with _read_transaction():
        report = check_chain(_rows(sealed=True), anchor)
        if report.broken is not None:
            return report
        pending, broken = check_pending(_rows(sealed=False))
    return Report(report.entries, report.head_hash, pending, broken)

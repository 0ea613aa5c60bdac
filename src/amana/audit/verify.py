"""Checks the audit chain entry by entry, in seq order, and names the first broken entry.

`check_chain` is pure: it takes rows (mappings with the entry's fields) and returns a report.
`verify_log` streams the rows from the database, so it runs in constant memory on any size of
log. Keyed entries (chain version 2) must carry the HMAC of their link under AMANA_AUDIT_KEY;
unkeyed entries (sealed before the keyed chain) may only form a prefix of the log. The chain
alone cannot show that entries were cut off its end, nor that the whole log was rebuilt as
unkeyed entries; the latest signed checkpoint (`amana.audit.checkpoint`), or an `Anchor` (a seq
and chain_hash recorded earlier, outside the database), can. Finally, every ledger or consent
row whose digest an audit entry holds (`audit.row`) must still match it.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import connection, transaction

from amana.audit.chain import (
    CONTENT_FIELDS,
    GENESIS,
    KEYED,
    chain_hash_for,
    content_hash,
    row_digest,
)
from amana.audit.checkpoint import Checkpoint, CheckpointError, latest_checkpoint
from amana.audit.models import AuditEntry
from amana.audit.sealer import seal_pending

ROW_ACTION = "audit.row"
ROW_FIELDS = (
    "id",
    "seq",
    "content_hash",
    "prev_hash",
    "chain_hash",
    "chain_version",
    *CONTENT_FIELDS,
)
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
    problem: str = ""  # a failure that is not one entry's: the checkpoint file, a digest
    rows_checked: int = 0
    checkpoint: Checkpoint | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None and not self.problem

    def describe(self) -> str:
        if self.broken is not None:
            return self.broken.describe()
        if self.problem:
            return f"audit log broken: {self.problem}"
        text = f"audit log intact: {self.entries} entries, head {self.entries}:{self.head_hash}"
        if self.pending:
            text += f" ({self.pending} committed entries not yet sealed)"
        if self.rows_checked:
            text += f"; {self.rows_checked} ledger/consent rows match their digests"
        if self.checkpoint is not None:
            text += f"; signed checkpoint {self.checkpoint.seq} ({self.checkpoint.at}) holds"
        return text


def _seq_problem(seq: int, expected: int) -> str:
    if seq > expected:
        return f"seq gap: expected seq {expected}, so entries before this one were removed"
    return f"unexpected seq: expected seq {expected}"


def problem_with(
    row: Row, expected_seq: int, prev_hash: str, key: bytes | None = None, keyed_seen: bool = False
) -> str | None:
    """Why `row` does not continue a chain ending in `prev_hash` at `expected_seq` - 1."""
    if content_hash(dict(row)) != row["content_hash"]:
        return CONTENT_ALTERED
    if row["seq"] != expected_seq:
        return _seq_problem(row["seq"], expected_seq)
    version = row.get("chain_version")
    if keyed_seen and version != KEYED:
        return "unkeyed entry after the keyed chain began: rewritten without the audit key?"
    key = settings.AMANA_AUDIT_KEY if key is None else key
    expected = chain_hash_for(version, key, row["prev_hash"], row["seq"], row["content_hash"])
    if expected != row["chain_hash"]:
        what = "the HMAC under AMANA_AUDIT_KEY" if version == KEYED else "the SHA-256"
        return f"chain mismatch: chain_hash is not {what} of seq, prev_hash and content_hash"
    if row["prev_hash"] != prev_hash:
        return "chain mismatch: prev_hash is not the chain_hash of the entry before it"
    return None


def _anchor_problem(row: Row, anchor: Anchor | None, what: str = "anchored head") -> str | None:
    if anchor is not None and row["seq"] == anchor.seq and row["chain_hash"] != anchor.chain_hash:
        return f"chain_hash differs from the {what}"
    return None


def _unkeyed_limit(checkpoint: Checkpoint | None) -> int:
    """The highest seq an unkeyed (version 1) entry may have: only entries a signed checkpoint
    vouches for as sealed before the keyed chain began. Without a checkpoint, none."""
    if checkpoint is None:
        return 0
    if checkpoint.keyed_from is None:
        return checkpoint.seq
    return checkpoint.keyed_from - 1


def check_chain(
    rows: Iterable[Row],
    anchor: Anchor | None = None,
    *,
    key: bytes | None = None,
    checkpoint: Checkpoint | None = None,
) -> Report:
    """Check sealed rows given in seq order; the report names the first broken entry."""
    count, prev_hash, keyed_seen = 0, GENESIS, False
    mark = None if checkpoint is None else Anchor(checkpoint.seq, checkpoint.chain_hash)
    unkeyed_limit = _unkeyed_limit(checkpoint)
    for row in rows:
        reason = (
            problem_with(row, count + 1, prev_hash, key, keyed_seen)
            or _anchor_problem(row, anchor)
            or _anchor_problem(row, mark, "signed checkpoint: the chain was rebuilt")
        )
        if not reason and row.get("chain_version") != KEYED and row["seq"] > unkeyed_limit:
            reason = (
                "unkeyed entry that no signed checkpoint vouches for: rewritten without the "
                "audit key? (after an upgrade, run `amana audit seal` once: ADR 0007)"
            )
        if reason:
            return Report(count, prev_hash, broken=Break(row["seq"], row["id"], reason))
        count, prev_hash = count + 1, row["chain_hash"]
        keyed_seen = keyed_seen or row.get("chain_version") == KEYED
    if anchor is not None and count < anchor.seq:
        reason = f"the log ends at seq {count}: entries after it were removed"
        return Report(count, prev_hash, broken=Break(anchor.seq, None, reason))
    if checkpoint is not None and count < max(checkpoint.seq, checkpoint.count):
        reason = (
            f"the log ends at seq {count} but the signed checkpoint of {checkpoint.at} "
            f"counted {checkpoint.count}: entries after it were removed"
        )
        return Report(count, prev_hash, broken=Break(checkpoint.seq, None, reason))
    return Report(count, prev_hash, checkpoint=checkpoint)


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


def check_rows() -> tuple[int, Break | None]:
    """Recompute the digest of every ledger or consent row an `audit.row` entry covers."""
    entries = AuditEntry.objects.filter(action=ROW_ACTION).order_by("id")
    count = 0
    for entry_id, seq, details in entries.values_list("id", "seq", "details").iterator(CHUNK):
        problem = _row_problem(details)
        if problem:
            return count, Break(seq, entry_id, problem)
        count += 1
    return count, None


def _row_problem(details: Mapping[str, Any]) -> str | None:
    label, pk = details.get("model", "?"), details.get("pk", "?")
    try:
        model = apps.get_model(str(label))
        fields = [str(name) for name in details["fields"]]
        values = model._base_manager.filter(pk=pk).values(*fields).get()
    except (LookupError, KeyError, ValueError, FieldDoesNotExist):
        return f"{label} row {pk}: its audit entry names no readable row"
    except ObjectDoesNotExist:
        return f"{label} row {pk} was deleted"
    if row_digest(values) != details.get("digest"):
        return f"{label} row {pk} was altered: it no longer matches the digest in its audit entry"
    return None


def verify_log(
    *,
    seal: bool = True,
    anchor: Anchor | None = None,
    public_key: Ed25519PublicKey | None = None,
    rows: bool = True,
) -> Report:
    """Seal what is committed (unless `seal` is False), then check the whole log against the
    latest signed checkpoint, then the ledger and consent rows the log covers."""
    if seal:
        seal_pending(wait=True)
    try:
        checkpoint = latest_checkpoint(public_key)
    except CheckpointError as exc:
        return Report(0, GENESIS, problem=str(exc))
    with _read_transaction():
        report = check_chain(_rows(sealed=True), anchor, checkpoint=checkpoint)
        if report.broken is not None:
            return report
        pending, broken = check_pending(_rows(sealed=False))
        if broken is not None:
            return Report(report.entries, report.head_hash, pending, broken)
        checked, broken = check_rows() if rows else (0, None)
    return Report(report.entries, report.head_hash, pending, broken, "", checked, checkpoint)

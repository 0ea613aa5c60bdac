"""Places committed audit entries into the hash chain, in order, one sealer at a time.

Writers never wait for the sealer: after each commit the writer *tries* the sealer's advisory
lock and, if another sealer holds it, returns at once. Whoever holds the lock seals the entries
it can see (committed, `seq` NULL) in id order, continuing from the last sealed entry, so an
entry that commits late is sealed later with a higher seq. Nothing is sealed twice: only the
lock holder writes `seq`, and it takes the lock in a statement of its own, so the queries after
it (READ COMMITTED: a fresh snapshot each) see every seal committed before; `seq` is unique and
the trigger refuses to seal an entry twice. After releasing the lock a sealer looks once more
for pending entries, so an entry whose writer found the lock taken is not left behind (unless
the sealer has reached MAX_PASSES: then the next write, `amana audit seal` or `verify` seals it).
On SQLite the write lock of the IMMEDIATE transaction serialises sealers instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction

from amana.audit.chain import GENESIS, KEYED, keyed_link_hash, link_hash
from amana.audit.models import AuditEntry

logger = logging.getLogger(__name__)
BATCH = 500
MAX_PASSES = 4
SEAL_LOCK_ID = 0x414D414E  # "AMAN"
_unkeyed_for_benchmark = False


@contextmanager
def unkeyed_sealing() -> Iterator[None]:
    """`amana bench audit --compare-unkeyed` only: seal with the old unkeyed SHA-256 links, to
    measure what the HMAC costs. Never used by the application."""
    global _unkeyed_for_benchmark  # noqa: PLW0603
    _unkeyed_for_benchmark = True
    try:
        yield
    finally:
        _unkeyed_for_benchmark = False


def chain_entries(
    entries: Sequence[AuditEntry], prev_hash: str, next_seq: int, key: bytes | None = None
) -> None:
    """Give `entries`, in order, the seq, prev_hash and keyed chain_hash that follow
    `prev_hash`."""
    key = settings.AMANA_AUDIT_KEY if key is None else key
    if _unkeyed_for_benchmark:
        for entry in entries:
            entry.seq, entry.prev_hash, entry.chain_version = next_seq, prev_hash, None
            entry.chain_hash = link_hash(prev_hash, next_seq, entry.content_hash)
            prev_hash, next_seq = entry.chain_hash, next_seq + 1
        return
    for entry in entries:
        entry.seq = next_seq
        entry.prev_hash = prev_hash
        entry.chain_version = KEYED
        entry.chain_hash = keyed_link_hash(key, prev_hash, next_seq, entry.content_hash)
        prev_hash, next_seq = entry.chain_hash, next_seq + 1


def _acquire_lock(wait: bool) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_ID])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEAL_LOCK_ID])
        row = cursor.fetchone()
    return bool(row and row[0])


def _save_seals(entries: Sequence[AuditEntry]) -> None:
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET seq = %s, prev_hash = %s, chain_hash = %s, chain_version = %s "  # noqa: S608
            "WHERE id = %s",
            [
                (entry.seq, entry.prev_hash, entry.chain_hash, entry.chain_version, entry.pk)
                for entry in entries
            ],
        )


def _seal_batch() -> tuple[int, int]:
    """Seal up to BATCH pending entries; return how many and the new head seq. Call it holding
    the lock, inside a transaction."""
    pending = AuditEntry.objects.filter(seq__isnull=True).order_by("id")
    entries = list(pending.only("id", "content_hash")[:BATCH])
    if not entries:
        return 0, 0
    sealed = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq")
    last_seq, prev_hash = sealed.values_list("seq", "chain_hash").first() or (0, GENESIS)
    chain_entries(entries, prev_hash, (last_seq or 0) + 1)
    _save_seals(entries)
    return len(entries), entries[-1].seq or 0


def has_pending() -> bool:
    return AuditEntry.objects.filter(seq__isnull=True).exists()


def seal_pending(*, wait: bool = False) -> int:
    """Seal committed, unsealed entries and return how many this call sealed.

    `wait=False` (after a writer's commit): give up at once if another sealer is at work, and
    stop after MAX_PASSES batches so no single request seals for everyone under sustained load.
    `wait=True` (`amana audit seal|verify`): wait for the lock; when it returns, every entry
    committed before the call is sealed.
    """
    sealed = head = 0
    passes = 0
    try:
        while wait or passes < MAX_PASSES:
            with transaction.atomic():
                if not _acquire_lock(wait):
                    return sealed
                count, top = _seal_batch()
            sealed, passes, head = sealed + count, passes + 1, max(head, top)
            if count < BATCH and (wait or not has_pending()):
                return sealed
        return sealed
    finally:
        if head:
            _checkpoint_if_due(head)


def _checkpoint_if_due(head: int) -> None:
    """Every AMANA_CHECKPOINT_EVERY entries, a signed checkpoint outside the database. Only
    once the seals are committed: never from inside an outer transaction."""
    if connection.in_atomic_block:
        return
    from amana.audit.checkpoint import checkpoint_due, write_checkpoint

    try:
        if checkpoint_due(head):
            write_checkpoint()
    except OSError:
        # The seals are committed; a checkpoint that cannot be written now is written by the
        # next one due or by `amana audit seal`. Never turn a committed action into an error.
        logger.exception("audit: checkpoint not written")

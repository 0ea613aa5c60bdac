"""Places committed audit entries into the hash chain, in order, one sealer at a time."""

from __future__ import annotations

from django.db import connection, transaction

from amana.audit.chain import GENESIS, link_hash
from amana.audit.models import AuditEntry

BATCH = 500
SEAL_LOCK_ID = 0x414D414E  # "AMAN"


def _try_lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEAL_LOCK_ID])
        row = cursor.fetchone()
    return bool(row and row[0])


def seal_pending() -> int:
    """Seal every committed, unsealed entry. Returns how many were sealed by this call."""
    sealed = 0
    while True:
        with transaction.atomic():
            if not _try_lock():
                return sealed
            last = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").first()
            prev_hash = last.chain_hash if last else GENESIS
            next_seq = (last.seq or 0) + 1 if last else 1
            pending = list(AuditEntry.objects.filter(seq__isnull=True).order_by("id")[:BATCH])
            for entry in pending:
                entry.seq = next_seq
                entry.prev_hash = prev_hash
                entry.chain_hash = link_hash(prev_hash, next_seq, entry.content_hash)
                entry.save(update_fields=["seq", "prev_hash", "chain_hash"])
                prev_hash, next_seq = entry.chain_hash, next_seq + 1
            sealed += len(pending)
        if len(pending) < BATCH:
            return sealed

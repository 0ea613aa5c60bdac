"""Canonical JSON and hashes of audit entries.

Chain version 1 (entries sealed before the keyed chain, `chain_version` NULL or 1) links with an
unkeyed SHA-256: anyone who can write the table can recompute it. Version 2 links with
HMAC-SHA256 under `AMANA_AUDIT_KEY`, a key the database never holds, so a rewritten entry cannot
be given a matching chain hash without it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

GENESIS = "0" * 64
UNKEYED = 1
KEYED = 2
CONTENT_FIELDS = (
    "at",
    "actor",
    "actor_id",
    "agency",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "origin",
    "details",
)


def canonical_json(fields: dict[str, Any]) -> str:
    def default(value: object) -> str:
        if isinstance(value, datetime):
            return value.isoformat(timespec="microseconds")
        return str(value)

    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=default)


def content_hash(fields: dict[str, Any]) -> str:
    payload = {name: fields[name] for name in CONTENT_FIELDS}
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def link_hash(prev_hash: str, seq: int, entry_content_hash: str) -> str:
    return hashlib.sha256(f"{prev_hash}:{seq}:{entry_content_hash}".encode()).hexdigest()


def keyed_link_hash(key: bytes, prev_hash: str, seq: int, entry_content_hash: str) -> str:
    message = f"amana-audit-v2:{prev_hash}:{seq}:{entry_content_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def chain_hash_for(
    version: int | None, key: bytes, prev_hash: str, seq: int, entry_content_hash: str
) -> str:
    if version == KEYED:
        return keyed_link_hash(key, prev_hash, seq, entry_content_hash)
    return link_hash(prev_hash, seq, entry_content_hash)


def row_digest(values: dict[str, Any]) -> str:
    """SHA-256 of a protected row's immutable columns (ledger, consent), kept in its audit
    entry, which the keyed chain protects."""
    return hashlib.sha256(canonical_json(values).encode()).hexdigest()

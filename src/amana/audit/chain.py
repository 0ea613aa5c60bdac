"""Canonical JSON and hashes of audit entries."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS = "0" * 64
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

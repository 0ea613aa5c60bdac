"""The one way to write an audit entry. Call it inside the action's own transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from amana.audit.chain import content_hash
from amana.audit.models import AuditEntry, Outcome


def origin_of(request: HttpRequest | None) -> str:
    if request is None:
        return "cli"
    address = request.META.get("REMOTE_ADDR", "")
    return f"web:{address}"[:128]


def write_entry(
    *,
    actor: Any,
    action: str,
    object_type: str = "",
    object_id: object = "",
    outcome: str = Outcome.OK,
    origin: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Insert one entry; it is sealed into the chain after the transaction commits."""
    fields: dict[str, Any] = {
        "at": timezone.now(),
        "actor": getattr(actor, "username", "") or "",
        "actor_id": str(getattr(actor, "pk", "") or ""),
        "agency": getattr(getattr(actor, "agency", None), "slug", "") or "",
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "outcome": str(outcome),
        "origin": origin or "system",
        "details": details or {},
    }
    entry = AuditEntry.objects.create(content_hash=content_hash(fields), **fields)
    transaction.on_commit(_seal_soon)
    return entry


def _seal_soon() -> None:
    from amana.audit.sealer import seal_pending

    seal_pending()

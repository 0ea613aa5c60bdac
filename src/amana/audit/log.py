"""The one way to write an audit entry: `write_entry`, inside the action's own transaction (it
refuses to run outside one). A read has no action: `write_read_entry` audits a view, a list or
a refused probe in a short transaction of its own (a savepoint when a transaction is open)."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db import DatabaseError, transaction
from django.http import HttpRequest
from django.utils import timezone

from amana.audit.chain import content_hash, row_digest
from amana.audit.models import AuditEntry, Outcome

logger = logging.getLogger(__name__)


def origin_of(request: HttpRequest | None) -> str:
    if request is None:
        return "cli"
    address = request.META.get("REMOTE_ADDR", "")
    return f"web:{address}"[:128]


def _plain(details: dict[str, Any]) -> dict[str, Any]:
    """Details as JSON the database keeps byte for byte: floats become text (jsonb would
    rewrite 1e16 and the entry would look altered), other objects their string form."""
    text = json.dumps(details, default=str, sort_keys=True)
    plain: dict[str, Any] = json.loads(text, parse_float=str)
    return plain


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
    """Insert one entry; it is sealed into the chain after the transaction commits.

    Raises RuntimeError outside a transaction: an entry commits with the write it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("write_entry must run inside the action's transaction")
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
        "details": _plain(details or {}),
    }
    entry = AuditEntry.objects.create(content_hash=content_hash(fields), **fields)
    transaction.on_commit(_seal_soon)
    return entry


def write_read_entry(
    *,
    actor: Any,
    action: str,
    object_type: str = "",
    object_id: object = "",
    outcome: str = Outcome.OK,
    origin: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """The audit entry of a read (a record viewed, a list shown, a probe refused), which has no
    action transaction to join: `write_entry` in a transaction of its own."""
    with transaction.atomic():
        return write_entry(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            outcome=outcome,
            origin=origin,
            details=details,
        )


def write_row_seal(
    instance: Any, fields: tuple[str, ...], *, actor: Any, origin: str = ""
) -> AuditEntry:
    """Put a digest of a final row's immutable columns (a ledger entry, a consent record) into
    the keyed audit chain, in the caller's transaction, so `amana audit verify` sees any later
    rewrite of the row. The digest is of the row as the database returns it."""
    model = type(instance)
    values = model._base_manager.filter(pk=instance.pk).values(*fields).get()
    return write_entry(
        actor=actor,
        action="audit.row",
        object_type=model._meta.label,
        object_id=instance.pk,
        origin=origin,
        details={
            "model": model._meta.label,
            "pk": str(instance.pk),
            "fields": list(fields),
            "digest": row_digest(values),
        },
    )


def _seal_soon() -> None:
    """After commit: a sealing failure must not turn a committed action into an error.

    The entry stays pending and the next seal (any write, `amana audit seal`, verify) takes it.
    """
    from amana.audit.sealer import seal_pending

    try:
        seal_pending()
    except DatabaseError:
        logger.exception("audit: sealing deferred after a database error")

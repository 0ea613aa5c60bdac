"""Looking up a protected record without revealing whether it exists.

Every read path (`amana.<app>.access`) that opens one record by id does the same thing: parse
the id, find the record among those the actor may read, and when there is none — no such id, a
malformed id, or a record that is not the actor's to see — write an audit entry and raise the
app's not-found error (an `Http404` subclass), the same for all three so that nothing tells
them apart. `fetch_or_not_found` is that, once; `audited_not_found` is its last step, for a
read path that finds the record another way.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from amana.audit.log import write_read_entry
from amana.audit.models import Outcome

Record = TypeVar("Record", bound=Model)
SHOWN_ID_LENGTH = 64  # AuditEntry.object_id


def as_uuid(value: object) -> uuid.UUID | None:
    """The UUID an id names; None for anything that is not one (garbage, a NUL byte …)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def shown_id(value: object) -> str:
    """An id as the actor gave it, fit for the audit log: characters that are not printable
    (a NUL byte, which PostgreSQL text cannot hold; line breaks) escaped, 64 characters at
    most."""
    text = str(value)
    safe = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
    return safe[:SHOWN_ID_LENGTH]


def audited_not_found(
    actor: Any,
    *,
    action: str,
    object_type: str,
    object_id: object,
    origin: str = "",
    error: type[Http404],
    outcome: str = Outcome.NOT_FOUND,
) -> NoReturn:
    """Record the refused read (outcome not_found, or denied) and raise `error`, which says
    nothing of whether the record exists."""
    write_read_entry(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=shown_id(object_id),
        outcome=outcome,
        origin=origin,
    )
    raise error


def fetch_or_not_found(
    actor: Any,
    records: QuerySet[Record],
    object_id: object,
    *,
    action: str,
    object_type: str,
    origin: str = "",
    error: type[Http404],
    visible: Callable[[Record], bool] | None = None,
) -> Record:
    """The record of `records` (the actor's candidates) with this id, when `visible` (if given)
    lets the actor read it; otherwise `audited_not_found`. The successful read is the caller's
    to audit, with the details it needs."""
    key = as_uuid(object_id)
    record = records.filter(pk=key).first() if key is not None else None
    if record is None or (visible is not None and not visible(record)):
        audited_not_found(
            actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            origin=origin,
            error=error,
        )
    return record

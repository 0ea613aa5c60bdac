"""The writes of idempotency keys: reserve before the view acts, complete or release after.

These are plumbing around an action, not actions of their own: the action they guard writes
its audit entry, so they write none. Each runs in a short durable transaction of its own,
because the action it guards is durable too and cannot run inside another transaction.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from amana.idempotency.models import IdempotencyKey

KEY_LIFETIME = timedelta(hours=24)


def do_reserve_key(
    *, user: Any, key: str, method: str, path: str, body_hash: str
) -> IdempotencyKey | None:
    """A new reservation, or None when one for this request exists already (a concurrent
    retry)."""
    now = timezone.now()
    try:
        with transaction.atomic(durable=True):
            # The user's expired keys go first (an expired key for this request among them), so
            # the table holds at most a day of keys per user without a cleaning job.
            IdempotencyKey.objects.filter(user=user, expires_at__lte=now).delete()
            return IdempotencyKey.objects.create(
                user=user,
                key=key,
                method=method,
                path=path,
                body_hash=body_hash,
                created_at=now,
                expires_at=now + KEY_LIFETIME,
            )
    except IntegrityError:
        return None


def do_complete_key(record: IdempotencyKey, *, status_code: int, body: str) -> None:
    """Store the first response, for the retries to be given."""
    with transaction.atomic(durable=True):
        record.status_code = status_code
        record.response_body = body
        record.save(update_fields=["status_code", "response_body"])


def do_release_key(record: IdempotencyKey) -> None:
    """Forget a reservation whose request did not succeed: the client may try again."""
    with transaction.atomic(durable=True):
        IdempotencyKey.objects.filter(pk=record.pk).delete()

"""An `Idempotency-Key` a client sent with a request that creates something, and the answer.

One row per (user, key, method, path). It is reserved (no status yet) before the view acts and
completed with the response after; the response body may name a child, so it is encrypted.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from amana.crypto.fields import EncryptedTextField

KEY_MAX_LENGTH = 200
PATH_MAX_LENGTH = 400


class IdempotencyKey(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=KEY_MAX_LENGTH)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=PATH_MAX_LENGTH)
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)  # None: in progress
    response_body = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key", "method", "path"], name="one_idempotency_key_per_request"
            )
        ]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.method} {self.path} key {self.key}"

"""Key-check values: per field key id, a fixed text encrypted under that key, stored with the
data, so a process configured with a different key under the same id refuses to start."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class KeyCheck(models.Model):
    key_id = models.CharField(max_length=64, primary_key=True)
    check_value = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key_id

"""Access to the configured keyring and blind-index key, and generation of new keys."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from amana.crypto.cipher import KEY_BYTES, Keyring, blind_index

KEYRING_SETTINGS = frozenset({"AMANA_FIELD_KEYS", "AMANA_ACTIVE_FIELD_KEY"})


@cache
def keyring() -> Keyring:
    return Keyring(keys=dict(settings.AMANA_FIELD_KEYS), active=settings.AMANA_ACTIVE_FIELD_KEY)


def reset_keyring() -> None:
    keyring.cache_clear()


@receiver(setting_changed)
def _forget_keyring_when_keys_change(*, setting: str, **kwargs: Any) -> None:
    if setting in KEYRING_SETTINGS:
        reset_keyring()


def index_for(purpose: str, value: str) -> str:
    """The blind index of `value` for one purpose, e.g. ``index_for("child.name", name)``."""
    return blind_index(settings.AMANA_BLIND_INDEX_KEY, purpose, value)


def new_key_id(now: datetime | None = None) -> str:
    """`k` + UTC date + 4 random hex digits: sorts by date, unlikely to collide."""
    moment = now or datetime.now(UTC)
    return f"k{moment:%Y%m%d}{secrets.token_hex(2)}"


def new_key_material() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def new_field_key_entry() -> str:
    """A `keyid:base64` entry to prepend to AMANA_FIELD_KEYS."""
    return f"{new_key_id()}:{new_key_material()}"

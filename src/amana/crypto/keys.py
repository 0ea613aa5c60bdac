"""Access to the configured keyring and blind-index key."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from amana.crypto.cipher import Keyring, blind_index


@cache
def keyring() -> Keyring:
    return Keyring(keys=dict(settings.AMANA_FIELD_KEYS), active=settings.AMANA_ACTIVE_FIELD_KEY)


def reset_keyring() -> None:
    keyring.cache_clear()


def index_for(purpose: str, value: str) -> str:
    return blind_index(settings.AMANA_BLIND_INDEX_KEY, purpose, value)

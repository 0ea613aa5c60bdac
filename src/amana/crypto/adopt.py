"""Turning a plain-text column into an encrypted one, for the data migration that does it.

A migration first alters the column to `EncryptedTextField`, then rewrites every stored value
that is still plain text as the ciphertext bound to its table, column and row (`seal_stored`);
its reverse writes the plaintext back (`open_stored`). The migration does the row updates: it
is the write path's listed exemption, this module only computes the values. A value that
already decrypts in its place is left alone, so running the migration twice changes nothing.
"""

from __future__ import annotations

import contextlib
import uuid

from amana.crypto.cipher import Context, DecryptionError, context_for
from amana.crypto.keys import keyring


def _context(table: str, column: str, row_id: object) -> Context:
    # A UUID key as the model gives it (PostgreSQL returns a UUID, SQLite 32 hex digits).
    with contextlib.suppress(ValueError):
        row_id = uuid.UUID(str(row_id))
    return context_for(table, column, row_id)


def _opens(stored: str, context: Context) -> bool:
    try:
        keyring().decrypt(stored, context)
    except (DecryptionError, ValueError):
        return False
    return True


def seal_stored(table: str, column: str, row_id: object, stored: str) -> str | None:
    """The ciphertext to store for this plain-text value; None when it is already sealed
    here or empty."""
    if not stored:
        return None
    context = _context(table, column, row_id)
    if _opens(stored, context):
        return None
    return keyring().encrypt(stored, context)


def open_stored(table: str, column: str, row_id: object, stored: str) -> str | None:
    """The plaintext of a stored ciphertext; None when the value is not one (empty, or plain)."""
    if not stored:
        return None
    context = _context(table, column, row_id)
    try:
        return keyring().decrypt(stored, context)
    except (DecryptionError, ValueError):
        return None

"""AES-GCM field encryption with associated data binding each value to table, column and row.

Stored form: ``v1:<key id>:<urlsafe base64 of nonce || ciphertext+tag>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """The value cannot be decrypted: wrong key, unknown key id, or moved/altered ciphertext."""


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    active: str

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.active]).encrypt(
            nonce, plaintext.encode(), context.encode()
        )
        body = base64.urlsafe_b64encode(nonce + sealed).decode()
        return f"{PREFIX}:{self.active}:{body}"

    def decrypt(self, stored: str, context: str) -> str:
        prefix, key_id, body = _split(stored)
        if prefix != PREFIX:
            raise DecryptionError(f"unknown ciphertext format {prefix!r}")
        key = self.keys.get(key_id)
        if key is None:
            raise DecryptionError(f"no key with id {key_id!r} is configured")
        raw = base64.urlsafe_b64decode(body.encode())
        try:
            plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
        except InvalidTag as exc:
            raise DecryptionError("ciphertext does not belong here or the key is wrong") from exc
        return plain.decode()

    @staticmethod
    def key_id_of(stored: str) -> str:
        return _split(stored)[1]


def _split(stored: str) -> tuple[str, str, str]:
    parts = stored.split(":", 2)
    if len(parts) != 3:
        raise DecryptionError("value is not an Amana ciphertext")
    return parts[0], parts[1], parts[2]


def context_for(table: str, column: str, row_id: object) -> str:
    return f"{table}|{column}|{row_id}"


def normalise_for_index(value: str) -> str:
    """Case-, accent- and space-insensitive form used for exact-match blind indexes."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def blind_index(key: bytes, purpose: str, value: str) -> str:
    """Keyed HMAC of the normalised value; equal values give equal indexes within one purpose."""
    message = f"{purpose}\x00{normalise_for_index(value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]

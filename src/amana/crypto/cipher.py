"""AES-256-GCM field encryption, and keyed blind indexes for exact-match lookup.

Stored form: ``v1:<key id>:<url-safe base64 of nonce || ciphertext || tag>``.

The associated data binds each value to its table, column and row, and to the format version
and key id in its own header: a value copied to another row or column, or with its header
edited, fails authentication instead of decrypting.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "v1"
AAD_LABEL = "amana-field"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
BLIND_INDEX_CHARS = 32


class DecryptionError(Exception):
    """The value cannot be decrypted: wrong key, unknown key id, or moved/altered ciphertext."""


@dataclass(frozen=True)
class Context:
    """Where a value lives. Part of the associated data, never stored with the value."""

    table: str
    column: str
    row_id: str

    def associated_data(self, key_id: str) -> bytes:
        parts = [AAD_LABEL, PREFIX, key_id, self.table, self.column, self.row_id]
        return json.dumps(parts, ensure_ascii=True, separators=(",", ":")).encode()


def context_for(table: str, column: str, row_id: object) -> Context:
    if row_id is None or row_id == "":
        raise ValueError("the row id must be known before a value can be encrypted")
    return Context(table=table, column=column, row_id=str(row_id))


def is_valid_key_id(key_id: str) -> bool:
    return bool(key_id) and key_id.isalnum()


@dataclass(frozen=True)
class Keyring:
    """Every configured key by id; `active` encrypts, all of them decrypt."""

    keys: Mapping[str, bytes] = field(repr=False)
    active: str

    def __post_init__(self) -> None:
        for key_id, key in self.keys.items():
            if not is_valid_key_id(key_id):
                raise ValueError(f"key id {key_id!r} is not alphanumeric")
            if len(key) != KEY_BYTES:
                raise ValueError(f"key {key_id!r}: expected {KEY_BYTES} bytes, got {len(key)}")
        if self.active not in self.keys:
            raise ValueError(f"the active key id {self.active!r} is not configured")

    def encrypt(self, plaintext: str, context: Context) -> str:
        nonce = os.urandom(NONCE_BYTES)
        aad = context.associated_data(self.active)
        sealed = AESGCM(self.keys[self.active]).encrypt(nonce, plaintext.encode(), aad)
        body = base64.urlsafe_b64encode(nonce + sealed).decode()
        return f"{PREFIX}:{self.active}:{body}"

    def decrypt(self, stored: str, context: Context) -> str:
        key_id, raw = _parse(stored)
        key = self.keys.get(key_id)
        if key is None:
            raise DecryptionError(f"no key with id {key_id!r} is configured")
        nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        try:
            plain = AESGCM(key).decrypt(nonce, sealed, context.associated_data(key_id))
        except InvalidTag as exc:
            raise DecryptionError(
                "the ciphertext does not belong to this table, column and row, or the key is wrong"
            ) from exc
        return plain.decode()

    def is_current(self, stored: str) -> bool:
        return self.key_id_of(stored) == self.active

    def reencrypt(self, stored: str, context: Context) -> str:
        """The same plaintext, sealed for the same place under the active key."""
        return self.encrypt(self.decrypt(stored, context), context)

    @staticmethod
    def key_id_of(stored: str) -> str:
        return _split(stored)[0]


def _split(stored: str) -> tuple[str, str]:
    parts = stored.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DecryptionError(f"the value is not an Amana {PREFIX} ciphertext")
    if not is_valid_key_id(parts[1]):
        raise DecryptionError("the ciphertext header has a malformed key id")
    return parts[1], parts[2]


def _parse(stored: str) -> tuple[str, bytes]:
    key_id, body = _split(stored)
    try:
        raw = base64.b64decode(body.encode("ascii"), altchars=b"-_", validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError) as exc:
        raise DecryptionError("the ciphertext body is not valid base64") from exc
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("the ciphertext is too short")
    return key_id, raw


def _fold(value: str) -> str:
    """Unicode compatibility caseless form: NFKD(casefold(NFKD(casefold(NFD(value)))))."""
    once = unicodedata.normalize("NFKD", unicodedata.normalize("NFD", value).casefold())
    return unicodedata.normalize("NFKD", once.casefold())


def _is_ignored(ch: str) -> bool:
    """Accents and other combining marks, and invisible format characters (ZWJ, ZWNJ, SHY)."""
    return unicodedata.combining(ch) != 0 or unicodedata.category(ch) == "Cf"


def normalise_for_index(value: str) -> str:
    """Case-, accent- and space-insensitive form used for exact-match blind indexes."""
    stripped = "".join(ch for ch in _fold(value) if not _is_ignored(ch))
    return " ".join(stripped.split())


def blind_index(key: bytes, purpose: str, value: str) -> str:
    """Keyed HMAC-SHA256 of the normalised value, separated by purpose.

    Equal values (after `normalise_for_index`) give equal indexes within one purpose; the same
    value under another purpose or another key gives an unrelated index.
    """
    if not purpose or "\x00" in purpose:
        raise ValueError("a blind index purpose must be a non-empty string without NUL")
    message = f"{purpose}\x00{normalise_for_index(value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:BLIND_INDEX_CHARS]

"""The AES-GCM primitive and the blind index, without a database."""

from __future__ import annotations

import base64
import os
import re

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from amana.crypto.cipher import (
    Context,
    DecryptionError,
    Keyring,
    blind_index,
    context_for,
    normalise_for_index,
)
from amana.crypto.keys import index_for
from tests.crypto.conftest import K1, K2

RING = Keyring(keys={"k1": K1}, active="k1")
HERE = context_for("accounts_user", "full_name", "8c5b7f0e-0000-4000-8000-000000000001")


def body_bytes(stored: str) -> bytes:
    return base64.urlsafe_b64decode(stored.split(":", 2)[2])


def test_round_trip() -> None:
    assert RING.decrypt(RING.encrypt("Amina Yusuf", HERE), HERE) == "Amina Yusuf"


def test_stored_value_names_format_and_active_key() -> None:
    ring = Keyring(keys={"k2": K2, "k1": K1}, active="k2")
    assert ring.encrypt("Amina Yusuf", HERE).startswith("v1:k2:")


def test_two_encryptions_of_the_same_plaintext_differ() -> None:
    first, second = RING.encrypt("Amina", HERE), RING.encrypt("Amina", HERE)
    assert first != second
    assert body_bytes(first)[:12] != body_bytes(second)[:12]


def test_wrong_key_under_the_same_id_is_rejected() -> None:
    stored = RING.encrypt("Amina", HERE)
    impostor = Keyring(keys={"k1": os.urandom(32)}, active="k1")
    with pytest.raises(DecryptionError, match="key is wrong"):
        impostor.decrypt(stored, HERE)


@pytest.mark.parametrize(
    "elsewhere",
    [
        context_for("accounts_user", "full_name", "8c5b7f0e-0000-4000-8000-000000000002"),
        context_for("accounts_user", "phone", "8c5b7f0e-0000-4000-8000-000000000001"),
        context_for("cases_child", "full_name", "8c5b7f0e-0000-4000-8000-000000000001"),
    ],
    ids=["other row", "other column", "other table"],
)
def test_ciphertext_moved_elsewhere_is_rejected(elsewhere: Context) -> None:
    stored = RING.encrypt("Amina", HERE)
    with pytest.raises(DecryptionError, match="does not belong"):
        RING.decrypt(stored, elsewhere)


def test_unknown_key_id_is_rejected() -> None:
    stored = RING.encrypt("Amina", HERE)
    later = Keyring(keys={"k2": K2}, active="k2")
    with pytest.raises(DecryptionError, match="no key with id 'k1'"):
        later.decrypt(stored, HERE)


def test_edited_key_id_is_rejected_even_when_both_ids_hold_the_same_key() -> None:
    ring = Keyring(keys={"k1": K1, "k9": K1}, active="k1")
    stored = ring.encrypt("Amina", HERE)
    with pytest.raises(DecryptionError):
        ring.decrypt(stored.replace("v1:k1:", "v1:k9:", 1), HERE)


def test_flipped_ciphertext_bit_is_rejected() -> None:
    raw = bytearray(body_bytes(RING.encrypt("Amina", HERE)))
    raw[-1] ^= 1
    tampered = "v1:k1:" + base64.urlsafe_b64encode(bytes(raw)).decode()
    with pytest.raises(DecryptionError):
        RING.decrypt(tampered, HERE)


@pytest.mark.parametrize(
    "stored",
    ["Amina Yusuf", "v2:k1:AAAA", "v1::AAAA", "v1:k-1:AAAA", "v1:k1:not base64!", "v1:k1:AAAA"],
)
def test_malformed_values_raise_decryption_error(stored: str) -> None:
    with pytest.raises(DecryptionError):
        RING.decrypt(stored, HERE)


def test_keyring_repr_does_not_show_keys() -> None:
    shown = repr(Keyring(keys={"k1": K1}, active="k1"))
    assert repr(K1) not in shown
    assert base64.urlsafe_b64encode(K1).decode() not in shown
    assert "k1" in shown


@pytest.mark.parametrize(
    ("keys", "active"),
    [({"k1": K1}, "k2"), ({"k1": b"short"}, "k1"), ({"k:1": K1}, "k:1")],
    ids=["active not configured", "short key", "key id with colon"],
)
def test_keyring_refuses_a_bad_configuration(keys: dict[str, bytes], active: str) -> None:
    with pytest.raises(ValueError):
        Keyring(keys=keys, active=active)


@given(st.text())
def test_any_text_round_trips(plaintext: str) -> None:
    assert RING.decrypt(RING.encrypt(plaintext, HERE), HERE) == plaintext


# Eight characters and more: a shorter string can turn up in random base64 by chance.
@given(st.text(min_size=8))
def test_plaintext_never_appears_in_the_ciphertext(plaintext: str) -> None:
    stored = RING.encrypt(plaintext, HERE)
    assert plaintext not in stored
    assert plaintext.encode() not in body_bytes(stored)


@pytest.mark.parametrize(
    "variant",
    ["José Núñez", "jose nunez", "JOSE   NUNEZ", " José\tNúñez ", "Jose\u0301 Nun\u0303ez"],
)
def test_blind_index_ignores_case_accents_and_spacing(variant: str) -> None:
    assert blind_index(K1, "person.name", variant) == blind_index(K1, "person.name", "Jose Nunez")


def test_blind_index_folds_arabic_hamza_forms_and_invisible_joiners() -> None:
    assert normalise_for_index("أحمد") == normalise_for_index("احمد")
    assert normalise_for_index("مهر\u200cداد") == normalise_for_index("مهرداد")  # noqa: RUF001


def test_blind_index_separates_different_values() -> None:
    assert blind_index(K1, "person.name", "Jose Nunez") != blind_index(
        K1, "person.name", "Jose Nunes"
    )


def test_blind_index_differs_under_another_key_or_purpose() -> None:
    base = blind_index(K1, "person.name", "Amina Yusuf")
    assert blind_index(K2, "person.name", "Amina Yusuf") != base
    assert blind_index(K1, "person.phone", "Amina Yusuf") != base


def test_blind_index_is_32_hex_digits() -> None:
    assert re.fullmatch(r"[0-9a-f]{32}", blind_index(K1, "person.name", "Amina Yusuf"))


def test_blind_index_refuses_an_empty_purpose() -> None:
    with pytest.raises(ValueError):
        blind_index(K1, "", "Amina")


def test_index_for_uses_the_configured_blind_index_key() -> None:
    with override_settings(AMANA_BLIND_INDEX_KEY=K1):
        under_k1 = index_for("person.name", "Amina Yusuf")
    with override_settings(AMANA_BLIND_INDEX_KEY=K2):
        under_k2 = index_for("person.name", "Amina Yusuf")
    assert under_k1 == blind_index(K1, "person.name", "amina  yusuf")
    assert under_k2 != under_k1

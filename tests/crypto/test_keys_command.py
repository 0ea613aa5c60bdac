"""`amana keys generate | rotate | status`, called in-process."""

from __future__ import annotations

import base64
import io
import re
import uuid
from contextlib import nullcontext

import pytest
from django.core.management import CommandError, call_command

from amana.accounts.models import User
from amana.audit.models import AuditEntry
from amana.config import _decode_key, parse_field_keys
from tests.crypto.conftest import K0, K1, K2, field_keys, raw_read, raw_write
from tests.dbroles import as_owner
from tests.factories import UserFactory

PEOPLE = [
    ("Amina Yusuf", "+256 700 000 001"),
    ("Brhane Tesfay", ""),
    ("Chol Deng", "+211 900 000 003"),
    ("Dalia Haddad", "+961 3 000 004"),
    ("Esperance Uwase", "+250 788 000 005"),
    ("Farah Rahimi", ""),
    ("Gloria Achieng", "+254 700 000 007"),
]
ENCRYPTED_COLUMNS = ("full_name", "phone")


def keys(*args: str) -> str:
    """`amana keys ...`; `rotate` as the owner role, as the CLI runs it (a transactional test:
    the owner's connection sees committed rows only)."""
    out = io.StringIO()
    with as_owner() if args[0] == "rotate" else nullcontext():
        call_command("keys", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def user_line(output: str) -> str:
    (line,) = [line for line in output.splitlines() if line.startswith("accounts.User:")]
    return line


def stored_values() -> dict[tuple[object, str], str]:
    return {
        (pk, column): raw_read(User, column, pk)
        for pk in User.objects.values_list("pk", flat=True)
        for column in ENCRYPTED_COLUMNS
    }


def make_people(ids: list[int] | None = None) -> list[User]:
    ids = ids or list(range(1, len(PEOPLE) + 1))
    return [
        UserFactory(id=uuid.UUID(int=number), full_name=name, phone=phone)
        for number, (name, phone) in zip(ids, PEOPLE, strict=False)
    ]


def assert_readable_as_seeded(users: list[User]) -> None:
    for user, (name, phone) in zip(users, PEOPLE, strict=False):
        loaded = User.objects.get(pk=user.pk)
        assert (loaded.full_name, loaded.phone) == (name, phone)


@pytest.mark.django_db(transaction=True)
def test_rotation_re_encrypts_every_value_under_the_active_key() -> None:
    with field_keys(("k1", K1)):
        users = make_people()
    with field_keys(("k2", K2), ("k1", K1)):
        output = keys("rotate", "--batch", "3")
    non_empty = sum(1 for name, phone in PEOPLE for value in (name, phone) if value)
    assert user_line(output) == f"accounts.User: {non_empty} values re-encrypted under k2"
    values = stored_values()
    assert all(value.startswith("v1:k2:") for value in values.values() if value)
    assert sum(1 for value in values.values() if value) == non_empty
    with field_keys(("k2", K2)):
        assert_readable_as_seeded(users)


@pytest.mark.django_db(transaction=True)
def test_second_rotation_changes_nothing() -> None:
    with field_keys(("k1", K1)):
        make_people()
    with field_keys(("k2", K2), ("k1", K1)):
        keys("rotate")
        before = stored_values()
        output = keys("rotate")
    assert user_line(output) == "accounts.User: 0 values re-encrypted under k2"
    assert stored_values() == before


@pytest.mark.django_db(transaction=True)
def test_rotation_leaves_values_already_under_the_active_key_untouched() -> None:
    with field_keys(("k1", K1)):
        old = UserFactory(full_name="Amina Yusuf")
    with field_keys(("k2", K2), ("k1", K1)):
        current = UserFactory(full_name="Brhane Tesfay")
        untouched = raw_read(User, "full_name", current.pk)
        output = keys("rotate")
    assert user_line(output) == "accounts.User: 1 values re-encrypted under k2"
    assert raw_read(User, "full_name", current.pk) == untouched
    assert raw_read(User, "full_name", old.pk).startswith("v1:k2:")


@pytest.mark.django_db(transaction=True)
def test_dry_run_counts_and_changes_nothing() -> None:
    with field_keys(("k1", K1)):
        make_people()
    before = stored_values()
    with field_keys(("k2", K2), ("k1", K1)):
        output = keys("rotate", "--dry-run", "--batch", "2")
    assert "12 values would be re-encrypted under k2 (7 rows" in user_line(output)
    assert stored_values() == before


@pytest.mark.django_db(transaction=True)
def test_rotation_stops_at_an_unreadable_value_and_resumes_later() -> None:
    with field_keys(("k1", K1)):
        users = make_people([1, 2, 4, 5])
    with field_keys(("k0", K0)):
        stranded = UserFactory(id=uuid.UUID(int=3), full_name="Chol Deng", phone="")
    with field_keys(("k2", K2), ("k1", K1)), pytest.raises(CommandError) as failure:
        keys("rotate", "--batch", "1")
    assert failure.value.returncode == 2
    assert str(failure.value) == (
        f"accounts.User.full_name row {stranded.pk}: no key with id 'k0' is configured"
    )
    headers = {pk.int: raw_read(User, "full_name", pk)[:6] for pk in [u.pk for u in users]}
    assert headers == {1: "v1:k2:", 2: "v1:k2:", 4: "v1:k1:", 5: "v1:k1:"}
    partial = AuditEntry.objects.get(action="crypto.keys.rotate")
    assert partial.details == {"key_id": "k2", "values": 3, "completed": False}
    with field_keys(("k2", K2), ("k1", K1), ("k0", K0)):
        keys("rotate", "--batch", "1")
    assert all(value.startswith("v1:k2:") for value in stored_values().values() if value)


@pytest.mark.django_db(transaction=True)
def test_rotation_reports_plaintext_in_an_encrypted_column_without_showing_it() -> None:
    user = UserFactory(full_name="Amina Yusuf")
    raw_write(User, "full_name", user.pk, "Dalia Haddad")
    with pytest.raises(CommandError) as failure:
        keys("rotate")
    assert str(failure.value).startswith(f"accounts.User.full_name row {user.pk}: ")
    assert "Dalia" not in str(failure.value)


@pytest.mark.django_db
def test_status_counts_values_per_key_id() -> None:
    with field_keys(("k1", K1)):
        UserFactory(full_name="Amina Yusuf", phone="+256 700 000 001")
    with field_keys(("k0", K0)):
        UserFactory(full_name="Chol Deng", phone="")
    with field_keys(("k2", K2), ("k1", K1)):
        UserFactory(full_name="Brhane Tesfay", phone="")
        output = keys("status")
    assert output.splitlines() == [
        "active key: k2",
        "k2 (active): 1 values; no check value yet; reads 1 of 1 sampled values",
        "k1: 2 values; no check value yet; reads 2 of 2 sampled values",
        "k0 (not configured): 1 values",
    ]


def test_generate_prints_one_new_usable_entry() -> None:
    first, second = keys("generate").strip(), keys("generate").strip()
    assert re.fullmatch(r"k\d{8}[0-9a-f]{4}:[A-Za-z0-9_-]{43}=", first)
    assert first != second
    parsed, active = parse_field_keys(f"{first},k1:{base64.urlsafe_b64encode(K1).decode()}")
    assert active == first.split(":")[0]
    assert len(parsed[active]) == 32


def test_generate_keeps_the_key_off_stderr() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("keys", "generate", stdout=out, stderr=err)
    key_material = out.getvalue().strip().split(":", 1)[1]
    assert key_material not in err.getvalue()
    assert "AMANA_FIELD_KEYS" in err.getvalue()


def test_generate_blind_index_key() -> None:
    key = keys("generate", "--blind-index").strip()
    assert len(_decode_key("AMANA_BLIND_INDEX_KEY", key)) == 32


@pytest.mark.django_db(transaction=True)
def test_rotation_is_audited_and_a_dry_run_is_not() -> None:
    with field_keys(("k1", K1)):
        make_people()
    with field_keys(("k2", K2), ("k1", K1)):
        keys("rotate", "--dry-run")
        assert not AuditEntry.objects.filter(action="crypto.keys.rotate").exists()
        keys("rotate")
    entry = AuditEntry.objects.get(action="crypto.keys.rotate")
    assert (entry.object_id, entry.details) == (
        "accounts.User",
        {"key_id": "k2", "values": 12, "completed": True},
    )

"""Keys and raw database access for the field-encryption tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model
from django.test import override_settings

from amana.crypto.keys import reset_keyring

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

K0 = os.urandom(32)
K1 = os.urandom(32)
K2 = os.urandom(32)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """These tests create many users; their passwords are beside the point."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@contextmanager
def field_keys(*entries: tuple[str, bytes]) -> Iterator[None]:
    """Configure exactly these keys, the first one active, as AMANA_FIELD_KEYS would."""
    with override_settings(AMANA_FIELD_KEYS=dict(entries), AMANA_ACTIVE_FIELD_KEY=entries[0][0]):
        reset_keyring()
        try:
            yield
        finally:
            reset_keyring()
    reset_keyring()


def _where_pk(model: type[Model]) -> tuple[str, str]:
    quote = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None
    return quote(model._meta.db_table), quote(pk.column)


def _db_pk(model: type[Model], row_id: Any) -> Any:
    pk = model._meta.pk
    assert pk is not None
    return pk.get_db_prep_value(row_id, connection)


def raw_read(model: type[Model], column: str, row_id: Any) -> str:
    """The stored text of one column of one row, read with SQL, bypassing the field."""
    table, pk_column = _where_pk(model)
    column_sql = connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column_sql} FROM {table} WHERE {pk_column} = %s", [_db_pk(model, row_id)]
        )
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


def raw_write(model: type[Model], column: str, row_id: Any, value: str) -> None:
    """Overwrite one column of one row with SQL, as someone with database access could."""
    table, pk_column = _where_pk(model)
    column_sql = connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column_sql} = %s WHERE {pk_column} = %s",
            [value, _db_pk(model, row_id)],
        )

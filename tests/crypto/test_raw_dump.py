"""Whoever reads the database directly (a backup, a dump, a stolen disk) sees no personal data."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest
from django.db import connection

from amana.accounts.actions import do_create_user
from amana.accounts.models import User
from tests.factories import AgencyFactory, UserFactory

SEEDED = [
    ("zq-tesfamariam", "Qamariyya Tesfamariam-Oyelaran", "+211 912 775 318"),
    ("zq-haddad", "Zainab Ḥaddād al-Ẓāhirī", "+961 3 804 227"),
    ("zq-arabic", "عبد الرحمن الشنقيطي", "٠٧٧٠ ٤٨٣ ٩١٦٢"),  # noqa: RUF001 (Arabic on purpose)
]


def _seed_with_actions() -> None:
    agency = AgencyFactory()
    for username, full_name, phone in SEEDED:
        user = do_create_user(
            agency=agency,
            username=username,
            password="",
            roles=["caseworker"],
            full_name=full_name,
            actor=None,
        )
        user.phone = phone
        user.save()


def _seed_with_factory() -> None:
    for username, full_name, phone in SEEDED:
        UserFactory(username=username, full_name=full_name, phone=phone)


def _as_text(value: object) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def raw_sql_dump() -> str:
    """Every column of every row of every table, as text, read with plain SQL."""
    quote = connection.ops.quote_name
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            description = connection.introspection.get_table_description(cursor, table)
            columns = ", ".join(quote(column.name) for column in description)
            cursor.execute(f"SELECT {columns} FROM {quote(table)}")
            for row in cursor.fetchall():
                chunks.extend(_as_text(value) for value in row if value is not None)
    return "\n".join(chunks)


def seeded_fragments() -> Iterable[str]:
    """Each seeded value whole, each word of it, and its digits alone (for phone numbers)."""
    for _username, full_name, phone in SEEDED:
        yield full_name
        yield phone
        yield from (word for word in full_name.split() if len(word) >= 5)
        yield "".join(ch for ch in phone if ch.isdigit())


def assert_no_seeded_plaintext(dump: str) -> None:
    folded = dump.casefold()
    leaked = [fragment for fragment in seeded_fragments() if fragment.casefold() in folded]
    assert leaked == []


def assert_dump_covers_the_users(dump: str) -> None:
    """Guard against a dump that passes because it read nothing."""
    for username, _full_name, _phone in SEEDED:
        assert username in dump
    assert dump.count("v1:") >= 2 * len(SEEDED)


@pytest.mark.django_db
def test_raw_sql_dump_contains_no_seeded_plaintext() -> None:
    _seed_with_actions()
    dump = raw_sql_dump()
    assert_dump_covers_the_users(dump)
    assert_no_seeded_plaintext(dump)
    assert {user.full_name for user in User.objects.filter(username__startswith="zq-")} == {
        full_name for _username, full_name, _phone in SEEDED
    }


def _pg_dump_command(bindir: Path) -> tuple[list[str], dict[str, str]]:
    settings = connection.settings_dict
    command = [
        str(bindir / "pg_dump"),
        "--data-only",
        "--no-owner",
        "--host",
        settings["HOST"] or "127.0.0.1",
        "--port",
        str(settings["PORT"] or 5432),
        "--username",
        settings["USER"],
        settings["NAME"],
    ]
    return command, {**os.environ, "PGPASSWORD": settings["PASSWORD"]}


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_dump_contains_no_seeded_plaintext() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump needs PostgreSQL")
    bindir = os.environ.get("AMANA_PG_BINDIR", "")
    if not bindir:
        pytest.skip("AMANA_PG_BINDIR is not set")
    _seed_with_factory()
    command, env = _pg_dump_command(Path(bindir))
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert_dump_covers_the_users(result.stdout)
    assert_no_seeded_plaintext(result.stdout)

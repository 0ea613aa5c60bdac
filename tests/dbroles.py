"""The two database roles in tests: which one a test runs as, and URLs for subprocesses.

`./dev test` runs the suite as the app role `amana` (DATABASE_URL), which owns nothing; the
owner role `amana_owner` (AMANA_MIGRATE_DATABASE_URL) creates, migrates and flushes the test
database (tests/conftest.py). A test that acts as someone holding the owner's rights wraps that
part in `as_owner()`, in a transactional test. On SQLite, or PostgreSQL with one role, there is
only one connection and `as_owner()` changes nothing.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from amana.core.db_roles import connected_as_owner

as_owner = connected_as_owner


def two_roles() -> bool:
    return connection.vendor == "postgresql" and bool(settings.AMANA_TEST_OWNER_CREDENTIALS)


def needs_two_roles() -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not two_roles(), reason="needs PostgreSQL with two roles (AMANA_MIGRATE_DATABASE_URL)"
    )


def _url(user: str, password: str, database: str) -> str:
    db = connection.settings_dict
    credentials = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    address = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgresql://{credentials}@{address}/{quote(database, safe='')}"


def postgresql_urls(database: str | None = None) -> dict[str, str]:
    """DATABASE_URL (the app role) and, with two roles, AMANA_MIGRATE_DATABASE_URL (the owner)
    for `database` on the test server (default: this test's database), for a subprocess's
    environment. Without two roles the subprocess must not inherit an owner URL either."""
    db = connection.settings_dict
    name = database or db["NAME"]
    urls = {"DATABASE_URL": _url(db["USER"], db["PASSWORD"], name)}
    owner = settings.AMANA_TEST_OWNER_CREDENTIALS
    if owner:
        urls["AMANA_MIGRATE_DATABASE_URL"] = _url(owner["USER"], owner["PASSWORD"], name)
    return urls


def without_owner_url(environ: dict[str, str]) -> dict[str, str]:
    """`environ` for a subprocess on SQLite: there the owner URL is a configuration error."""
    return {key: value for key, value in environ.items() if key != "AMANA_MIGRATE_DATABASE_URL"}

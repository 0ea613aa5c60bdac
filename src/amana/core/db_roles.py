"""Two PostgreSQL roles: an owner that creates and changes the schema, an app role that owns
nothing (docs/adr/0008-two-database-roles.md).

`migrate` (as the owner) ends by granting the role of DATABASE_URL exactly what the application
needs, computed afresh for every table, sequence and function of the schema, so tables added
later get the same grants: read and write on ordinary tables; read and append only on the
append-only ones, plus the audit seal columns the sealer fills once. Nothing lets the app role
alter a table, its triggers or their functions, or empty a table. `amana serve` refuses to
start in production when its role owns anything (`ownership_problem`).

On SQLite (the demo) one connection does everything and none of this applies.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# Tables the app role may read and append to, nothing more (their triggers also refuse changes
# to anyone who has not switched them off), with the columns it may still set: the sealer
# writes an audit entry's place in the chain once (amana.audit.sealer._save_seals).
APPEND_ONLY: dict[str, tuple[str, ...]] = {
    "audit_auditentry": ("seq", "prev_hash", "chain_hash", "chain_version"),
    "sharing_ledgerentry": (),
    "consent_consentrecord": (),
}
# Tables the app role only reads: the migration history is the owner's.
READ_ONLY = ("django_migrations",)
ORDINARY_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"

# Relations, functions and schemas outside the system schemas, and the database, that the
# connected role owns or may act as the owner of (a member of the owning role).
OWNED_BY_CURRENT_ROLE = r"""
SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' ELSE 'table' END
       || ' ' || c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
  AND pg_has_role(current_user, c.relowner, 'MEMBER')
UNION ALL
SELECT 'function ' || p.proname
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
  AND pg_has_role(current_user, p.proowner, 'MEMBER')
UNION ALL
SELECT 'schema ' || n.nspname FROM pg_namespace n
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
  AND pg_has_role(current_user, n.nspowner, 'MEMBER')
UNION ALL
SELECT 'database ' || d.datname FROM pg_database d
WHERE d.datname = current_database() AND pg_has_role(current_user, d.datdba, 'MEMBER')
"""


def grant_statements(schema: str, role: str, tables: set[str]) -> list[str]:
    """The statements that leave `role` with exactly the app's privileges on `schema`; names
    already quoted. `tables`: the schema's tables, to find the append-only and read-only ones."""
    everything = f"IN SCHEMA {schema}"
    statements = [
        # Start from nothing (revoking a table privilege revokes its column privileges too)…
        f"REVOKE ALL ON ALL TABLES {everything} FROM {role}",
        f"REVOKE ALL ON ALL SEQUENCES {everything} FROM {role}",
        # …then what an ordinary table needs, sequences (SELECT for pg_dump) and functions
        # (a job queue's, say)…
        f"GRANT {ORDINARY_TABLE_PRIVILEGES} ON ALL TABLES {everything} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES {everything} TO {role}",
        f"GRANT EXECUTE ON ALL ROUTINES {everything} TO {role}",
    ]
    # …and less on the append-only and read-only tables.
    for table, columns in APPEND_ONLY.items():
        if table not in tables:
            continue
        statements.append(f"REVOKE UPDATE, DELETE ON {schema}.{table} FROM {role}")
        if columns:
            statements.append(f"GRANT UPDATE ({', '.join(columns)}) ON {schema}.{table} TO {role}")
    statements += [
        f"REVOKE INSERT, UPDATE, DELETE ON {schema}.{table} FROM {role}"
        for table in READ_ONLY
        if table in tables
    ]
    return statements


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def current_role(connection: BaseDatabaseWrapper) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        row = cursor.fetchone()
    return str(row[0]) if row else ""


def grant_app_role(connection: BaseDatabaseWrapper, role: str) -> None:
    """Give `role` the app's privileges on every object of the current schema, in one
    transaction (a running application never sees a moment without them)."""
    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        row = cursor.fetchone()
        schema = str(row[0]) if row else "public"
        tables = set(connection.introspection.table_names(cursor))
        for statement in grant_statements(quote(schema), quote(role), tables):
            cursor.execute(statement)


def grant_app_role_as_owner(connection: BaseDatabaseWrapper) -> bool:
    """Grant the app role (DATABASE_URL's) its privileges when `connection` is another role's
    (the owner's). True if granted; False on SQLite and where one role does everything."""
    role = getattr(settings, "AMANA_APP_DATABASE_ROLE", "")
    if connection.vendor != "postgresql" or not role:
        return False
    try:
        if current_role(connection) == role:
            return False
        grant_app_role(connection, role)
    except DatabaseError as exc:
        raise CommandError(
            f"granting the app role {role} (DATABASE_URL) its privileges failed: {first_line(exc)}",
            returncode=2,
        ) from None
    return True


def grant_after_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate, once per migrate (and after each flush in tests)."""
    grant_app_role_as_owner(connections[using])


def owned_objects(connection: BaseDatabaseWrapper) -> list[str]:
    """What the connected role owns (or could act as the owner of): tables, sequences, views,
    functions, schemas, the database. Empty for a proper app role."""
    with connection.cursor() as cursor:
        cursor.execute(OWNED_BY_CURRENT_ROLE)
        owned = [str(row[0]) for row in cursor.fetchall()]
    return sorted(owned, key=lambda name: (not name.startswith("table "), name))


def ownership_problem(connection: BaseDatabaseWrapper) -> str | None:
    """One line when the connected PostgreSQL role could alter the schema: it is a superuser,
    or it owns (or is a member of a role that owns) a table, function, schema or the database.
    None for a role that owns nothing, and on SQLite."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        user, superuser = cursor.fetchone() or ("?", False)
    advice = (
        "connect as a role that owns nothing (DATABASE_URL) and run migrate as the owner "
        "(AMANA_MIGRATE_DATABASE_URL)"
    )
    if superuser:
        return f"the database role {user} is a superuser: {advice}"
    owned = owned_objects(connection)
    if not owned:
        return None
    more = f" and {len(owned) - 1} more" if len(owned) > 1 else ""
    return (
        f"the database role {user} owns {owned[0]}{more}, so it could alter the tables and "
        f"their triggers: {advice}"
    )


@contextmanager
def connected_as_owner() -> Iterator[None]:
    """In this thread, the default connection is the owner role's for the duration.

    Test runs with two roles only (settings.AMANA_TEST_OWNER_CREDENTIALS): the owner flushes
    the test database, and tests that act as someone holding the owner's rights use it. Where
    one role does everything it changes nothing. Never inside a transaction: the owner's
    connection could not see its rows and would wait for its locks.
    """
    credentials = getattr(settings, "AMANA_TEST_OWNER_CREDENTIALS", None)
    if not credentials:
        yield
        return
    app = connections[DEFAULT_DB_ALIAS]
    if app.in_atomic_block:
        raise RuntimeError(
            "the owner's connection cannot see an open transaction's rows: use a "
            "transactional test (transactional_db / django_db(transaction=True))"
        )
    owner = app.__class__({**app.settings_dict, **credentials}, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = owner
    try:
        yield
    finally:
        owner.close()
        connections[DEFAULT_DB_ALIAS] = app

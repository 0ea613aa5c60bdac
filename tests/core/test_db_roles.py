"""Issue #12: the app role (DATABASE_URL) runs the application with what it needs and nothing
more; it owns nothing, so it cannot switch a guard trigger off, rewrite the audit log, the
sharing ledger or consent records, or empty a table. Each refusal has an allowed twin.

The tests run as the app role, as the whole suite does; `as_owner()` plays the owner role.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from pytest_django.fixtures import Settings

from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.audit.sealer import seal_pending
from amana.core.checks import database_role_owns_nothing
from amana.core.db_roles import APPEND_ONLY, owned_objects, ownership_problem
from amana.sharing.models import LedgerEntry
from tests.audit.helpers import write_entries
from tests.cases.helpers import register
from tests.consent.helpers import make_world, record
from tests.dbroles import as_owner, needs_two_roles
from tests.factories import AgencyFactory, UserFactory

pytestmark = [pytest.mark.postgres, needs_two_roles()]
AUDIT = AuditEntry._meta.db_table
LEDGER = LedgerEntry._meta.db_table
CONSENT = "consent_consentrecord"


def denied(sql: str, params: list[object] | None = None) -> bool:
    """Run `sql` in a savepoint; True when PostgreSQL refused it for want of a privilege."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        message = str(exc)
        assert "permission denied" in message or "must be owner" in message, message
        return True
    return False


def a_ledger_row() -> LedgerEntry:
    return LedgerEntry.objects.create(
        sender="ngo-psy",
        recipient="unhcr",
        purpose="referral_immediate",
        legal_basis="consent",
        protocol="demo-op-a@1",
        decision="deny",
        requested=["full_name"],
        shared=[],
        codes=["consent.missing"],
        request={"from": "ngo-psy", "to": "unhcr", "elements": ["full_name"]},
    )


@pytest.fixture
def owner_transaction() -> Iterator[None]:
    """As the owner role, in a transaction rolled back at the end."""
    with as_owner(), transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- the audit log --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_app_role_appends_audit_entries_and_the_sealer_seals_them() -> None:
    write_entries(2)

    assert seal_pending() == 2
    assert list(AuditEntry.objects.values_list("seq", flat=True).order_by("seq")) == [1, 2]
    assert not denied(
        f"INSERT INTO {AUDIT} (at, actor, actor_id, agency, action, object_type, object_id, "
        "outcome, origin, details, content_hash, prev_hash, chain_hash) VALUES "
        "(now(), '', '', '', 'test.raw', '', '', 'ok', '', '{}', 'h', '', '')"
    )


@pytest.mark.django_db
def test_the_app_role_cannot_rewrite_an_audit_entry() -> None:
    (entry,) = write_entries(1)

    assert denied(f"UPDATE {AUDIT} SET details = '{{}}' WHERE id = %s", [entry.pk])
    assert denied(f"UPDATE {AUDIT} SET action = 'case.nothing' WHERE id = %s", [entry.pk])
    assert denied(f"UPDATE {AUDIT} SET content_hash = 'x' WHERE id = %s", [entry.pk])
    # Its seal columns it may set; the trigger sees to it that it is only once.
    assert not denied(f"UPDATE {AUDIT} SET seq = 1, chain_hash = 'c' WHERE id = %s", [entry.pk])


@pytest.mark.django_db
def test_the_app_role_cannot_delete_or_truncate_the_audit_log() -> None:
    (entry,) = write_entries(1)

    assert denied(f"DELETE FROM {AUDIT} WHERE id = %s", [entry.pk])
    assert denied(f"TRUNCATE {AUDIT}")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


# --- the sharing ledger and consent records -------------------------------------------------


@pytest.mark.django_db
def test_the_app_role_appends_to_the_ledger_but_cannot_rewrite_or_remove_a_row() -> None:
    row = a_ledger_row()  # the allowed twin: INSERT

    assert denied(f"UPDATE {LEDGER} SET decision = 'allow' WHERE id = %s", [row.pk])
    assert denied(f"DELETE FROM {LEDGER} WHERE id = %s", [row.pk])
    assert denied(f"TRUNCATE {LEDGER}")
    assert LedgerEntry.objects.get(pk=row.pk).decision == "deny"


@pytest.mark.django_db
def test_the_app_role_records_consent_but_cannot_rewrite_or_remove_a_record() -> None:
    withdrawal = record(make_world(), kind="withdrawal", purposes=[], recipients=[])

    assert denied(f"UPDATE {CONSENT} SET kind = 'consent' WHERE id = %s", [withdrawal.pk])
    # Not even the notes, which the trigger lets key rotation (the owner) re-encrypt.
    assert denied(f"UPDATE {CONSENT} SET notes = '' WHERE id = %s", [withdrawal.pk])
    assert denied(f"DELETE FROM {CONSENT} WHERE id = %s", [withdrawal.pk])
    assert denied(f"TRUNCATE {CONSENT}")


# --- ordinary tables --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_app_role_updates_and_deletes_ordinary_rows_but_cannot_truncate() -> None:
    case = register(UserFactory(roles=[Role.CASEWORKER], agency=AgencyFactory()))
    lookup = apps.get_model("refdata", "Lookup").objects.create(kind="k", code="c", label="L")

    assert not denied("UPDATE cases_case SET risk_level = 'low' WHERE id = %s", [case.pk])
    assert not denied("DELETE FROM cases_lookup WHERE id = %s", [lookup.pk])
    assert denied("TRUNCATE cases_lookup")


@pytest.mark.django_db
def test_the_app_role_reads_the_migration_history_but_cannot_write_it() -> None:
    assert not denied("SELECT count(*) FROM django_migrations")
    assert denied(
        "INSERT INTO django_migrations (app, name, applied) VALUES ('audit', 'fake', now())"
    )


# --- the schema -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("table", sorted(APPEND_ONLY))
def test_the_app_role_cannot_switch_a_guard_trigger_off(table: str) -> None:
    assert denied(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    assert denied(f"ALTER TABLE {table} ADD COLUMN smuggled text")
    assert denied(f"DROP TABLE {table}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("owner_transaction")
@pytest.mark.parametrize("table", sorted(APPEND_ONLY))
def test_the_owner_can_switch_a_guard_trigger_off(table: str) -> None:
    assert not denied(f"ALTER TABLE {table} DISABLE TRIGGER USER")


@pytest.mark.django_db
def test_the_app_role_cannot_replace_a_guard_function_or_create_a_table() -> None:
    assert denied(
        "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$"
    )
    assert denied("CREATE TABLE smuggled (id int)")


@pytest.mark.django_db
def test_the_app_role_owns_nothing() -> None:
    assert owned_objects(connection) == []
    assert ownership_problem(connection) is None


@pytest.mark.django_db(transaction=True)
def test_the_owner_role_owns_the_tables() -> None:
    with as_owner():
        owned = owned_objects(connection)
        problem = ownership_problem(connection)
    assert f"table {AUDIT}" in owned and "function audit_entry_append_only" in owned
    assert problem is not None and "owns" in problem and "AMANA_MIGRATE_DATABASE_URL" in problem


def _guarded_amana_tables() -> set[str]:
    """Amana's tables with a trigger of their own that fires before UPDATE or DELETE."""
    amana_tables = {
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_config.name.startswith("amana.")
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"
            " AND tgtype & 2 = 2 AND tgtype & (8 | 16) <> 0"  # BEFORE, on DELETE or UPDATE
        )
        return {row[0] for row in cursor.fetchall()} & amana_tables


@pytest.mark.django_db
def test_every_guarded_table_is_append_only_for_the_app_role() -> None:
    assert _guarded_amana_tables() == set(APPEND_ONLY)


# --- migrate grants every table, also those added later ----------------------------------------

LATER = "later_queue"


@pytest.fixture
def a_later_table(transactional_db: None) -> Iterator[None]:
    """A table, its sequence and a function the owner creates after the last grant, as a new
    app's migration (a job queue's, say) would."""
    with as_owner(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {LATER} (id bigserial PRIMARY KEY, payload text)")
        cursor.execute(
            f"CREATE FUNCTION {LATER}_size() RETURNS bigint LANGUAGE sql "
            f"AS $$ SELECT count(*) FROM {LATER} $$"
        )
        cursor.execute(f"REVOKE EXECUTE ON FUNCTION {LATER}_size() FROM PUBLIC")
    try:
        yield
    finally:
        with as_owner(), connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {LATER}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {LATER}_size()")


@pytest.mark.usefixtures("a_later_table")
def test_migrate_grants_the_app_role_a_table_added_later() -> None:
    assert denied(f"INSERT INTO {LATER} (payload) VALUES ('before')")
    assert denied(f"SELECT {LATER}_size()")

    with as_owner():
        call_command("migrate", verbosity=0, stdout=StringIO())

    assert not denied(f"INSERT INTO {LATER} (payload) VALUES ('job')")
    assert not denied(f"UPDATE {LATER} SET payload = 'done'")
    assert not denied(f"SELECT {LATER}_size()")
    assert not denied(f"DELETE FROM {LATER}")
    assert denied(f"TRUNCATE {LATER}")
    assert denied(f"ALTER TABLE {LATER} ADD COLUMN smuggled text")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT has_table_privilege('{LATER}', 'TRUNCATE, REFERENCES, TRIGGER')")
        assert cursor.fetchone() == (False,)


# --- `amana manage check --deploy` ------------------------------------------------------------


@pytest.mark.django_db
def test_the_deploy_check_passes_for_the_app_role(settings: Settings) -> None:
    settings.CONFIG = replace(settings.CONFIG, migrate_database_url="")
    assert database_role_owns_nothing() == []


@pytest.mark.django_db(transaction=True)
def test_the_deploy_check_fails_for_the_owner_role(settings: Settings) -> None:
    settings.CONFIG = replace(settings.CONFIG, migrate_database_url="")
    with as_owner():
        messages = database_role_owns_nothing()
    assert [message.id for message in messages] == ["amana.E001"]


@pytest.mark.django_db
def test_the_deploy_check_warns_of_the_owner_url_in_a_serving_process(
    settings: Settings,
) -> None:
    assert settings.CONFIG.migrate_database_url  # the suite runs with both URLs set
    assert [message.id for message in database_role_owns_nothing()] == ["amana.W001"]

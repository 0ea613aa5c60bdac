"""Configuration from the environment: defaults for the demo, hard requirements in production."""

from __future__ import annotations

import base64
import os
import stat

import pytest

from amana.config import ConfigError, load, parse_field_keys


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _production(tmp_path, **overrides: str) -> dict[str, str]:
    env = {
        "AMANA_ENV": "production",
        "AMANA_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "s" * 60,
        "AMANA_FIELD_KEYS": f"k1:{_key()}",
        "AMANA_BLIND_INDEX_KEY": _key(),
        "AMANA_AUDIT_KEY": _key(),
        "AMANA_CHECKPOINT_SIGNING_KEY": _key(),
        "ALLOWED_HOSTS": "amana.example.org",
        "DATABASE_URL": "postgresql://amana:pw@db.example.org:5432/amana",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v != ""}


def test_demo_defaults_generate_secrets_once_with_private_permissions(tmp_path):
    first = load({"AMANA_VAR_DIR": str(tmp_path)})
    second = load({"AMANA_VAR_DIR": str(tmp_path)})
    assert first.secret_key == second.secret_key
    assert first.field_keys == second.field_keys
    assert first.database_url == f"sqlite:///{tmp_path / 'amana.sqlite3'}"
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert not first.require_2fa


def test_production_with_everything_set(tmp_path):
    config = load(_production(tmp_path))
    assert config.production and config.require_2fa
    assert config.trusted_proxy == "" and config.session_max_hours == 12
    assert config.allowed_hosts == ["amana.example.org"]
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "AMANA_FIELD_KEYS",
        "AMANA_BLIND_INDEX_KEY",
        "AMANA_AUDIT_KEY",
        "AMANA_CHECKPOINT_SIGNING_KEY",
        "ALLOWED_HOSTS",
    ],
)
def test_production_names_the_missing_setting(tmp_path, missing):
    with pytest.raises(ConfigError) as err:
        load(_production(tmp_path, **{missing: ""}))
    assert str(err.value).startswith(missing)


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("AMANA_ENV", "staging", "expected one of"),
        ("SECRET_KEY", "short", "at least 50"),
        ("AMANA_FIELD_KEYS", "nocolon", "keyid:base64key"),
        ("AMANA_FIELD_KEYS", "k1:!!!", "base64"),
        ("AMANA_FIELD_KEYS", "k1:" + base64.urlsafe_b64encode(b"x" * 8).decode(), "32-byte"),
        ("AMANA_BLIND_INDEX_KEY", "abc", "AMANA_BLIND_INDEX_KEY"),
        ("DATABASE_URL", "mysql://x/y", "DATABASE_URL"),
        ("AMANA_REQUIRE_2FA", "maybe", "true or false"),
        ("AMANA_REQUIRE_2FA", "false", "cannot be false when AMANA_ENV=production"),
        ("AMANA_REQUIRE_2FA", "0", "cannot be false when AMANA_ENV=production"),
        ("AMANA_TRUSTED_PROXY", "*", "the one IP address of your TLS proxy"),
        ("AMANA_TRUSTED_PROXY", "10.0.0.1,10.0.0.2", "the one IP address of your TLS proxy"),
        ("AMANA_TRUSTED_PROXY", "proxy.internal", "the one IP address of your TLS proxy"),
        ("AMANA_SESSION_MAX_HOURS", "0", "whole number of hours"),
        ("AMANA_SESSION_MAX_HOURS", "12h", "whole number of hours"),
        ("AMANA_REPLICA_DATABASE_URL", "sqlite:///x.db", "postgresql:// URL"),
        ("AMANA_REPLICA_MAX_LAG", "0", "whole number of seconds"),
        ("AMANA_REPLICA_MAX_LAG", "30s", "whole number of seconds"),
    ],
)
def test_malformed_settings_are_named(tmp_path, name, value, fragment):
    with pytest.raises(ConfigError) as err:
        load(_production(tmp_path, **{name: value}))
    message = str(err.value)
    assert message.startswith(name) and fragment in message
    assert "\n" not in message


def test_field_keys_first_is_active_and_duplicates_refused():
    a, b = _key(), _key()
    keys, active = parse_field_keys(f"new:{a}, old:{b}")
    assert active == "new" and set(keys) == {"new", "old"}
    with pytest.raises(ConfigError, match="twice"):
        parse_field_keys(f"k:{a},k:{b}")


def test_proxy_and_session_lifetime_are_read(tmp_path):
    config = load(
        _production(tmp_path, AMANA_TRUSTED_PROXY="10.0.0.5", AMANA_SESSION_MAX_HOURS="8")
    )
    assert config.trusted_proxy == "10.0.0.5" and config.session_max_hours == 8


def test_two_factor_may_be_off_outside_production(tmp_path):
    config = load({"AMANA_VAR_DIR": str(tmp_path), "AMANA_REQUIRE_2FA": "false"})
    assert not config.require_2fa


def test_replica_is_optional_and_its_lag_bound_read(tmp_path):
    assert load(_production(tmp_path)).replica_database_url == ""
    assert load(_production(tmp_path)).replica_max_lag == 30
    url = "postgresql://amana:pw@replica.example.org:5432/amana"
    config = load(_production(tmp_path, AMANA_REPLICA_DATABASE_URL=url, AMANA_REPLICA_MAX_LAG="10"))
    assert config.replica_database_url == url and config.replica_max_lag == 10
    assert url not in repr(config)


def test_replica_refused_without_a_postgresql_primary(tmp_path):
    url = "postgresql://amana:pw@replica.example.org:5432/amana"
    with pytest.raises(ConfigError, match="AMANA_REPLICA_DATABASE_URL: a replica needs"):
        load({"AMANA_VAR_DIR": str(tmp_path), "AMANA_REPLICA_DATABASE_URL": url})


# --- AMANA_MIGRATE_DATABASE_URL: the owner role -------------------------------------------------

OWNER_URL = "postgresql://amana_owner:pw2@db.example.org:5432/amana"


def test_production_owner_commands_require_the_owner_url(tmp_path):
    with pytest.raises(ConfigError) as err:
        load(_production(tmp_path), as_owner=True)
    message = str(err.value)
    assert message.startswith("AMANA_MIGRATE_DATABASE_URL: required when AMANA_ENV=production")
    assert "\n" not in message


def test_production_app_processes_do_not_need_the_owner_url(tmp_path):
    config = load(_production(tmp_path), as_owner=False)
    assert config.migrate_database_url == ""
    assert config.process_database_url == config.database_url


def test_an_owner_command_connects_with_the_owner_url(tmp_path):
    env = _production(tmp_path, AMANA_MIGRATE_DATABASE_URL=OWNER_URL)
    owner = load(env, as_owner=True)
    app = load(env, as_owner=False)
    assert owner.process_database_url == OWNER_URL
    assert app.process_database_url == env["DATABASE_URL"]
    assert owner.app_database_role == app.app_database_role == "amana"


def test_outside_production_one_role_may_do_everything(tmp_path):
    env = {"AMANA_VAR_DIR": str(tmp_path), "DATABASE_URL": "postgresql://amana@db/amana"}
    config = load(env, as_owner=True)
    assert config.process_database_url == "postgresql://amana@db/amana"


def test_on_sqlite_one_connection_does_everything(tmp_path):
    config = load(_production(tmp_path, DATABASE_URL=""), as_owner=True)
    assert config.process_database_url.startswith("sqlite:///")
    assert config.app_database_role == ""


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"DATABASE_URL": ""}, "only for PostgreSQL"),
        ({"AMANA_MIGRATE_DATABASE_URL": "mysql://o:p@db.example.org/amana"}, "postgresql://"),
        (
            {"AMANA_MIGRATE_DATABASE_URL": "postgresql://o:p@db.example.org:5432/other"},
            "same database as DATABASE_URL",
        ),
        (
            {"AMANA_MIGRATE_DATABASE_URL": "postgresql://o:p@elsewhere.example.org/amana"},
            "same database as DATABASE_URL",
        ),
        (
            {"AMANA_MIGRATE_DATABASE_URL": "postgresql://o:p@db.example.org:6432/amana"},
            "same database as DATABASE_URL",
        ),
        (
            {"AMANA_MIGRATE_DATABASE_URL": "postgresql://amana:pw@db.example.org/amana"},
            "names the same role as DATABASE_URL",
        ),
        (
            {"AMANA_MIGRATE_DATABASE_URL": "postgresql://o:p@db.example.org:port/amana"},
            "port is not a number",
        ),
    ],
)
def test_a_wrong_owner_url_is_named(tmp_path, overrides, fragment):
    env = _production(tmp_path, AMANA_MIGRATE_DATABASE_URL=OWNER_URL)
    env.update(overrides)
    env = {key: value for key, value in env.items() if value}
    with pytest.raises(ConfigError) as err:
        load(env, as_owner=False)
    message = str(err.value)
    assert message.startswith("AMANA_MIGRATE_DATABASE_URL") and fragment in message
    assert "\n" not in message


def test_the_default_port_is_the_same_database(tmp_path):
    env = _production(
        tmp_path,
        DATABASE_URL="postgresql://amana:pw@db.example.org/amana",
        AMANA_MIGRATE_DATABASE_URL=OWNER_URL,
    )
    assert load(env, as_owner=True).process_database_url == OWNER_URL


def test_the_app_role_must_be_named_when_there_is_an_owner(tmp_path):
    env = _production(
        tmp_path,
        DATABASE_URL="postgresql://db.example.org:5432/amana",
        AMANA_MIGRATE_DATABASE_URL=OWNER_URL,
    )
    with pytest.raises(ConfigError) as err:
        load(env, as_owner=True)
    assert str(err.value).startswith("DATABASE_URL: name the application's role")

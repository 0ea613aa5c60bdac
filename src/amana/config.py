"""Settings read from the environment, with one clear line for anything missing or malformed.

No Django import here: the CLI uses this to fail fast before Django starts.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

ENV_DEMO = "demo"
ENV_PRODUCTION = "production"
ENV_TEST = "test"
KNOWN_ENVS = (ENV_DEMO, ENV_PRODUCTION, ENV_TEST)
KEY_BYTES = 32
EXCEPTIONAL_DAYS = 7
SESSION_MAX_HOURS = 12
REPLICA_MAX_LAG = 30
SEAL_CRON = "* * * * *"  # seal the audit log and sign a checkpoint every minute
REMINDERS_CRON = "0 * * * *"  # overdue referrals, hourly (one reminder per referral and day)
OVERDUE_TASKS_CRON = "30 * * * *"  # overdue tasks, hourly (each overdue task notified once)
EMAIL_SCHEMES = ("smtp", "smtp+tls", "console")
CRON_OFF = ("off", "none", "never")


class ConfigError(Exception):
    """A setting is missing or malformed. The message names the setting."""


@dataclass(frozen=True)
class Config:
    env: str
    var_dir: Path
    secret_key: str = field(repr=False)
    database_url: str = field(repr=False)
    allowed_hosts: list[str]
    field_keys: dict[str, bytes] = field(repr=False)
    active_field_key: str
    blind_index_key: bytes = field(repr=False)
    email_url: str = field(repr=False)
    # HMAC key of the audit chain, and the Ed25519 key that signs checkpoints (outside the DB).
    audit_key: bytes = field(default=b"", repr=False)
    checkpoint_signing_key: bytes = field(default=b"", repr=False)
    checkpoint_dir: Path = Path("var/checkpoints")
    checkpoint_every: int = 1000
    csrf_trusted_origins: list[str] = field(default_factory=list)
    require_2fa: bool = False
    debug: bool = False
    # How many days an approved exceptional circumstance supports sharing without consent.
    exceptional_days: int = EXCEPTIONAL_DAYS
    # The address of the TLS-terminating proxy whose X-Forwarded-Proto/-For headers are
    # believed ("" = none: the headers are ignored, the peer address is the client's).
    trusted_proxy: str = ""
    # Absolute session lifetime: a session ends this many hours after log-in, active or not.
    session_max_hours: int = SESSION_MAX_HOURS
    # A streaming replica that reports and dashboards may read from ("" = none: all reads on
    # the primary), and how far behind it may be, in seconds, before they fall back to it.
    replica_database_url: str = field(default="", repr=False)
    replica_max_lag: int = REPLICA_MAX_LAG
    # The owner role's URL (AMANA_MIGRATE_DATABASE_URL, PostgreSQL only; "" = one role does both),
    # and whether this process connects as the owner (`migrate`, `keys rotate`, `restore`, `flush`).
    migrate_database_url: str = field(default="", repr=False)
    as_owner: bool = False

    # When the worker (or, on SQLite, the in-process scheduler) runs the periodic jobs: a
    # five-field cron expression in UTC, or "" when the operator switched the job off.
    jobs_seal_cron: str = SEAL_CRON
    jobs_reminders_cron: str = REMINDERS_CRON
    jobs_overdue_tasks_cron: str = OVERDUE_TASKS_CRON

    # Where users reach Amana (https://amana.example.org): the link in notification e-mails
    # ("" = the e-mail says to sign in, without a link). The sender address of those e-mails.
    public_url: str = ""
    email_from: str = ""

    @property
    def process_database_url(self) -> str:
        """The URL this process connects with: the owner's for owner commands, when there is one."""
        if self.as_owner and self.migrate_database_url:
            return self.migrate_database_url
        return self.database_url

    @property
    def app_database_role(self) -> str:
        """The role `DATABASE_URL` names: the one migrate grants to ("" on SQLite)."""
        if not self.database_url.startswith("postgres"):
            return ""
        return unquote(urlparse(self.database_url).username or "")

    @property
    def production(self) -> bool:
        return self.env == ENV_PRODUCTION


def _var_dir(environ: dict[str, str]) -> Path:
    raw = environ.get("AMANA_VAR_DIR", "").strip()
    path = Path(raw) if raw else Path.cwd() / "var"
    return path.resolve()


def _read_or_create_secret(path: Path, nbytes: int) -> str:
    """Demo secrets live in var/, generated once, readable by the owner only."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = base64.urlsafe_b64encode(secrets.token_bytes(nbytes)).decode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


def _decode_key(name: str, raw: str) -> bytes:
    try:
        key = base64.b64decode(raw.encode(), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ConfigError(f"{name}: expected url-safe base64, got an undecodable value") from exc
    if len(key) != KEY_BYTES:
        raise ConfigError(f"{name}: expected a {KEY_BYTES}-byte key, got {len(key)} bytes")
    return key


def parse_field_keys(raw: str) -> tuple[dict[str, bytes], str]:
    """`AMANA_FIELD_KEYS="k2:BASE64,k1:BASE64"`: the first key encrypts, all decrypt."""
    keys: dict[str, bytes] = {}
    active = ""
    for position, item in enumerate(part.strip() for part in raw.split(",") if part.strip()):
        key_id, sep, encoded = item.partition(":")
        if not sep or not (key_id.isascii() and key_id.isalnum()):
            raise ConfigError(
                f"AMANA_FIELD_KEYS[{position}]: expected 'keyid:base64key' with an "
                f"alphanumeric key id, got {item[:12]!r}…"
            )
        if key_id in keys:
            raise ConfigError(f"AMANA_FIELD_KEYS[{position}]: key id {key_id!r} appears twice")
        keys[key_id] = _decode_key(f"AMANA_FIELD_KEYS[{position}]", encoded)
        active = active or key_id
    if not keys:
        raise ConfigError("AMANA_FIELD_KEYS: expected at least one 'keyid:base64key'")
    return keys, active


def _email_url(environ: dict[str, str], env: str) -> str:
    """`EMAIL_URL`: smtp://user:pass@host:port, smtp+tls://…, console:// (mail printed on
    the console), or empty for no e-mail. Unset: console:// outside production, none in it."""
    if "EMAIL_URL" not in environ:
        return "" if env == ENV_PRODUCTION else "console://"
    url = environ["EMAIL_URL"].strip()
    if not url:
        return ""
    try:
        parsed = urlparse(url)
        port = parsed.port
    except ValueError as exc:
        raise ConfigError("EMAIL_URL: the port is not a number between 0 and 65535") from exc
    if parsed.scheme not in EMAIL_SCHEMES:
        raise ConfigError(
            "EMAIL_URL: expected smtp://, smtp+tls://, console:// or empty, "
            f"got scheme {parsed.scheme!r}"
        )
    if parsed.scheme != "console" and not parsed.hostname:
        raise ConfigError("EMAIL_URL: an smtp URL needs a host (smtp://user:pass@host:port)")
    if port == 0:
        raise ConfigError("EMAIL_URL: the port is not a number between 1 and 65535")
    return url


def _email_from(environ: dict[str, str]) -> str:
    sender = environ.get("AMANA_EMAIL_FROM", "").strip()
    if sender and (sender.count("@") != 1 or any(c.isspace() for c in sender)):
        raise ConfigError("AMANA_EMAIL_FROM: expected one address, like amana@example.org")
    return sender


def _public_url(environ: dict[str, str]) -> str:
    url = environ.get("AMANA_PUBLIC_URL", "").strip().rstrip("/")
    if url and (urlparse(url).scheme not in ("http", "https") or not urlparse(url).hostname):
        raise ConfigError("AMANA_PUBLIC_URL: expected an http:// or https:// URL with a host")
    return url


def _split_list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def _database_url(environ: dict[str, str], var_dir: Path) -> str:
    url = environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{var_dir / 'amana.sqlite3'}"
    scheme = urlparse(url).scheme
    if scheme not in ("sqlite", "postgres", "postgresql"):
        raise ConfigError(
            f"DATABASE_URL: expected a sqlite:/// or postgresql:// URL, got scheme {scheme!r}"
        )
    return url


def _replica_url(environ: dict[str, str]) -> str:
    url = environ.get("AMANA_REPLICA_DATABASE_URL", "").strip()
    if url and urlparse(url).scheme not in ("postgres", "postgresql"):
        raise ConfigError(
            "AMANA_REPLICA_DATABASE_URL: expected a postgresql:// URL of a streaming replica, "
            f"got scheme {urlparse(url).scheme!r}"
        )
    if url and urlparse(_database_url(environ, Path())).scheme == "sqlite":
        raise ConfigError("AMANA_REPLICA_DATABASE_URL: a replica needs DATABASE_URL on PostgreSQL")
    return url


MIGRATE_URL = "AMANA_MIGRATE_DATABASE_URL"
_connect_as_owner = False


def connect_as_owner() -> None:
    """Called by the `amana` CLI before Django starts, for the commands that change the schema or
    rewrite stored data: this process then connects with AMANA_MIGRATE_DATABASE_URL."""
    global _connect_as_owner  # noqa: PLW0603
    _connect_as_owner = True


def _where(name: str, url: str) -> tuple[str, int, str]:
    """Host, port and database name of a PostgreSQL URL."""
    parsed = urlparse(url)
    try:
        port = parsed.port or 5432
    except ValueError:
        raise ConfigError(f"{name}: the port is not a number") from None
    return (parsed.hostname or "", port, unquote(parsed.path.lstrip("/")))


def _migrate_database_url(
    environ: dict[str, str], env: str, database_url: str, as_owner: bool
) -> str:
    """`AMANA_MIGRATE_DATABASE_URL`: the role that owns the tables, on the database DATABASE_URL
    names. Required in production on PostgreSQL by the commands that run as the owner."""
    raw = environ.get(MIGRATE_URL, "").strip()
    on_postgresql = database_url.startswith("postgres")
    if not raw:
        if as_owner and on_postgresql and env == ENV_PRODUCTION:
            raise ConfigError(
                f"{MIGRATE_URL}: required when AMANA_ENV=production on PostgreSQL: migrate, "
                "keys rotate and restore connect as the role that owns the tables"
            )
        return ""
    if not on_postgresql:
        raise ConfigError(
            f"{MIGRATE_URL}: only for PostgreSQL; with SQLite one connection does everything, "
            "unset it"
        )
    _check_owner_url(raw, database_url)
    return raw


def _check_owner_url(raw: str, database_url: str) -> None:
    """The owner URL names the same database as DATABASE_URL, with another, named role."""
    if urlparse(raw).scheme not in ("postgres", "postgresql"):
        raise ConfigError(
            f"{MIGRATE_URL}: expected a postgresql:// URL, got scheme {urlparse(raw).scheme!r}"
        )
    if _where(MIGRATE_URL, raw) != _where("DATABASE_URL", database_url):
        raise ConfigError(
            f"{MIGRATE_URL}: must name the same database as DATABASE_URL (host, port and "
            "name), with the owner role as its user"
        )
    owner = unquote(urlparse(raw).username or "")
    app = unquote(urlparse(database_url).username or "")
    if not app:
        raise ConfigError(
            "DATABASE_URL: name the application's role as the URL's user when "
            f"{MIGRATE_URL} is set (migrate grants that role its privileges)"
        )
    if owner == app:
        raise ConfigError(
            f"{MIGRATE_URL}: names the same role as DATABASE_URL ({owner or 'none'}); it must "
            "be the role that owns the tables, DATABASE_URL the application's role"
        )


def _bool(environ: dict[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}: expected true or false, got {raw!r}")


def _positive_int(environ: dict[str, str], name: str, default: int, unit: str = "days") -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name}: expected a whole number of {unit}, at least 1, got {raw!r}")
    return int(raw)


def _trusted_proxy(environ: dict[str, str]) -> str:
    """One proxy IP address, as the server sees the connection; never a wildcard or a name."""
    raw = environ.get("AMANA_TRUSTED_PROXY", "").strip()
    if not raw:
        return ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        raise ConfigError(
            f"AMANA_TRUSTED_PROXY: expected the one IP address of your TLS proxy, got {raw!r}"
        ) from None


def _cron(environ: dict[str, str], name: str, default: str) -> str:
    """A periodic job's schedule: five cron fields (minute hour day month weekday, UTC), or
    "off" to leave the job to the operator's own scheduler."""
    raw = " ".join(environ.get(name, "").split())
    if not raw:
        return default
    if raw.lower() in CRON_OFF:
        return ""
    from croniter import croniter  # procrastinate's own cron parser

    if len(raw.split(" ")) != 5 or not croniter.is_valid(raw):
        raise ConfigError(
            f"{name}: expected five cron fields (minute hour day month weekday) or off, got {raw!r}"
        )
    return raw


def _require_2fa(environ: dict[str, str], env: str) -> bool:
    required = _bool(environ, "AMANA_REQUIRE_2FA", env == ENV_PRODUCTION)
    if env == ENV_PRODUCTION and not required:
        raise ConfigError("AMANA_REQUIRE_2FA: cannot be false when AMANA_ENV=production")
    return required


def _secret(environ: dict[str, str], name: str, env: str, fallback: Path, nbytes: int) -> str:
    raw = environ.get(name, "").strip()
    if raw:
        return raw
    if env == ENV_PRODUCTION:
        raise ConfigError(f"{name}: required when AMANA_ENV=production")
    return _read_or_create_secret(fallback, nbytes)


def _checkpoint_signing_key(environ: dict[str, str], env: str, var_dir: Path) -> bytes:
    """`AMANA_CHECKPOINT_SIGNING_KEY`: a 32-byte Ed25519 private key in url-safe base64, or the
    path of a PEM file holding one (unencrypted PKCS#8)."""
    name = "AMANA_CHECKPOINT_SIGNING_KEY"
    raw = environ.get(name, "").strip()
    if raw and not raw.startswith(("/", "./")) and not raw.endswith(".pem"):
        return _decode_key(name, raw)
    if raw:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        try:
            key = serialization.load_pem_private_key(Path(raw).read_bytes(), password=None)
        except (OSError, ValueError, TypeError) as exc:
            raise ConfigError(f"{name}: cannot read an Ed25519 PEM private key from {raw}") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise ConfigError(f"{name}: {raw} holds a key that is not Ed25519")
        return key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
    if env == ENV_PRODUCTION:
        raise ConfigError(f"{name}: required when AMANA_ENV=production")
    return _decode_key(name, _read_or_create_secret(var_dir / "checkpoint_signing_key", KEY_BYTES))


UNCONFIRMED_SUFFIX = ".unconfirmed"
# Key files this process generated: only those may be withdrawn by `amana.crypto.keycheck`
# (a marker left by another process, e.g. a test run, says nothing about this one's key).
_GENERATED_HERE: set[Path] = set()


def _field_keys(environ: dict[str, str], env: str, var_dir: Path) -> tuple[dict[str, bytes], str]:
    field_raw = environ.get("AMANA_FIELD_KEYS", "").strip()
    if not field_raw:
        if env == ENV_PRODUCTION:
            raise ConfigError("AMANA_FIELD_KEYS: required when AMANA_ENV=production")
        path = var_dir / "field_key"
        if not path.exists():
            # A generated key stays unconfirmed until `amana.crypto.keycheck` has seen that the
            # database holds no encrypted data; if it does, the key file is removed again.
            path.parent.mkdir(parents=True, exist_ok=True)
            path.with_name(path.name + UNCONFIRMED_SUFFIX).touch(mode=0o600)
            _GENERATED_HERE.add(path)
        field_raw = "demo1:" + _read_or_create_secret(path, KEY_BYTES)
    return parse_field_keys(field_raw)


def generated_field_key(var_dir: Path) -> Path | None:
    """The demo/test key file `load` generated in this process and not yet checked against
    the database."""
    path = var_dir / "field_key"
    marker = path.with_name(path.name + UNCONFIRMED_SUFFIX)
    return path if marker.exists() and path in _GENERATED_HERE else None


def load(environ: dict[str, str] | None = None, *, as_owner: bool | None = None) -> Config:
    """The configuration from `environ` (default: the process environment). `as_owner`: whether
    the process connects as the owner role (default: as `connect_as_owner` said)."""
    env_map = dict(os.environ if environ is None else environ)
    owner = _connect_as_owner if as_owner is None else as_owner
    env = env_map.get("AMANA_ENV", ENV_DEMO).strip() or ENV_DEMO
    if env not in KNOWN_ENVS:
        raise ConfigError(f"AMANA_ENV: expected one of {', '.join(KNOWN_ENVS)}, got {env!r}")
    var_dir = _var_dir(env_map)
    secret_key = _secret(env_map, "SECRET_KEY", env, var_dir / "secret_key", 48)
    if env == ENV_PRODUCTION and len(secret_key) < 50:
        raise ConfigError("SECRET_KEY: expected at least 50 characters in production")
    field_keys, active = _field_keys(env_map, env, var_dir)
    audit_raw = _secret(env_map, "AMANA_AUDIT_KEY", env, var_dir / "audit_key", KEY_BYTES)
    audit_key = _decode_key("AMANA_AUDIT_KEY", audit_raw)
    signing_key = _checkpoint_signing_key(env_map, env, var_dir)
    checkpoint_raw = env_map.get("AMANA_CHECKPOINT_DIR", "").strip()
    checkpoint_dir = Path(checkpoint_raw).resolve() if checkpoint_raw else var_dir / "checkpoints"
    blind_raw = _secret(env_map, "AMANA_BLIND_INDEX_KEY", env, var_dir / "blind_index_key", 32)
    blind_key = _decode_key("AMANA_BLIND_INDEX_KEY", blind_raw)
    hosts = _split_list(env_map.get("ALLOWED_HOSTS", ""))
    if not hosts:
        if env == ENV_PRODUCTION:
            raise ConfigError("ALLOWED_HOSTS: required when AMANA_ENV=production")
        hosts = ["127.0.0.1", "localhost", "testserver"]
    database_url = _database_url(env_map, var_dir)
    return Config(
        env=env,
        var_dir=var_dir,
        secret_key=secret_key,
        database_url=database_url,
        migrate_database_url=_migrate_database_url(env_map, env, database_url, owner),
        as_owner=owner,
        allowed_hosts=hosts,
        field_keys=field_keys,
        active_field_key=active,
        blind_index_key=blind_key,
        email_url=_email_url(env_map, env),
        email_from=_email_from(env_map),
        public_url=_public_url(env_map),
        csrf_trusted_origins=_split_list(env_map.get("CSRF_TRUSTED_ORIGINS", "")),
        require_2fa=_require_2fa(env_map, env),
        debug=_bool(env_map, "AMANA_DEBUG", False),
        exceptional_days=_positive_int(env_map, "AMANA_EXCEPTIONAL_DAYS", EXCEPTIONAL_DAYS),
        audit_key=audit_key,
        checkpoint_signing_key=signing_key,
        checkpoint_dir=checkpoint_dir,
        checkpoint_every=_positive_int(env_map, "AMANA_CHECKPOINT_EVERY", 1000, "entries"),
        trusted_proxy=_trusted_proxy(env_map),
        session_max_hours=_positive_int(
            env_map, "AMANA_SESSION_MAX_HOURS", SESSION_MAX_HOURS, unit="hours"
        ),
        replica_database_url=_replica_url(env_map),
        replica_max_lag=_positive_int(
            env_map, "AMANA_REPLICA_MAX_LAG", REPLICA_MAX_LAG, unit="seconds"
        ),
        jobs_seal_cron=_cron(env_map, "AMANA_JOBS_SEAL_CRON", SEAL_CRON),
        jobs_reminders_cron=_cron(env_map, "AMANA_JOBS_REMINDERS_CRON", REMINDERS_CRON),
        jobs_overdue_tasks_cron=_cron(env_map, "AMANA_JOBS_OVERDUE_TASKS_CRON", OVERDUE_TASKS_CRON),
    )

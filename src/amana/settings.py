"""Django settings. Every value comes from the environment through `amana.config`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.utils.translation import gettext_lazy as _

from amana import config as amana_config

CONFIG = amana_config.load()
BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = CONFIG.var_dir

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = CONFIG.allowed_hosts
CSRF_TRUSTED_ORIGINS = CONFIG.csrf_trusted_origins
AMANA_ENV = CONFIG.env
AMANA_REQUIRE_2FA = CONFIG.require_2fa
AMANA_FIELD_KEYS = CONFIG.field_keys
AMANA_ACTIVE_FIELD_KEY = CONFIG.active_field_key
AMANA_BLIND_INDEX_KEY = CONFIG.blind_index_key
AMANA_EXCEPTIONAL_DAYS = CONFIG.exceptional_days
AMANA_AUDIT_KEY = CONFIG.audit_key
AMANA_CHECKPOINT_SIGNING_KEY = CONFIG.checkpoint_signing_key
AMANA_CHECKPOINT_DIR = CONFIG.checkpoint_dir
AMANA_CHECKPOINT_EVERY = CONFIG.checkpoint_every
AMANA_TRUSTED_PROXY = CONFIG.trusted_proxy


def _database(url: str) -> dict[str, Any]:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        name = unquote(parsed.path) or str(VAR_DIR / "amana.sqlite3")
        if name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def _test_owner_credentials() -> dict[str, str] | None:
    """Test runs with two roles only: the owner role's USER and PASSWORD, for what the app role
    may not do to the test database (create, migrate and flush it; tests acting as someone who
    holds the owner's rights). See `amana.core.db_roles.connected_as_owner`."""
    if CONFIG.env != amana_config.ENV_TEST or CONFIG.as_owner or not CONFIG.migrate_database_url:
        return None
    owner = _database(CONFIG.migrate_database_url)
    return {"USER": owner["USER"], "PASSWORD": owner["PASSWORD"]}


# The owner role for the commands that change the schema or rewrite data, the app role for
# everything else (docs/adr/0008-two-database-roles.md).
DATABASES = {"default": _database(CONFIG.process_database_url)}
if CONFIG.env == amana_config.ENV_TEST and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # One test database per test process, so parallel runs on one server never collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
# Reports and dashboards read from a streaming replica when one is configured; every write
# and every other read goes to the primary (amana.core.dbrouter, docs/deployment.md). Under
# the tests on PostgreSQL, "replica" is a second, separate test database that only tests
# asking for it create, and that reads are routed to only where a test turns routing on.
if CONFIG.replica_database_url:
    DATABASES["replica"] = _database(CONFIG.replica_database_url)
elif CONFIG.env == amana_config.ENV_TEST and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    _replica_test_name = f"test_{DATABASES['default']['NAME']}_replica_{os.getpid()}"
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"NAME": _replica_test_name}}
AMANA_READ_REPLICA = "replica" if CONFIG.replica_database_url else ""
AMANA_REPLICA_MAX_LAG = CONFIG.replica_max_lag
DATABASE_ROUTERS = ["amana.core.dbrouter.ReplicaRouter"]
AMANA_APP_DATABASE_ROLE = CONFIG.app_database_role
AMANA_TEST_OWNER_CREDENTIALS = _test_owner_credentials()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "procrastinate.contrib.django",
    "amana.core",
    "amana.audit",
    "amana.jobs",
    "amana.crypto",
    "amana.idempotency",
    "amana.accounts",
    "amana.refdata",
    "amana.notifications",
    "amana.cases",
    "amana.caseforms",
    "amana.protocols",
    "amana.sharing",
    "amana.consent",
    "amana.reports",
    "amana.referrals",
    "amana.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "amana.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "amana.core.middleware.LoginRequiredMiddleware",
    "amana.core.middleware.InputGuardMiddleware",
    "amana.idempotency.middleware.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Django's form renderer, with the field, label, error and choice widget templates written in
# Python (amana.core.formrender): the same HTML at a fraction of the cost.
FORM_RENDERER = "amana.core.formrender.FastRenderer"

ROOT_URLCONF = "amana.urls"
WSGI_APPLICATION = "amana.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "amana.core.context_processors.shell",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
# ModelBackend, with the user read together with their agency, roles and whether they have a
# two-factor device: one query a request (amana.accounts.backends).
AUTHENTICATION_BACKENDS = ["amana.accounts.backends.AccountBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 minutes without activity, when the browser closes, and in any case
# AMANA_SESSION_MAX_HOURS after log-in (core.middleware.LoginRequiredMiddleware). The
# session is written when it changes and renewed at most once a minute (amana.core.sessions).
SESSION_ENGINE = "amana.core.sessions"
SESSION_COOKIE_AGE = 30 * 60
AMANA_SESSION_MAX_AGE = CONFIG.session_max_hours * 3600
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A failed CSRF check answers a styled page in the user's language (JSON under /api/).
CSRF_FAILURE_VIEW = "amana.core.error_pages.csrf_failure"

# Log-in throttle (amana.accounts.throttle): failures for one username count together from
# every address; after the free ones each failure imposes a delay that doubles up to the cap.
# One address failing for many usernames is delayed the same way.
AMANA_LOGIN_THROTTLE = {
    "USERNAME_FREE_FAILURES": 5,
    "ADDRESS_FREE_FAILURES": 20,
    "FIRST_DELAY": 30,
    "MAX_DELAY": 15 * 60,
    "FORGET_AFTER": 24 * 3600,
}
# The throttle's counters live in their own cache: on disk under var/ (shared by the threads
# and processes of one host, kept across restarts), in memory for tests.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"}
        if CONFIG.env == amana_config.ENV_TEST
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "throttle"),
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    ),
}

OTP_TOTP_ISSUER = "Amana"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if CONFIG.production:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    STORAGES["staticfiles"]["BACKEND"] = "amana.core.staticstorage.GzipManifestStaticFilesStorage"

if CONFIG.trusted_proxy:
    # Believe X-Forwarded-Proto only when a trusted proxy is configured. `amana serve` also
    # has waitress drop the header from any other peer, and take the client address from
    # X-Forwarded-For only from the proxy (core/management/commands/serve.py).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# EMAIL_URL (config.py checked it): smtp[+tls]://, console://, or empty for no e-mail at all.
AMANA_EMAIL_ENABLED = bool(CONFIG.email_url)
AMANA_PUBLIC_URL = CONFIG.public_url
DEFAULT_FROM_EMAIL = CONFIG.email_from or "amana@localhost"
if CONFIG.email_url.startswith("smtp"):
    _mail = urlparse(CONFIG.email_url)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or 587
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_TLS = _mail.scheme == "smtp+tls"
elif CONFIG.email_url:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "amana.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Amana API",
    "DESCRIPTION": "Child protection case management with the sharing protocol enforced.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

# Background jobs (docs/architecture.md, "Background jobs"). On PostgreSQL a job is a row in
# procrastinate's tables, written in the enqueuing action's transaction and run by
# `amana worker`. On SQLite (the demo) procrastinate cannot run: jobs run in the same process
# after the commit, and `amana serve` runs the periodic ones from a scheduler thread.
AMANA_JOBS_IN_PROCESS = DATABASES["default"]["ENGINE"].endswith("sqlite3")
AMANA_JOBS_SEAL_CRON = CONFIG.jobs_seal_cron
AMANA_JOBS_REMINDERS_CRON = CONFIG.jobs_reminders_cron
AMANA_JOBS_OVERDUE_TASKS_CRON = CONFIG.jobs_overdue_tasks_cron
# Each app declares its jobs in its own `jobs.py`, found by procrastinate's autodiscovery.
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "jobs"
# Jobs that succeeded are deleted; failed ones stay, the dead-letter list (/jobs/failed/).
PROCRASTINATE_WORKER_DEFAULTS = {"delete_jobs": "successful"}
if AMANA_JOBS_IN_PROCESS:
    # procrastinate's migrations are PostgreSQL functions and types: none on SQLite.
    MIGRATION_MODULES = {"procrastinate": None}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

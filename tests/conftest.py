from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from amana.accounts.models import User
from tests.factories import PASSWORD, AgencyFactory, UserFactory

# --- Two database roles: the owner creates, migrates and drops the test database, the tests run
# as the app role (tests/dbroles.py). pytest-django's django_db_setup runs between these two.

_APP_CREDENTIALS: dict[str, str] = {}


def _default_connects_as(credentials: dict[str, str]) -> None:
    from django.db import connections

    # "replica" (settings.py) is a second test database on the same server: the same roles.
    for alias in ("default", "replica"):
        if alias in connections.settings:
            connection = connections[alias]
            connection.close()
            connection.settings_dict.update(credentials)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Before pytest-django creates the test database: connect as the owner."""
    from django.conf import settings
    from django.db import connections

    owner = settings.AMANA_TEST_OWNER_CREDENTIALS
    if owner:
        default = connections["default"].settings_dict
        _APP_CREDENTIALS.update(USER=default["USER"], PASSWORD=default["PASSWORD"])
        _default_connects_as(owner)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> Iterator[None]:
    """The database is created and migrated (its post_migrate granted the app role its
    privileges): run the tests as the app role, then let the owner drop the database."""
    from django.conf import settings

    owner = settings.AMANA_TEST_OWNER_CREDENTIALS
    if not owner:
        yield
        return
    _default_connects_as(_APP_CREDENTIALS)
    yield
    _default_connects_as(owner)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """PBKDF2 costs half a second a user; tests check behaviour, not hashing strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_login_throttle() -> None:
    """The log-in throttle counts in a process-wide cache: each test starts with none."""
    from django.core.cache import caches

    caches["throttle"].clear()


@pytest.fixture(autouse=True)
def _nothing_kept() -> None:
    """Rarely changed rows are kept per process for a minute (`amana.core.kept`: places,
    lookup lists, form versions): each test starts with none, so that a rolled-back test's
    rows are not shown in the next."""
    from amana.core.kept import forget

    forget()


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(*roles: str, agency: object = None, **kwargs: object) -> User:
        if agency is not None:
            kwargs["agency"] = agency
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def agency(db: None):
    return AgencyFactory()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture(autouse=True)
def _checkpoints_per_test(settings, tmp_path_factory) -> None:
    """Each test its own checkpoint file: a checkpoint of a rolled-back test's log must not
    be checked against the next test's."""
    settings.AMANA_CHECKPOINT_DIR = tmp_path_factory.mktemp("checkpoints")

from __future__ import annotations

from collections.abc import Callable

import pytest

from amana.accounts.models import User
from tests.factories import PASSWORD, AgencyFactory, UserFactory


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

"""EMAIL_URL: smtp://, smtp+tls://, console:// or empty (no e-mail); anything else stops
start-up with a message naming the variable."""

from __future__ import annotations

import pytest

from amana.config import ConfigError, load


@pytest.fixture(autouse=True)
def var_dir(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("tests.notifications.test_email_url.BASE", {"AMANA_VAR_DIR": str(tmp_path)})


BASE: dict[str, str] = {}


def _email(value: str | None) -> str:
    return load(BASE if value is None else BASE | {"EMAIL_URL": value}).email_url


@pytest.mark.parametrize(
    "url",
    ["smtp://user:p%40ss@mail.example.org:587", "smtp+tls://mail.example.org:465", "console://"],
)
def test_accepted_urls(
    url,
):
    assert _email(url) == url


def test_empty_means_no_email_and_unset_means_console_outside_production():
    assert _email("") == ""
    assert _email(None) == "console://"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.example.org", "EMAIL_URL: expected smtp://"),
        ("smtp://", "EMAIL_URL: an smtp URL needs a host"),
        ("smtp://mail.example.org:notaport", "EMAIL_URL: the port"),
        ("mail.example.org", "EMAIL_URL: expected smtp://"),
    ],
)
def test_bad_values_name_the_variable(
    url,
    message,
):
    with pytest.raises(ConfigError, match=message):
        _email(url)


def test_the_public_url_must_be_http():
    with pytest.raises(ConfigError, match="AMANA_PUBLIC_URL"):
        load(BASE | {"AMANA_PUBLIC_URL": "amana.example.org"})
    assert load(BASE | {"AMANA_PUBLIC_URL": "https://a.example.org/"}).public_url == (
        "https://a.example.org"
    )

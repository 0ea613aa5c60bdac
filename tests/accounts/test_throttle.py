"""The log-in throttle: one username's failures count from every address, the delay grows
and ends, one address failing for many usernames is slowed, the proxy header is ignored."""

from __future__ import annotations

import pytest

from amana.accounts import throttle
from amana.accounts.roles import Role

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
WRONG = "wrong-password-here"


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(throttle, "_now", fake)
    return fake


def _login(client, username: str, password: str, address: str = "10.0.0.1", **extra: str):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def test_right_password_from_another_address_is_refused_during_the_delay(
    client, make_user, password, clock
):
    user = make_user(Role.CASEWORKER)
    for n in range(5):
        assert _login(client, user.username, WRONG, address=f"10.0.0.{n}").status_code == 200
    response = _login(client, user.username, password, address="192.168.7.7")
    assert response.status_code == 429
    assert b"Try again in 30 seconds" in response.content
    assert client.get("/").status_code == 302


def test_eighty_guesses_from_twenty_addresses_are_delayed(client, make_user, password, clock):
    user = make_user(Role.CASEWORKER)
    answers = []
    for n in range(80):
        answers.append(_login(client, user.username, WRONG, address=f"10.1.{n % 20}.1"))
        clock.now += 1
    heard = [n for n, r in enumerate(answers) if r.status_code == 200]
    # The five free failures, then one more when the first 30-second delay ran out; the
    # next delay (60 s) outlasts the rest. Nothing else reached the password check.
    assert heard == [0, 1, 2, 3, 4, 34]
    assert all(answers[n].status_code == 429 for n in range(80) if n not in heard)


def test_the_delay_doubles_is_capped_and_ends(client, make_user, password, clock):
    user = make_user(Role.CASEWORKER)
    for _ in range(5):
        _login(client, user.username, WRONG)
    assert throttle.check(user.username, "10.9.9.9").wait == 30
    clock.now += 31
    _login(client, user.username, WRONG)  # the sixth failure: 60 seconds
    assert throttle.check(user.username, "10.9.9.9").wait == 60
    for _ in range(12):
        clock.now += 10_000
        _login(client, user.username, WRONG)
    assert throttle.check(user.username, "10.9.9.9").wait == 15 * 60  # capped
    clock.now += 15 * 60 + 1
    assert _login(client, user.username, password, address="10.9.9.9").status_code == 302
    assert client.get("/").status_code == 200


def test_attempts_during_the_delay_do_not_lengthen_it(client, make_user, password, clock):
    """Nobody can keep the owner out for longer than one delay by hammering during it."""
    user = make_user(Role.CASEWORKER)
    for _ in range(5):
        _login(client, user.username, WRONG)
    for _ in range(50):
        assert _login(client, user.username, WRONG, address="10.6.6.6").status_code == 429
    clock.now += 31
    assert _login(client, user.username, password, address="10.7.7.7").status_code == 302


def test_success_forgets_the_failures(client, make_user, password, clock):
    user = make_user(Role.CASEWORKER)
    for _ in range(4):
        _login(client, user.username, WRONG)
    assert _login(client, user.username, password).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        _login(client, user.username, WRONG)
    assert _login(client, user.username, password).status_code == 302


def test_one_address_trying_many_usernames_is_throttled(client, make_user, password, clock):
    users = [make_user(Role.CASEWORKER) for _ in range(3)]
    for n in range(20):
        assert _login(client, f"nobody-{n}", WRONG, address="10.66.0.1").status_code == 200
    flooded = _login(client, users[0].username, password, address="10.66.0.1")
    assert flooded.status_code == 429
    # The flood slowed that address, not the accounts: from elsewhere they log in.
    assert _login(client, users[1].username, password, address="10.0.0.2").status_code == 302


def test_the_forwarded_header_is_not_the_address(client, make_user, password, clock):
    """X-Forwarded-For is believed only by waitress, from the trusted proxy (which then
    rewrites REMOTE_ADDR); here one address rotating the header is still one address."""
    for n in range(20):
        _login(client, f"nobody-{n}", WRONG, address="10.77.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}")
    assert throttle.check("someone-else", "10.77.0.1").wait == 30


@pytest.mark.parametrize(("failures", "delay"), [(4, 0), (5, 30), (6, 60), (7, 120), (99, 900)])
def test_delay_after(failures, delay):
    assert throttle.delay_after(failures, 5) == delay


def test_usernames_count_whatever_their_case(client, make_user, password, clock):
    user = make_user(Role.CASEWORKER)
    for n in range(5):
        _login(client, user.username.upper() if n % 2 else user.username, WRONG)
    assert _login(client, user.username, password, address="10.3.3.3").status_code == 429


def test_odd_usernames_make_valid_cache_keys(client, clock):
    odd = "a b\tc" + "x" * 50
    for _ in range(5):
        assert _login(client, odd, WRONG).status_code == 200
    assert throttle.check(odd, "10.0.0.1").wait == 30

"""Every URL pattern, visited anonymously: only the allowlist answers anything but "log in".

A new pattern fails here unless the login wall covers it, or it is added to PUBLIC on purpose.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils.regex_helper import normalize

pytestmark = pytest.mark.django_db

# The explicit allowlist: URL names reachable without logging in.
PUBLIC = {
    "accounts:login": "the login page",
    "health": "load balancer and monitoring probe",
    "set_language": "switching language before logging in",
}
# Values tried, in order, for each URL parameter; the first its converter or regex accepts wins.
SAMPLES = ("1", "00000000-0000-4000-8000-000000000001", "sample", "sample-slug", "a/b")
LOGIN_REDIRECT = re.compile(r"^/accounts/login/\?next=")


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    pattern: URLPattern


def _route_part(pattern: RoutePattern) -> str:
    def sample(match: re.Match[str]) -> str:
        converter = pattern.converters[match.group("name")]
        for value in SAMPLES:
            if re.fullmatch(converter.regex, value):
                return value
        raise AssertionError(f"no sample value for converter {converter!r}; extend SAMPLES")

    return re.sub(r"<(?:[^>:]+:)?(?P<name>[^>]+)>", sample, str(pattern))


def _regex_part(pattern: RegexPattern) -> str:
    template, params = normalize(pattern.regex.pattern)[0]
    for values in itertools.product(SAMPLES, repeat=len(params)):
        candidate = template % dict(zip(params, values, strict=True))
        if pattern.regex.match(candidate):
            return candidate
    raise AssertionError(f"no sample path for regex {pattern.regex.pattern!r}; extend SAMPLES")


def _part(pattern: object) -> str:
    if isinstance(pattern, RoutePattern):
        return _route_part(pattern)
    if isinstance(pattern, RegexPattern):
        return _regex_part(pattern)
    if isinstance(pattern, LocalePrefixPattern):
        return pattern.language_prefix
    raise AssertionError(f"unknown pattern type {type(pattern).__name__}")


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in resolver.url_patterns:
        path = prefix + _part(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, path, inner)
        else:
            name = f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.lookup_str}>"
            yield Route(name=name, path="/" + path, pattern=entry)


ROUTES = list(_walk(get_resolver()))


def test_the_walk_finds_the_known_patterns():
    names = {route.name for route in ROUTES}
    assert {"core:home", "accounts:users", "api-docs", "api-schema", *PUBLIC} <= names


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_each_sample_path_resolves_to_its_own_pattern(route):
    assert resolve(route.path).func == route.pattern.callback


def _assert_walled(response, route: Route, method: str) -> None:
    where = f"{method} {route.path} ({route.name})"
    if route.path.startswith("/api/"):
        assert response.status_code == 401, f"{where} answered {response.status_code}"
        assert response["Content-Type"].startswith("application/json"), where
        return
    assert response.status_code == 302, f"{where} answered {response.status_code}"
    assert LOGIN_REDIRECT.match(response["Location"]), f"{where} went to {response['Location']}"


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_anonymous_visitor_meets_the_login_wall(client, route):
    if route.name in PUBLIC:
        pytest.skip(f"public on purpose: {PUBLIC[route.name]}")
    _assert_walled(client.get(route.path), route, "GET")
    _assert_walled(client.post(route.path, {"field": "value"}), route, "POST")


def test_allowlist_names_only_existing_patterns():
    assert set(PUBLIC) <= {route.name for route in ROUTES}


def test_public_pages_answer_anonymously(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/health").status_code == 200
    switched = client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"})
    assert switched.status_code == 302 and switched["Location"] == "/accounts/login/"


def test_static_files_answer_anonymously(client):
    response = client.get("/static/amana/amana.css")
    assert response.status_code == 200
    assert b"--accent" in b"".join(response.streaming_content)


def test_unknown_path_redirects_to_login_without_saying_it_does_not_exist(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 302 and LOGIN_REDIRECT.match(response["Location"])
    assert client.get("/api/no/such/endpoint/").status_code == 401


def test_login_redirect_keeps_the_full_path_encoded(client):
    response = client.get("/accounts/users/?page=2&q=x")
    assert response["Location"] == "/accounts/login/?next=/accounts/users/%3Fpage%3D2%26q%3Dx"


def test_prefix_of_a_public_path_is_not_public(client):
    assert client.get("/healthz").status_code == 302
    assert client.get("/accounts/login/extra/").status_code == 302

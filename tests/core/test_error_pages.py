"""Error pages: styled, in the user's language (Arabic right to left), within the CSP; JSON
under /api/. The 500 page renders even when the request's context cannot be built."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.utils import translation

from amana.accounts.roles import Role
from amana.core.error_pages import server_error
from tests.cases.helpers import register
from tests.core.pages import csp_violations, parse
from tests.core.queries import flat, queries

pytestmark = pytest.mark.django_db
STYLESHEET = "/static/amana/amana.css"
HEADINGS = {
    404: {"en": "Page not found", "fr": "Page introuvable", "ar": "الصفحة غير موجودة"},
    403: {"en": "Not allowed", "fr": "Non autorisé", "ar": "غير مسموح"},
    500: {"en": "Something went wrong", "fr": "Un problème est survenu", "ar": "حدث خطأ ما"},
}
EXPIRED = {
    "en": "The form has expired",
    "fr": "Le formulaire a expiré",
    "ar": "انتهت صلاحية النموذج",
}
ERROR_URLS = override_settings(ROOT_URLCONF="tests.core.error_urls")
# The session, the user, their two-factor devices (two tables, read twice), the session save
# (three, with its savepoint), the roles for the navigation and the agency in the header.
NOT_FOUND_BUDGET = 11


def _in(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _signed_in(client: Client, make_user, language: str) -> Client:
    client.force_login(make_user(Role.CASEWORKER))
    return _in(client, language)


def _assert_styled(response, status: int, language: str, heading: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = parse(response.content)
    html = page.find("html")[0]
    assert html.attrs["lang"] == language
    assert html.attrs["dir"] == ("rtl" if language == "ar" else "ltr")
    assert page.find("link")[0].attrs["href"] == STYLESHEET
    assert f'id="error-heading">{heading}</h1>' in response.text
    assert csp_violations(response.content) == []


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_an_unknown_address_is_a_styled_page_in_the_users_language(client, make_user, language):
    response = _signed_in(client, make_user, language).get("/no/such/page/")
    _assert_styled(response, 404, language, HEADINGS[404][language])
    assert "Not Found" not in response.text
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert parse(response.content).find("nav"), "the signed-in user keeps the navigation"


def test_an_unknown_address_under_api_stays_json(client, make_user):
    response = _signed_in(client, make_user, "fr").get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"error": "Introuvable."}


def test_an_anonymous_visitor_of_an_unknown_address_is_still_sent_to_log_in(client):
    response = _in(client, "ar").get("/no/such/page/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@ERROR_URLS
@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_refusal_is_a_styled_page_in_the_users_language(client, make_user, language):
    response = _signed_in(client, make_user, language).get("/broken/refuse/")
    _assert_styled(response, 403, language, HEADINGS[403][language])


@ERROR_URLS
def test_a_refusal_under_api_stays_json(client, make_user):
    response = _signed_in(client, make_user, "en").get("/api/v1/broken/refuse/")
    assert response.status_code == 403
    assert json.loads(response.content) == {"error": "You may not do this."}


@ERROR_URLS
@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_an_unexpected_error_is_a_styled_page_in_the_users_language(make_user, language):
    client = _signed_in(Client(raise_request_exception=False), make_user, language)
    response = client.get("/broken/error/")
    _assert_styled(response, 500, language, HEADINGS[500][language])
    assert "a bug" not in response.text and "Traceback" not in response.text


class _Unreachable:
    """Stands for a user or a session that cannot be loaded (the database is down)."""

    def __getattr__(self, name: str) -> object:
        raise RuntimeError("the database is down")


def test_the_500_page_needs_neither_the_request_context_nor_the_database(
    django_assert_num_queries,
):
    """Rendered without context processors: they read the user and the session, which may be
    what broke."""
    request = RequestFactory().get("/cases/")
    request.user = _Unreachable()
    request.session = _Unreachable()
    with translation.override("ar"), django_assert_num_queries(0):
        response = server_error(request)
    _assert_styled(response, 500, "ar", HEADINGS[500]["ar"])
    assert parse(response.content).find("nav") == []  # nothing that needs the user


@ERROR_URLS
def test_the_500_page_answers_even_when_its_template_fails(make_user):
    client = _signed_in(Client(raise_request_exception=False), make_user, "fr")
    with mock.patch("amana.core.error_pages.loader.get_template", side_effect=OSError("disk")):
        response = client.get("/broken/error/")
    assert response.status_code == 500
    assert "Un problème est survenu" in response.text and 'lang="fr"' in response.text
    assert csp_violations(response.content) == []


@ERROR_URLS
def test_an_unexpected_error_under_api_stays_json(make_user):
    client = _signed_in(Client(raise_request_exception=False), make_user, "en")
    response = client.get("/api/v1/broken/error/")
    assert response.status_code == 500
    assert json.loads(response.content) == {"error": "Something went wrong on our side."}


@ERROR_URLS
def test_a_suspicious_request_is_a_styled_400_page(client, make_user):
    response = _signed_in(client, make_user, "ar").get("/broken/suspicious/")
    assert response.status_code == 400
    page = parse(response.content)
    assert page.find("html")[0].attrs["dir"] == "rtl"
    assert csp_violations(response.content) == []


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_form_that_fails_the_csrf_check_gets_a_styled_page(make_user, language):
    client = _signed_in(Client(enforce_csrf_checks=True), make_user, language)
    response = client.post("/accounts/password/", {"old_password": "x"})
    _assert_styled(response, 403, language, EXPIRED[language])
    assert "CSRF verification failed" not in response.text


def test_a_form_with_its_csrf_token_is_not_refused(make_user):
    """The twin: the same post with the token reaches the view, whose form answers it (400,
    naming the missing fields)."""
    client = _signed_in(Client(enforce_csrf_checks=True), make_user, "en")
    client.get("/accounts/password/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post("/accounts/password/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 400
    assert EXPIRED["en"] not in response.text and 'aria-invalid="true"' in response.text


def test_the_404_page_costs_the_same_whatever_the_agency_holds(client, make_user):
    """Query budget: what every signed-in page costs, and nothing of the agency's rows."""
    user = make_user(Role.CASEWORKER)
    client.force_login(user)
    few = queries(lambda: client.get("/no/such/page/"), status=404)
    for _ in range(3):
        register(user)
    many = queries(lambda: client.get("/no/such/page/"), status=404)
    flat(few, many, NOT_FOUND_BUDGET, "the 404 page")

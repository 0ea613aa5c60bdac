"""The checks every end-to-end page is under (tests/e2e/conftest.py) see what they must: a
style attribute or an inline script the CSP blocks, an uncaught script error, a stylesheet
that fails to load. Each test provokes one on a real page, finds it noted, then clears it so
the page itself passes."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def _noted(page, words: str, within: float = 5.0) -> list[str]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = [error for error in page.console_errors if words in error]
        if found:
            return found
        page.wait_for_timeout(50)
    return []


@pytest.fixture
def login_page(new_page):
    page = new_page()
    page.goto("/accounts/login/")
    assert page.console_errors == []
    return page


def test_a_style_attribute_set_by_script_is_a_csp_violation(login_page):
    login_page.evaluate(
        "() => { const p = document.createElement('p'); p.setAttribute('style', 'color: red');"
        " document.body.append(p); }"
    )
    assert _noted(login_page, "CSP violation: style-src")
    login_page.console_errors.clear()


def test_an_inline_style_in_swapped_html_is_a_csp_violation(login_page):
    login_page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">')")
    assert _noted(login_page, "CSP violation: style-src")
    login_page.console_errors.clear()


def test_an_inline_script_is_a_csp_violation(login_page):
    login_page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.append(s); }"
    )
    assert _noted(login_page, "CSP violation: script-src")
    assert login_page.evaluate("window.ran") is None
    login_page.console_errors.clear()


def test_an_uncaught_script_error_is_noted(login_page):
    login_page.evaluate("setTimeout(() => { throw new Error('boom in a handler'); }, 0)")
    assert _noted(login_page, "boom in a handler")
    login_page.console_errors.clear()


def test_a_stylesheet_that_fails_to_load_is_noted(login_page):
    login_page.evaluate(
        "() => { const link = document.createElement('link'); link.rel = 'stylesheet';"
        " link.href = '/static/amana/missing.css'; document.head.append(link); }"
    )
    assert _noted(login_page, "/static/amana/missing.css")
    login_page.console_errors.clear()


def test_a_clean_page_notes_nothing(login_page):
    """The twin: the login page itself, and logging in, raise nothing."""
    login_page.get_by_label("Username").fill("nobody")
    login_page.get_by_label("Password").fill("wrong password")
    login_page.get_by_role("button", name="Log in").click()
    login_page.wait_for_load_state()
    assert login_page.console_errors == []

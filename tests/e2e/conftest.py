"""End-to-end tests: Debian's Chromium, driven by Playwright, against Django's live server.

Run with `pytest tests/e2e` (marker `e2e`). They skip, saying why, when /usr/bin/chromium or the
playwright package is missing; `playwright install` is never needed (the system browser is used).

Every page a test opens through `new_page` is watched: a console error, an uncaught script
error, a CSP violation or a stylesheet, script, image or font that fails to load fails the test
when it ends, whatever the test itself asserts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _missing() -> str:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install playwright)"
    return ""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    reason = _missing()
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser(django_db_setup: None) -> Iterator[Any]:
    """One Chromium for the session. Playwright's sync API keeps an event loop running in this
    thread; the tests' own database calls (setting up users and cases) are plain synchronous
    code all the same, so Django is told not to refuse them while the browser is open."""
    from playwright.sync_api import sync_playwright

    before = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if before is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = before


# Reported to the console by every page, so a blocked inline style or script fails the test
# even where Chromium's own message would be missed; an init script is not subject to the CSP.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile || location.pathname}:${event.lineNumber})`);
});
"""
# Sub-resources a page cannot do without; a failed one is an error (pages answering 4xx on
# purpose, and htmx requests answered 400 with a form's errors, are the tests' business).
ESSENTIAL_RESOURCES = frozenset({"stylesheet", "script", "image", "font"})


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """Pages in fresh browser contexts (one per person). Every page fails its test on any
    console error, uncaught script error, CSP violation or failed stylesheet, script, image
    or font: `page.console_errors` collects them and is checked when the test ends (a test
    that provokes one on purpose clears it)."""
    contexts: list[Any] = []
    pages: list[Any] = []

    def make(locale: str = "en-GB", **options: Any) -> Any:
        context = browser.new_context(base_url=live_server.url, locale=locale, **options)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("page", lambda opened: _watch(opened, pages))  # tabs a page opens too
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        _watch(page, pages)
        return page

    yield make
    found = _errors_of(pages)
    for context in contexts:
        context.close()
    if found:
        pytest.fail("errors in the browser:\n" + "\n".join(found), pytrace=False)


def _watch(page: Any, pages: list[Any]) -> None:
    if hasattr(page, "console_errors"):
        return
    pages.append(page)
    page.console_errors = []  # script errors and CSP violations; HTTP statuses aside
    page.on("console", lambda message: _note_error(page, message))
    page.on("pageerror", lambda error: page.console_errors.append(f"uncaught: {error}"))
    page.on("response", lambda response: _note_failed_resource(page, response))
    page.on("requestfailed", lambda request: _note_failed_request(page, request))


def _errors_of(pages: list[Any]) -> list[str]:
    found = []
    for page in pages:
        if not page.is_closed():
            page.wait_for_timeout(0)  # lets events still in flight arrive
        found += [f"{page.url}: {error}" for error in page.console_errors]
    return found


def _note_error(page: Any, message: Any) -> None:
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        page.console_errors.append(message.text)


def _note_failed_resource(page: Any, response: Any) -> None:
    if response.request.resource_type in ESSENTIAL_RESOURCES and response.status >= 400:
        page.console_errors.append(f"{response.status} for {response.url}")


def _note_failed_request(page: Any, request: Any) -> None:
    """A failed load, unless the browser itself cancelled it (the page navigated away)."""
    if request.resource_type in ESSENTIAL_RESOURCES and "ERR_ABORTED" not in str(request.failure):
        page.console_errors.append(f"{request.failure} for {request.url}")


def log_in(page: Any, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

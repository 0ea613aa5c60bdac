"""The case pages in a real browser: registration, the case page, right to left, not found,
the filters' partial refresh, and the case-management cycle from assessment to closure."""

from __future__ import annotations

import re

import pytest

from amana.accounts.roles import Role
from amana.caseforms.models import FormRecord
from amana.cases.models import Case
from tests.cases.helpers import ensure_lookups, register
from tests.e2e.conftest import log_in
from tests.e2e.helpers import simple_forms
from tests.factories import PASSWORD, AgencyFactory, UserFactory

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect
CASE_URL = re.compile(r".*/cases/[0-9a-f-]{36}/$")


@pytest.fixture
def team(transactional_db):
    ensure_lookups()
    agency = AgencyFactory(slug="ngo-e2e", name="NGO Test", case_prefix="E2E")
    worker = UserFactory(roles=[Role.CASEWORKER], agency=agency, username="worker.e2e")
    boss = UserFactory(roles=[Role.SUPERVISOR], agency=agency, username="boss.e2e")
    return worker, boss


def test_caseworker_registers_a_child_through_the_wizard(new_page, team):
    worker, boss = team
    page = new_page()
    log_in(page, worker.username, PASSWORD)
    page.get_by_role("link", name="Cases").click()
    page.get_by_role("link", name="Register a child").first.click()

    page.get_by_label("Full name").fill("Yusra Ali")
    page.get_by_label("Date of birth").fill("2015-06-01")
    page.get_by_label("Sex").select_option("female")
    page.get_by_role("button", name="Next").click()

    page.wait_for_url("**/cases/new/people/")
    page.locator("#id_p0-relationship").select_option("mother")
    page.locator("#id_p0-full_name").fill("Fatima Ali")
    page.locator("#id_p0-is_caregiver").check()
    page.get_by_role("button", name="Next").click()

    page.wait_for_url("**/cases/new/case/")
    page.get_by_label("High").check()
    page.get_by_label("Neglect").check()
    page.get_by_label("Location").select_option("XX-C1-B1")
    page.get_by_label("Supervisor").select_option(label=boss.username)
    page.get_by_role("button", name="Next").click()

    page.wait_for_url("**/cases/new/check/")
    assert "Yusra Ali" in page.content() and "Fatima Ali" in page.content()
    page.get_by_role("button", name="Register the child").click()

    page.wait_for_url(CASE_URL)
    case = Case.objects.get()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert case.case_number in heading
    assert "registered" in page.locator(".messages").inner_text()
    assert "Yusra Ali" in page.content() and "Initial assessment due" in page.content()
    assert "Yusra" not in page.url
    assert page.console_errors == []


def test_the_arabic_interface_is_right_to_left(new_page, team):
    worker, _boss = team
    register(worker)
    page = new_page()
    log_in(page, worker.username, PASSWORD)
    page.goto("/cases/")
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state()
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ar"
    # The layout mirrors: the first table column sits on the right.
    first, last = (
        page.locator("thead th").first.bounding_box(),
        page.locator("thead th").last.bounding_box(),
    )
    assert first["x"] > last["x"]
    assert page.console_errors == []


def test_a_caseworker_of_another_agency_gets_not_found(new_page, team):
    worker, _boss = team
    case = register(worker)
    stranger = UserFactory(roles=[Role.CASEWORKER], agency=AgencyFactory(slug="ngo-other"))
    page = new_page()
    log_in(page, stranger.username, PASSWORD)
    response = page.goto(f"/cases/{case.pk}/")
    assert response.status == 404
    assert "Case not found" in page.get_by_role("heading", level=1).inner_text()
    assert "Amina" not in page.content()


def test_filters_refresh_only_the_table_and_the_address_follows(new_page, team):
    worker, _boss = team
    high = register(worker, name="First Child", risk="high")
    low = register(worker, name="Second Child", risk="low")
    page = new_page()
    log_in(page, worker.username, PASSWORD)
    page.goto("/cases/")
    page.evaluate("window.notReloaded = true")
    page.locator("#id_risk").select_option("low")
    page.wait_for_url("**/cases/?risk=low")
    expect(page.locator("#case-results")).not_to_have_class(re.compile("htmx-request"))
    expect(page.locator("#case-results")).not_to_contain_text(high.case_number)
    results = page.locator("#case-results").inner_text()
    assert low.case_number in results and high.case_number not in results
    assert page.evaluate("window.notReloaded") is True  # a partial refresh, not a new page
    assert page.console_errors == []


def test_name_search_refreshes_the_table_and_keeps_the_name_out_of_the_address(new_page, team):
    worker, _boss = team
    amina = register(worker, name="Amina Yusuf")
    omar = register(worker, name="Omar Said")
    page = new_page()
    log_in(page, worker.username, PASSWORD)
    page.goto("/cases/?risk=high")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Name or registration number").fill("omar")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#case-results")).to_contain_text("matching the name")
    results = page.locator("#case-results").inner_text()
    assert omar.case_number in results and amina.case_number not in results
    assert "omar" not in page.url.lower() and page.url.endswith("/cases/?risk=high")
    assert page.evaluate("window.notReloaded") is True
    assert page.console_errors == []


def _fill_and_submit(page, summary: str) -> None:
    page.locator("#id_summary").fill(summary)
    page.get_by_role("button", name="Submit").click()


def _start_form(page, case, title: str) -> None:
    page.goto(f"/cases/{case.pk}/")
    page.locator("ul.form-links").get_by_role("link", name=title).click()


def _approve(page, title: str) -> None:
    page.goto("/cases/approvals/")
    card = page.locator("section.approval", has_text=title)
    card.get_by_role("button", name="Approve").click()
    page.wait_for_url("**/cases/approvals/")
    assert "Approved." in page.locator(".messages").inner_text()


def test_assessment_bia_plan_follow_up_and_closure(new_page, team):
    worker, boss = team
    simple_forms()
    case = register(worker)
    case.supervisor = boss
    case.save()
    caseworker, supervisor = new_page(), new_page()
    log_in(caseworker, worker.username, PASSWORD)
    log_in(supervisor, boss.username, PASSWORD)

    _start_form(caseworker, case, "Test initial_assessment")
    _fill_and_submit(caseworker, "Seen at the office; safe with her mother tonight.")
    assert "Form completed." in caseworker.locator(".messages").inner_text()

    _start_form(caseworker, case, "Test bia")
    caseworker.locator("#id_summary").fill("Draft")
    caseworker.get_by_role("button", name="Save draft").click()
    assert "Draft saved." in caseworker.locator(".messages").inner_text()
    _fill_and_submit(caseworker, "Stay with the mother, with support.")
    assert "Submitted to the supervisor" in caseworker.locator(".messages").inner_text()
    _approve(supervisor, "Test bia")

    _start_form(caseworker, case, "Test case_plan")
    _fill_and_submit(caseworker, "School enrolment; weekly visits.")
    supervisor.goto("/cases/approvals/")
    card = supervisor.locator("section.approval", has_text="Test case_plan")
    card.get_by_role("button", name="Return for changes").click()
    assert "Note: say what needs to change" in supervisor.content()
    supervisor.get_by_label("Note to the caseworker").fill("Add the school's name.")
    supervisor.get_by_role("button", name="Return for changes").click()
    supervisor.wait_for_url("**/cases/approvals/")
    caseworker.goto(f"/cases/{case.pk}/")
    caseworker.locator("#forms-heading + .table-wrap").get_by_role(
        "link", name="Test case_plan"
    ).click()
    assert "Add the school" in caseworker.content()
    _fill_and_submit(caseworker, "Enrolment at the camp school; weekly visits.")
    _approve(supervisor, "Test case_plan")

    _start_form(caseworker, case, "Test follow_up")
    _fill_and_submit(caseworker, "Goes to school; no new concerns.")
    _start_form(caseworker, case, "Test closure")
    _fill_and_submit(caseworker, "Goals met.")
    _approve(supervisor, "Test closure")

    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert FormRecord.objects.filter(case=case).count() == 5
    caseworker.goto(f"/cases/{case.pk}/")
    assert "Closed" in caseworker.locator(".page-head").inner_text()
    supervisor.goto(f"/cases/{case.pk}/")
    supervisor.get_by_label("Why reopen the case?").fill("A new concern was reported.")
    supervisor.get_by_role("button", name="Reopen").click()
    assert "Case reopened." in supervisor.locator(".messages").inner_text()
    assert caseworker.console_errors == [] and supervisor.console_errors == []

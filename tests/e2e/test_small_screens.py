"""Every main page on a 375 px phone, in English and in Arabic (right to left), as the demo's
people who use it: the page never scrolls sideways and nothing of it reaches past the screen.
A wide table scrolls inside its own box, except those marked `stack` (the referral lists, the
consent history), which become one card per row and must not scroll at all. Pages refreshed
in place by htmx (the case list's filters, the referral and transfer previews) are checked
after the refresh, and the registration wizard step by step. On a 1366 px laptop no list's
table needs its sideways scroll: the consent history shows Notes and Receipt.

Console errors and CSP violations fail these tests too (tests/e2e/conftest.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.conf import settings

from amana.accounts.models import User
from amana.caseforms.actions import do_save_form
from amana.caseforms.models import FormRecord
from amana.cases.models import Case
from amana.consent.models import ConsentRecord
from amana.ops.demo.loader import DEMO_PASSWORD, load_demo
from amana.referrals.actions import ReferralInput, do_send_referral
from amana.referrals.models import Referral
from amana.sharing.actions import do_record_exceptional_circumstance
from amana.sharing.models import ExceptionalCircumstance
from tests.e2e.conftest import log_in

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1366, "height": 768}

# What reaches past the screen: the page's own scroll width, and each element whose box
# lies partly outside the viewport without a scrolling box of its own (or an ancestor's) that
# keeps it inside. Visually hidden text (clipped to nothing) is not seen, so not counted. A
# table.stack is a card per row on a phone: it must not need its box's sideways scroll.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const outside = (box) => box.right > width + 1 || box.left < -1;
  const clippedInside = (element) => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX !== "visible" || style.clipPath !== "none") {
        return !outside(up.getBoundingClientRect());
      }
    }
    return false;
  };
  const found = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || !outside(box)) continue;
    if (getComputedStyle(element).clipPath !== "none" || clippedInside(element)) continue;
    const classes = [...element.classList].map((name) => "." + name).join("");
    found.push(`${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}${classes}`
      + ` [${Math.round(box.left)}, ${Math.round(box.right)}]`);
  }
  const cards = [...document.querySelectorAll(".table-wrap")]
    .filter((box) => box.querySelector("table.stack") && box.scrollWidth > box.clientWidth)
    .map((box) => `table.stack ${box.scrollWidth} > ${box.clientWidth}`);
  return {scrollWidth: document.documentElement.scrollWidth, width, found: found.concat(cards)};
}"""


# Tables wider than their box (they scroll sideways inside it).
SCROLLING_TABLES = """() => [...document.querySelectorAll(".table-wrap")]
  .filter((box) => box.scrollWidth > box.clientWidth)
  .map((box) => `${location.pathname} ${box.querySelector("table").className || "table"}`
    + ` ${box.scrollWidth} > ${box.clientWidth}`)"""


@dataclass
class Demo:
    case: Case  # one of Amira's cases, with consent on record, a referral and a BIA submitted
    referral: Referral  # to UNHCR, waiting in Hana's inbox
    assessment: FormRecord  # the BIA, waiting for Leila's approval
    exceptional: ExceptionalCircumstance  # waiting for Leila's approval


@pytest.fixture
def demo(transactional_db: None) -> Demo:
    """The shipped demo operation, plus what makes the lists worth looking at: a referral
    from NGO C to UNHCR, a best-interests assessment and an exceptional circumstance waiting
    for the supervisor. All through the real write paths."""
    load_demo()
    amira = User.objects.get(username="amira.cw")
    case = ConsentRecord.objects.order_by("case__case_number").first().case
    referral = do_send_referral(
        case=case,
        data=ReferralInput(
            recipient="unhcr",
            service="resettlement_consideration",
            legal_basis="consent",
            elements=["full_name", "individual_id", "referral_summary"],
            written={"referral_summary": "Needs a resettlement assessment; the family is "
                     "under threat from a neighbour who has been to the shelter twice."},
        ),
        actor=amira,
    ).referral  # fmt: skip
    assert referral is not None
    assessment = do_save_form(case=case, form_id="bia", data=BIA, submit=True, actor=amira)
    exceptional = do_record_exceptional_circumstance(
        case=case,
        kind="vital_interests",
        description="Threats of violence against the child at the shelter tonight.",
        risk_assessment="Telling UNHCR where the child sleeps protects her.",
        recipient="unhcr",
        recipient_assessed_safe=True,
        actor=amira,
    )
    return Demo(case=case, referral=referral, assessment=assessment, exceptional=exceptional)


BIA = {
    "assessment_date": date.today().isoformat(),
    "bia_reason": "high_risk",
    "child_consulted": "yes",
    "child_views": "Wants to stay with her aunt and go back to school.",
    "care_arrangement": "kinship",
    "safety_and_risks": "Threats from a neighbour; the aunt keeps the child indoors at night.",
    "needs": "School enrolment, civil documentation, psychosocial support.",
    "recommendation": "Stay with the aunt, with weekly visits and support for schooling.",
    "supports_sharing": "yes",
    "bia_status": "completed",
}


class Walk:
    """One person's phone (one browser context, logged in once) walking pages in a language,
    noting each page that is wider than the screen."""

    def __init__(self, new_page: Any, live_server: Any, username: str, language: str) -> None:
        self.page = new_page(viewport=PHONE)
        self.language = language
        self.who = username or "anonymous"
        if username:
            log_in(self.page, username, DEMO_PASSWORD)
        self.page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        self.problems: list[str] = []
        self.checked: list[str] = []

    def visit(self, path: str, status: int = 200) -> Any:
        response = self.page.goto(path)
        assert response.status == status, f"{self.who} {path}: {response.status}"
        self.check(path)
        return self.page

    def check(self, label: str) -> None:
        page = self.page
        page.wait_for_load_state()
        direction = page.locator("html").get_attribute("dir")
        assert direction == ("rtl" if self.language == "ar" else "ltr"), label
        layout = page.evaluate(OVERFLOW)
        where = f"{self.language} {self.who} {label}"
        if layout["scrollWidth"] > layout["width"]:
            self.problems.append(f"{where}: page {layout['scrollWidth']} px wide")
        if layout["found"]:
            self.problems.append(f"{where}: past the screen: {', '.join(layout['found'][:6])}")
        self.checked.append(label)


def _caseworker(walk: Walk, demo: Demo) -> None:
    case = f"/cases/{demo.case.pk}"
    for path in (
        "/",
        "/cases/due/",
        f"{case}/",
        f"{case}/forms/initial_assessment/",
        f"/consent/cases/{demo.case.pk}/",
        "/consent/scripts/referral_immediate/",
        "/consent/form/referral_immediate/",
        f"/sharing/cases/{demo.case.pk}/exceptional/",
        f"/referrals/cases/{demo.case.pk}/closed/",
        "/referrals/sent/",
        "/referrals/inbox/",
        "/protocols/",
        "/accounts/password/",
    ):
        walk.visit(path)
    walk.visit("/no/such/page/", status=404)
    _register(walk)
    page = walk.visit("/cases/")
    page.locator("#id_risk").select_option("high")  # htmx refreshes the table in place
    page.wait_for_url("**/cases/?risk=high")
    page.wait_for_function("!document.querySelector('#case-results.htmx-request')")
    walk.check("/cases/?risk=high (htmx)")
    page = walk.visit(f"/referrals/cases/{demo.case.pk}/new/?service=legal_aid")
    page.locator("input[name=elements][value=referral_summary]").check()
    page.locator("#id_referral_summary").fill("Needs advice on documentation for the family.")
    _preview(walk, "#referral-panel")
    walk.visit(f"/referrals/cases/{demo.case.pk}/transfer/").locator("#id_recipient").select_option(
        "imc"
    )
    _preview(walk, "#transfer-panel")
    page = walk.visit("/sharing/can-i-share/")
    page.locator("#id_recipient").select_option(index=1)
    page.locator("#id_age").fill("12")
    page.locator("input[name=elements]").first.check()
    page.locator("form.can-i-share button[type=submit]").click()
    page.locator("#decision").wait_for()
    walk.check("/sharing/can-i-share/ (answered)")


def _register(walk: Walk) -> None:
    """The registration wizard, step by step, up to the check before registering."""
    page = walk.visit("/cases/new/")
    page.locator("#id_full_name").fill("محمد عبد الرحمن الحسيني")
    page.locator("#id_date_of_birth").fill("2015-06-01")
    _next(walk, "**/cases/new/people/")
    page.locator("#id_p0-relationship").select_option("mother")
    page.locator("#id_p0-full_name").fill("Fatemeh Hosseini")
    page.locator("#id_p0-is_caregiver").check()
    _next(walk, "**/cases/new/case/")
    page.locator("input[name=risk_level][value=high]").check()
    page.locator("input[name=concerns]").first.check()
    _next(walk, "**/cases/new/check/")


def _next(walk: Walk, url: str) -> None:
    walk.page.locator("button[name=action][value=next]").click()
    walk.page.wait_for_url(url)
    walk.check(url.removeprefix("**"))


def _preview(walk: Walk, panel: str) -> None:
    """The preview button: htmx posts the form and swaps the panel with the decision."""
    page = walk.page
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.locator(f"{panel} button[value=preview]").click()
    page.wait_for_function("!document.querySelector('.htmx-request')")
    page.locator(f"{panel} .decision").wait_for()
    walk.check(f"{page.url} (preview)")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_main_page_fits_a_phone(new_page, live_server, demo, language):
    anonymous = Walk(new_page, live_server, "", language)
    anonymous.visit("/accounts/login/")
    walks = [anonymous]

    amira = Walk(new_page, live_server, "amira.cw", language)
    _caseworker(amira, demo)
    walks.append(amira)

    leila = Walk(new_page, live_server, "leila.sup", language)
    for path in (
        "/",
        "/cases/approvals/",
        f"/cases/{demo.case.pk}/forms/bia/{demo.assessment.pk}/",
        "/cases/team/",
        f"/cases/{demo.case.pk}/",
        "/sharing/exceptional/",
        f"/sharing/exceptional/{demo.exceptional.pk}/",
        "/reports/",
        "/accounts/users/",
    ):
        leila.visit(path)
    walks.append(leila)

    hana = Walk(new_page, live_server, "hana.cw", language)
    for path in (
        "/referrals/inbox/",
        "/referrals/inbox/?show=all",
        f"/referrals/{demo.referral.pk}/",
    ):
        hana.visit(path)
    walks.append(hana)

    for username, paths in (
        ("omar.dp", ("/", "/sharing/can-i-share/", "/protocols/", "/accounts/users/")),
        ("sofia.im", ("/", "/reports/", "/cases/forms-admin/", "/cases/forms-admin/bia/")),
        ("grace.admin", ("/", "/accounts/users/", "/cases/forms-admin/")),
        ("paul.coord", ("/", "/protocols/")),
    ):
        walk = Walk(new_page, live_server, username, language)
        for path in paths:
            walk.visit(path)
        walks.append(walk)
    protocol = walks[-1].page.locator("main a[href^='/protocols/']").first
    protocol.click()
    walks[-1].check(walks[-1].page.url)

    problems = [problem for walk in walks for problem in walk.problems]
    assert not problems, "\n".join(problems)
    assert sum(len(walk.checked) for walk in walks) >= 45
    _tables_fit_a_laptop(new_page, live_server, demo, language)


def _tables_fit_a_laptop(new_page, live_server, demo: Demo, language: str) -> None:
    """On a 1366 px laptop no table needs its sideways scroll: every column, the consent
    history's Notes and Receipt included, is in view. (In the same test as the phone, so the
    demo is loaded once per language.)"""
    page = new_page(viewport=LAPTOP)
    log_in(page, "amira.cw", DEMO_PASSWORD)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    wide = []
    for path in (
        f"/consent/cases/{demo.case.pk}/",
        f"/cases/{demo.case.pk}/",
        "/cases/",
        "/cases/due/",
        "/referrals/sent/",
        "/referrals/inbox/?show=all",
    ):
        page.goto(path)
        wide += page.evaluate(SCROLLING_TABLES)
    assert wide == []
    page.goto(f"/consent/cases/{demo.case.pk}/")
    table = page.locator("table.consent-history")
    assert table.locator("tbody tr").count() >= 4
    box = table.locator("xpath=..").bounding_box()
    for heading in table.locator("thead th").all()[-2:]:  # Notes, Receipt
        cell = heading.bounding_box()
        assert box["x"] <= cell["x"] and cell["x"] + cell["width"] <= box["x"] + box["width"]
    assert table.locator("tbody tr").first.locator("td.receipt a").is_visible()

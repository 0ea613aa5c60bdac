"""Every main page, as each demo role, in English, French and Arabic: no raw codes in the text a
person reads (snake_case words, the protocol's reason codes such as `elements.not_agreed`), and
in French and Arabic no English label of a lookup list (concerns, services, nationalities).

The demo operation is loaded once through its loader; a referral is previewed and sent through
the pages, so the preview, the packet and the sharing ledger are walked too. Attribute values,
scripts and styles are not read: only what the page shows.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from amana.accounts.models import Agency, User
from amana.cases.models import Case
from amana.consent.models import ConsentRecord
from amana.ops.demo.loader import load_demo
from amana.ops.demo.spec import demo_spec
from amana.protocol.codes import Code, Obligation
from amana.refdata.models import Lookup
from amana.referrals.models import Referral

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "fr", "ar")
Known = tuple[set[str], frozenset[str]]  # English lookup labels, stored codes
SNAKE = re.compile(r"(?<![\w./@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/@-])")
REASON_CODES = sorted({str(code) for code in Code} | {str(o) for o in Obligation}, key=len)
PAGES = (
    "/",
    "/cases/",
    "/cases/team/",
    "/cases/due/",
    "/cases/new/",
    "/cases/approvals/",
    "/referrals/inbox/",
    "/referrals/sent/",
    "/sharing/can-i-share/",
    "/sharing/exceptional/",
    "/reports/",
    "/protocols/",
    "/protocols/demo-op-a@1/",
    "/accounts/users/",
)
CASE_PAGES = (
    "/cases/{id}/",
    "/consent/cases/{id}/",
    "/sharing/cases/{id}/exceptional/",
    "/referrals/cases/{id}/new/",
    "/referrals/cases/{id}/new/?service=resettlement_consideration",
    "/referrals/cases/{id}/transfer/",
)
REFERRAL = {
    "service": "resettlement_consideration",
    "elements": ["full_name", "sex", "individual_id", "referral_summary", "incident_narrative"],
    "referral_summary": "Needs an assessment.",
    "incident_narrative": "Told at the border.",
    "legal_basis": "consent",
    "label": "",
    "contact_method": "phone",
}
TRANSFER = {
    "recipient": "imc",
    "legal_basis": "consent",
    "elements": ["full_name", "sex", "case_summary", "related_people", "concerns", "drafts"],
    "step": "preview",
}
CAN_I_SHARE = {
    "sender": "ngo-psy",
    "recipient": "unhcr",
    "purpose": "referral_immediate",
    "service": "mental_health_care",
    "legal_basis": "consent",
    "on": "2026-03-10",
    "age": "12",
    "care_status": "with_parents",
    "caregiver_reachable": "on",
    "informing_caregiver_ok": "on",
    "caregiver_consent": "none",
    "child_assent": "none",
    "elements": ["full_name", "sex", "incident_narrative"],
}


class VisibleText(HTMLParser):
    """The text nodes a person reads: no attribute values, scripts or styles, and not the
    "Technical details" a data protection focal point opens to see the protocol's own names."""

    SKIPPED = frozenset({"script", "style", "template"})
    TECHNICAL = "technical-details"

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._open: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "details":
            technical = self.TECHNICAL in (dict(attrs).get("class") or "").split()
            self._open.append(technical)
            self._skipping += technical
        if tag in self.SKIPPED:
            self._skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "details" and self._open:
            self._skipping -= self._open.pop()
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def raw_codes(text: str, codes: frozenset[str] = frozenset()) -> set[str]:
    """snake_case words, the protocol's reason codes, and the stored codes given (nationality
    codes such as AFG, a child's sex as stored)."""
    found = set(SNAKE.findall(text))
    found |= {code for code in codes if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)}
    found |= {code for code in REASON_CODES if re.search(rf"(?<![\w.]){re.escape(code)}\b", text)}
    return found


def english_labels() -> set[str]:
    """The English labels of the lookup lists as stored, but for the words French writes the
    same way."""
    labels = set(Lookup.objects.values_list("label", flat=True))
    return {label for label in labels if label not in SAME_IN_FRENCH}


def stored_codes() -> frozenset[str]:
    """Codes stored as they are and never meant to be read: nationalities, a child's sex."""
    nationalities = Lookup.objects.filter(kind="nationalities").values_list("code", flat=True)
    return frozenset(nationalities) | {"female", "male"}


# Labels French writes the same way as English.
SAME_IN_FRENCH = frozenset({"Afghanistan", "Education", "Trafficking"})


def without_names(text: str) -> str:
    """The text less the agencies' names, proper names that may hold English ("NGO E (GBV
    case management)")."""
    for name in Agency.objects.values_list("name", flat=True):
        text = text.replace(name, "")
    return text


def find_problems(
    language: str, url: str, html: str, english: set[str], codes: frozenset[str] = frozenset()
) -> list[str]:
    text = visible_text(html)
    found = raw_codes(text, codes)
    problems = [f"{language} {url}: raw code {code!r}" for code in sorted(found)]
    text = without_names(text)
    if language != "en":
        for label in sorted(english):
            if re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text):
                problems.append(f"{language} {url}: English label {label!r}")
    return problems


def _client(user: User, language: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _a_case(user: User) -> Case | None:
    consented = ConsentRecord.objects.values_list("case_id", flat=True)
    own = Case.objects.filter(agency=user.agency).order_by("case_number")
    if own.filter(assignments__user=user).exists():
        own = own.filter(assignments__user=user)
    return own.filter(pk__in=consented).first() or own.first()


def _walk(user: User, language: str, known: Known, seen: set[str]) -> list[str]:
    client = _client(user, language)
    problems = []
    urls = [(url, url) for url in PAGES]
    case = _a_case(user)
    if case is not None:
        urls += [(url, url.format(id=case.pk)) for url in CASE_PAGES]
    urls += [("/referrals/{id}/", f"/referrals/{r.pk}/") for r in Referral.objects.all()[:2]]
    for page, url in urls:
        response = client.get(url)
        assert response.status_code < 500, f"{language} {url} as {user.username}"
        if response.status_code == 200:
            seen.add(page)
            problems += find_problems(language, url, response.content.decode(), *known)
    return problems


def _posted(user: User, language: str, known: Known, url: str, data: Any) -> list[str]:
    response = _client(user, language).post(url, data)
    assert response.status_code < 500, f"{language} POST {url}"
    return find_problems(language, f"POST {url}", response.content.decode(), *known)


def _send_a_referral(worker: User, case: Case) -> None:
    response = _client(worker, "en").post(
        f"/referrals/cases/{case.pk}/new/", REFERRAL | {"step": "send"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_no_page_shows_a_raw_code_or_an_english_lookup_label() -> None:
    load_demo()
    worker = User.objects.get(username="amira.cw")
    case = _a_case(worker)
    assert case is not None
    refer = f"/referrals/cases/{case.pk}/new/"
    _send_a_referral(worker, case)
    known = (english_labels(), stored_codes())
    problems: list[str] = []
    seen: set[str] = set()
    for language in LANGUAGES:
        problems += _posted(worker, language, known, refer, REFERRAL | {"step": "preview"})
        problems += _posted(worker, language, known, "/sharing/can-i-share/", CAN_I_SHARE)
        problems += _posted(
            worker, language, known, f"/referrals/cases/{case.pk}/transfer/", TRANSFER
        )
        for spec in demo_spec()["users"]:
            problems += _walk(User.objects.get(username=spec["username"]), language, known, seen)
    assert seen == {*PAGES, *CASE_PAGES, "/referrals/{id}/"}, "some pages were never shown"
    assert not problems, "\n".join(sorted(set(problems)))


def test_the_walk_sees_a_raw_code_and_an_english_label() -> None:
    """The checks themselves: a code or an English label in text is found; in an attribute or
    a script it is not."""
    html = (
        '<p title="not_seen">Statut : bia_status, elements.not_agreed, Legal aid</p>'
        "<script>var x_y = 1;</script>"
    )
    problems = find_problems("fr", "/x", html, {"Legal aid"})
    assert problems == [
        "fr /x: raw code 'bia_status'",
        "fr /x: raw code 'elements.not_agreed'",
        "fr /x: English label 'Legal aid'",
    ]
    assert find_problems("fr", "/x", "<p>NGC-2026-000012 amira.cw</p>", {"Legal aid"}) == []

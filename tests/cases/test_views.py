"""The case pages: who sees what, filters, the registration wizard, edits and conflicts, forms."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.cases import access, actions
from amana.cases.actions import do_update_case
from amana.cases.errors import ActionError
from amana.cases.models import Case, CaseAssignment, Child
from amana.cases.search import search_children
from amana.cases.views import WIZARD_KEY, registration_check
from amana.refdata.models import Lookup
from tests.cases.helpers import ensure_lookups, register
from tests.core.pages import csp_violations, parse
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    worker: object
    boss: object
    peer: object
    stranger: object
    case: Case


@pytest.fixture
def world() -> World:
    agency = AgencyFactory(slug="ngo-a", name="NGO Alpha", case_prefix="NGA")
    worker = UserFactory(roles=[Role.CASEWORKER], agency=agency, username="worker.a")
    boss = UserFactory(roles=[Role.SUPERVISOR], agency=agency, username="boss.a")
    peer = UserFactory(roles=[Role.CASEWORKER], agency=agency, username="peer.a")
    stranger = UserFactory(roles=[Role.CASEWORKER], agency=AgencyFactory(slug="ngo-b"))
    case = register(worker)
    case.supervisor = boss
    case.save()
    return World(worker, boss, peer, stranger, case)


def _as(client, user):
    client.force_login(user)
    return client


class FormValues(HTMLParser):
    """What a browser would send for the form posting to `action`: inputs, selects, textareas."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.values = action, False, []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in {"submit", "button"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.values.append(
                (a["name"], a.get("value", "on" if a.get("type") == "checkbox" else ""))
            )
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea:
            name, _old = self.values.pop()
            self.values.append((name, data))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_values(html: str, action: str) -> dict[str, list[str]]:
    parser = FormValues(action)
    parser.feed(html)
    values: dict[str, list[str]] = {}
    for name, value in parser.values:
        values.setdefault(name, []).append(value)
    return values


# --- Lists ---------------------------------------------------------------------------------


def test_my_cases_lists_the_case_with_the_childs_name_and_audits_the_read(client, world):
    page = _as(client, world.worker).get("/cases/")
    assert page.status_code == 200
    assert world.case.case_number in page.text and "Amina Yusuf" in page.text
    entry = AuditEntry.objects.filter(action="case.list", actor="worker.a").latest("id")
    assert entry.details["cases"] == [world.case.case_number]
    assert "Amina" not in json.dumps(entry.details)


def test_the_list_costs_the_same_queries_for_few_or_many_cases(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _as(client, world.worker)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/cases/").status_code == 200
        return len(captured)

    queries()  # warm what a process reads once (the places and concerns the filters offer)
    few = queries()
    for number in range(6):
        register(world.worker, name=f"Child Number{number}")
    assert queries() == few


def test_a_colleague_not_assigned_sees_an_empty_list(client, world):
    page = _as(client, world.peer).get("/cases/")
    assert page.status_code == 200
    assert world.case.case_number not in page.text and "Amina" not in page.text


def test_explicitly_assigned_im_officer_sees_the_case_with_the_name_masked(client, world):
    officer = UserFactory(roles=[Role.IM_OFFICER], agency=world.worker.agency)
    CaseAssignment.objects.create(case=world.case, user=officer, role=CaseAssignment.Role.OTHER)
    listing = _as(client, officer).get("/cases/")
    assert listing.status_code == 200
    assert world.case.case_number in listing.text
    assert "Amina" not in listing.text and "•••" in listing.text
    detail = client.get(f"/cases/{world.case.pk}/")
    assert detail.status_code == 200
    assert "Amina" not in detail.text and "Halima" not in detail.text and "•••" in detail.text


@pytest.fixture
def three_cases(world):
    ensure_lookups()
    high = world.case  # high risk, neglect, XX-C1-B1
    medium = register(world.worker, name="Omar Said", risk="medium")
    low = register(world.worker, name="Lina Haddad", risk="low")
    do_update_case(case=low, changes={"concerns": ["gbv"], "location": "XX-C1"},
                   expected_version=low.version, actor=world.worker)  # fmt: skip
    Case.objects.filter(pk=medium.pk).update(next_due_at=timezone.now() - timedelta(hours=2))
    Case.objects.filter(pk=low.pk).update(next_due_at=timezone.now() + timedelta(days=30))
    Case.objects.filter(pk=high.pk).update(next_due_at=timezone.now() + timedelta(days=2))
    return high, medium, low


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("risk=high", {0}),
        ("risk=low", {2}),
        ("concern=gbv", {2}),
        ("concern=neglect", {0, 1}),
        ("location=XX-C1", {0, 1, 2}),
        ("location=XX-C1-B1", {0, 1}),
        ("due=overdue", {1}),
        ("due=week", {0}),
        ("status=closed", set()),
        ("status=open&risk=medium", {1}),
    ],
)
def test_filters(client, world, three_cases, query, expected):
    page = _as(client, world.worker).get(f"/cases/?{query}")
    assert page.status_code == 200
    shown = {i for i, case in enumerate(three_cases) if case.case_number in page.text}
    assert shown == expected


def test_a_wrong_filter_is_400_naming_the_filter_and_the_others_still_apply(
    client, world, three_cases
):
    page = _as(client, world.worker).get("/cases/?risk=extreme&concern=gbv")
    assert page.status_code == 400
    assert "Risk: choose high, medium or low." in page.text
    assert three_cases[2].case_number in page.text and three_cases[0].case_number not in page.text


def test_htmx_filter_change_returns_only_the_table_and_resets_the_search_box(client, world):
    page = _as(client, world.worker).get("/cases/?risk=high", HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    assert "<html" not in page.text and "<table>" in page.text
    assert "HX-Request" in page["Vary"]
    assert world.case.case_number in page.text


def test_list_page_loads_htmx_from_static_and_keeps_to_the_csp(client, world):
    page = _as(client, world.worker).get("/cases/")
    scripts = [s.attrs["src"] for s in parse(page.content).find("script")]
    assert scripts == ["/static/amana/htmx.min.js"]
    assert csp_violations(page.content) == []
    form = next(f for f in parse(page.content).find("form") if f.attrs.get("id") == "case-filters")
    assert form.attrs["method"] == "get" and form.attrs["hx-push-url"] == "true"


@pytest.fixture
def name_search():
    """The name search the case lists use (a plain import there, no stand-in)."""
    return search_children


def test_name_search_goes_by_post_and_never_into_the_address(
    client, world, three_cases, name_search
):
    client = _as(client, world.worker)
    page = client.post("/cases/", {"q": "omar", "risk": ""}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    assert three_cases[1].case_number in page.text and three_cases[0].case_number not in page.text
    assert page["HX-Push-Url"] == "/cases/"
    assert "omar" not in page["HX-Push-Url"].lower()
    full = client.post("/cases/", {"q": "omar", "risk": "low"})
    assert full.status_code == 200 and "<html" in full.text
    assert three_cases[1].case_number not in full.text  # the filter still applies


def test_team_view_is_for_supervisors(client, world):
    page = _as(client, world.boss).get("/cases/team/")
    assert page.status_code == 200
    assert world.case.case_number in page.text and "worker.a" in page.text
    assert _as(client, world.worker).get("/cases/team/").status_code == 403


def test_due_this_week_lists_my_open_tasks_and_audits_the_read(client, world):
    page = _as(client, world.worker).get("/cases/due/")
    assert page.status_code == 200
    assert world.case.case_number in page.text and "Initial assessment due" in page.text
    assert AuditEntry.objects.filter(action="case.list", actor="worker.a").exists()
    other = _as(client, world.boss).get("/cases/due/")
    assert world.case.case_number not in other.text


def test_navigation_shows_cases_and_approvals_by_role(client, world):
    worker_page = _as(client, world.worker).get("/")
    links = [a.attrs.get("href") for a in parse(worker_page.content).find("a")]
    assert "/cases/" in links and "/cases/approvals/" not in links
    boss_page = _as(client, world.boss).get("/")
    links = [a.attrs.get("href") for a in parse(boss_page.content).find("a")]
    assert "/cases/" in links and "/cases/approvals/" in links
    admin = UserFactory(roles=[Role.AGENCY_ADMIN], agency=world.worker.agency)
    links = [a.attrs.get("href") for a in parse(_as(client, admin).get("/").content).find("a")]
    assert "/cases/" not in links
    page = client.get("/cases/")  # what access.py shows them: nothing, nobody assigned them
    assert page.status_code == 200 and world.case.case_number not in page.text


# --- The case page -------------------------------------------------------------------------


def test_case_page_shows_the_child_people_facts_and_tasks_and_is_audited(client, world):
    page = _as(client, world.worker).get(f"/cases/{world.case.pk}/")
    assert page.status_code == 200
    for text in (
        "Amina Yusuf",
        "Halima Yusuf",
        "Mother",
        "Neglect",
        "Block 1",
        "Initial assessment due",
    ):
        assert text in page.text
    assert AuditEntry.objects.filter(
        action="case.view", actor="worker.a", object_id=str(world.case.pk), outcome="ok"
    ).exists()
    assert csp_violations(page.content) == []


@pytest.mark.parametrize("who", ["stranger", "peer"])
def test_a_caseworker_who_is_not_on_the_case_gets_not_found(client, world, who):
    user = getattr(world, who)
    page = _as(client, user).get(f"/cases/{world.case.pk}/")
    assert page.status_code == 404
    assert "Case not found" in page.text and "Amina" not in page.text
    assert AuditEntry.objects.filter(
        action="case.view", actor=user.username, outcome="not_found"
    ).exists()
    assert (
        client.post(
            f"/cases/{world.case.pk}/edit/", {"risk_level": "low", "version": "1"}
        ).status_code
        == 404
    )


def test_a_case_that_does_not_exist_is_not_found_too(client, world):
    page = _as(client, world.worker).get("/cases/00000000-0000-4000-8000-000000000001/")
    assert page.status_code == 404


def _edit_data(case: Case, **changes) -> dict:
    current = {"risk_level": case.risk_level, "concerns": ["neglect"], "care_arrangement": "",
               "location": "XX-C1-B1", "is_refugee": False}  # fmt: skip
    data = {f"initial-{k}": (str(v) if isinstance(v, bool) else v) for k, v in current.items()}
    merged = current | changes
    data |= {k: v for k, v in merged.items() if k != "is_refugee"}
    if merged["is_refugee"]:
        data["is_refugee"] = "on"
    data["version"] = str(case.version)
    return data


def test_editing_the_case_facts_saves_only_what_changed(client, world):
    page = _as(client, world.worker).post(
        f"/cases/{world.case.pk}/edit/", _edit_data(world.case, risk_level="low")
    )
    assert page.status_code == 302
    world.case.refresh_from_db()
    assert world.case.risk_level == "low" and world.case.version == 2
    entry = AuditEntry.objects.filter(action="case.update").latest("id")
    assert entry.details["fields"] == ["risk_level"]


def test_an_invalid_edit_is_400_with_the_field_named_and_nothing_saved(client, world):
    page = _as(client, world.worker).post(
        f"/cases/{world.case.pk}/edit/", _edit_data(world.case, risk_level="extreme")
    )
    assert page.status_code == 400
    assert "Choose the risk level: high, medium or low." in page.text
    world.case.refresh_from_db()
    assert world.case.risk_level == "high" and world.case.version == 1


def test_the_second_save_is_refused_with_who_changed_what_and_the_typed_values_kept(client, world):
    opened = _edit_data(world.case, care_arrangement="kinship", is_refugee=True)
    do_update_case(
        case=world.case, changes={"risk_level": "low"}, expected_version=1, actor=world.boss
    )
    page = _as(client, world.worker).post(f"/cases/{world.case.pk}/edit/", opened)
    assert page.status_code == 409
    assert "boss.a" in page.text and "Risk level" in page.text and "Low" in page.text
    kept = form_values(page.text, f"/cases/{world.case.pk}/edit/")
    assert kept["care_arrangement"] == ["kinship"] and kept["is_refugee"] == ["on"]
    assert kept["risk_level"] == ["low"]  # the other person's change is not undone
    assert kept["version"] == ["2"]
    world.case.refresh_from_db()
    assert world.case.care_arrangement == "" and world.case.risk_level == "low"
    again = client.post(f"/cases/{world.case.pk}/edit/", kept)
    assert again.status_code == 302
    world.case.refresh_from_db()
    assert (world.case.risk_level, world.case.care_arrangement, world.case.is_refugee) == (
        "low",
        "kinship",
        True,
    )


def test_the_supervisor_assigns_a_colleague_who_can_then_open_the_case(client, world):
    url = f"/cases/{world.case.pk}/"
    assert _as(client, world.peer).get(url).status_code == 404
    assert (
        _as(client, world.worker)
        .post(f"{url}assign/", {"user": world.peer.pk, "role": "caseworker"})
        .status_code
        == 403
    )
    page = _as(client, world.boss).post(
        f"{url}assign/", {"user": world.peer.pk, "role": "caseworker"}
    )
    assert page.status_code == 302
    assert _as(client, world.peer).get(url).status_code == 200
    bad = _as(client, world.boss).post(
        f"{url}assign/", {"user": world.stranger.pk, "role": "caseworker"}
    )
    assert (
        bad.status_code == 400
        and "Colleague: choose an active colleague of your agency." in bad.text
    )
    gone = client.post(f"{url}unassign/", {"user": world.peer.pk})
    assert gone.status_code == 302
    assert _as(client, world.peer).get(url).status_code == 404


# --- Registration --------------------------------------------------------------------------

CHILD = {"full_name": "Yusra Ali", "other_names": "Yousra", "date_of_birth": "2015-06-01",
         "sex": "female", "nationality": "SD", "individual_id": "", "contact_phone": "", "address": ""}  # fmt: skip
PEOPLE = {"rows": "2", "p0-relationship": "mother", "p0-full_name": "Fatima Ali",
          "p0-contact_phone": "+249 912 000", "p0-is_caregiver": "on", "p0-lives_with_child": "on",
          "p1-relationship": "", "p1-full_name": "", "p1-contact_phone": "", "p1-lives_with_child": "on"}  # fmt: skip


def _facts(world) -> dict:
    ensure_lookups()
    return {"risk_level": "medium", "concerns": ["neglect"], "care_arrangement": "parents",
            "location": "XX-C1-B1", "supervisor": str(world.boss.pk)}  # fmt: skip


def _through_the_steps(client, world):
    assert client.get("/cases/new/").status_code == 200
    assert client.post("/cases/new/", CHILD)["Location"] == "/cases/new/people/"
    assert client.post("/cases/new/people/", PEOPLE)["Location"] == "/cases/new/case/"
    assert client.post("/cases/new/case/", _facts(world))["Location"] == "/cases/new/check/"


def test_registration_wizard_registers_the_child_and_opens_the_case(client, world):
    client = _as(client, world.worker)
    _through_the_steps(client, world)
    stored = json.dumps(client.session[WIZARD_KEY])
    assert "Yusra" not in stored and "Fatima" not in stored  # encrypted in the session
    check = client.get("/cases/new/check/")
    assert check.status_code == 200 and "Yusra Ali" in check.text and "Fatima Ali" in check.text
    done = client.post("/cases/new/check/", {"action": "register"})
    assert done.status_code == 302
    case = Case.objects.exclude(pk=world.case.pk).get()
    assert done["Location"] == f"/cases/{case.pk}/"
    assert case.child.full_name == "Yusra Ali" and case.supervisor == world.boss
    assert case.risk_level == "medium" and case.care_arrangement == "parents"
    assert [p.full_name for p in case.child.related_people.all()] == ["Fatima Ali"]
    assert WIZARD_KEY not in client.session
    page = client.get(done["Location"])
    assert page.status_code == 200 and "registered" in page.text
    assert client.post("/cases/new/check/", {"action": "register"}).status_code == 302
    assert Case.objects.count() == 2  # pressing the button twice registers one case


def test_bad_child_details_are_400_naming_each_field_keeping_what_was_typed(client, world):
    client = _as(client, world.worker)
    page = client.post("/cases/new/", CHILD | {"full_name": "", "date_of_birth": "2999-01-01",
                                               "other_names": "Kept Spelling", "contact_phone": "call me"})  # fmt: skip
    assert page.status_code == 400
    assert "Enter the child&#x27;s full name." in page.text
    assert "The date of birth cannot be in the future." in page.text
    assert "Contact phone: use digits" in page.text
    assert 'value="Kept Spelling"' in page.text and 'value="2999-01-01"' in page.text
    assert Child.objects.count() == 1 and WIZARD_KEY not in client.session


def test_a_half_filled_person_row_is_refused_naming_the_row(client, world):
    client = _as(client, world.worker)
    client.post("/cases/new/", CHILD)
    page = client.post("/cases/new/people/", PEOPLE | {"p1-contact_phone": "+249 1234"})
    assert page.status_code == 400
    assert "Person 2: Enter the person&#x27;s full name, or clear this row." in page.text
    assert 'value="+249 1234"' in page.text


def test_missing_risk_is_400_and_the_other_facts_stay(client, world):
    client = _as(client, world.worker)
    client.post("/cases/new/", CHILD)
    client.post("/cases/new/people/", PEOPLE)
    page = client.post("/cases/new/case/", _facts(world) | {"risk_level": ""})
    assert page.status_code == 400
    assert "Choose the risk level: high, medium or low." in page.text
    assert '<option value="parents" selected>' in page.text


def test_steps_cannot_be_skipped_and_back_keeps_the_answers(client, world):
    client = _as(client, world.worker)
    assert client.get("/cases/new/check/")["Location"] == "/cases/new/"
    client.post("/cases/new/", CHILD)
    assert client.get("/cases/new/check/")["Location"] == "/cases/new/people/"
    back = client.post("/cases/new/people/", PEOPLE | {"action": "back"})
    assert back["Location"] == "/cases/new/"
    assert 'value="Yusra Ali"' in client.get("/cases/new/").text
    assert 'value="Fatima Ali"' in client.get("/cases/new/people/").text
    added = client.post("/cases/new/people/", PEOPLE | {"action": "add"})
    assert added.status_code == 302
    assert 'name="p2-full_name"' in client.get("/cases/new/people/").text
    stopped = client.post("/cases/new/people/", {"action": "stop"})
    assert stopped["Location"] == "/cases/" and WIZARD_KEY not in client.session


def test_a_refusal_by_the_action_lands_on_its_field(client, world, monkeypatch):
    client = _as(client, world.worker)
    _through_the_steps(client, world)

    def refuse(**kwargs):
        raise ActionError("location", "Unknown location.")

    monkeypatch.setattr(actions, "do_register_case", refuse)
    page = client.post("/cases/new/check/", {"action": "register"})
    assert page.status_code == 400 and "Unknown location." in page.text
    assert "Step 3 of 4" in page.text
    assert Case.objects.count() == 1


@dataclass
class Match:
    case_number: str
    score: float
    reasons: list[str]


def test_possible_duplicates_show_case_numbers_and_need_a_confirmation(client, world, monkeypatch):
    other = register(world.stranger, name="Yusra Ali")
    found = [
        Match(world.case.case_number, 0.9, ["same caregiver"]),
        Match(other.case_number, 0.8, ["similar name"]),
    ]
    calls = []

    def possible_duplicates(**kwargs):
        calls.append(kwargs)
        return found

    monkeypatch.setattr(registration_check, "possible_duplicates", possible_duplicates)
    client = _as(client, world.worker)
    _through_the_steps(client, world)
    check = client.get("/cases/new/check/")
    assert calls[0]["full_name"] == "Yusra Ali" and calls[0]["birth_year"] == 2015
    assert (
        calls[0]["caregiver_names"] == ["Fatima Ali"] and calls[0]["agency"] == world.worker.agency
    )
    assert world.case.case_number in check.text and other.case_number in check.text
    assert f'href="/cases/{world.case.pk}/"' in check.text
    assert f"/cases/{other.pk}/" not in check.text and "<td>90</td>" in check.text
    assert "Amina" not in check.text  # never another child's name
    refused = client.post("/cases/new/check/", {"action": "register"})
    assert refused.status_code == 400
    assert "Confirm that this is a new child, or stop the registration." in refused.text
    assert Case.objects.count() == 2
    done = client.post("/cases/new/check/", {"action": "register", "confirm_new": "on"})
    assert done.status_code == 302 and Case.objects.count() == 3


def test_the_duplicate_check_finds_the_same_child_registered_before(client, world):
    client = _as(client, world.worker)
    same = CHILD | {"full_name": "Amina Yusuf", "other_names": "", "date_of_birth": "2014-03-02"}
    assert client.post("/cases/new/", same).status_code == 302
    mother = PEOPLE | {"p0-full_name": "Halima Yusuf"}
    assert client.post("/cases/new/people/", mother).status_code == 302
    assert client.post("/cases/new/case/", _facts(world)).status_code == 302
    check = client.get("/cases/new/check/")
    assert world.case.case_number in check.text
    assert "all the names match" in check.text and "same year of birth" in check.text
    assert client.post("/cases/new/check/", {"action": "stop"})["Location"] == "/cases/"
    assert Case.objects.count() == 1


def test_roles_without_case_creation_cannot_register(client, world):
    officer = UserFactory(roles=[Role.IM_OFFICER], agency=world.worker.agency)
    assert _as(client, officer).get("/cases/new/").status_code == 403
    assert client.post("/cases/new/", CHILD).status_code == 403


def test_registration_pages_keep_to_the_csp(client, world):
    client = _as(client, world.worker)
    pages = [client.get("/cases/new/").content, client.post("/cases/new/", {}).content]
    _through_the_steps(client, world)
    pages += [
        client.get(url).content
        for url in ("/cases/new/people/", "/cases/new/case/", "/cases/new/check/")
    ]
    assert [csp_violations(p) for p in pages] == [[]] * len(pages)


def test_case_pages_in_arabic_are_right_to_left(client, world):
    client = _as(client, world.worker)
    client.cookies["django_language"] = "ar"
    for url in ("/cases/", f"/cases/{world.case.pk}/", "/cases/new/"):
        page = client.get(url)
        assert parse(page.content).find("html")[0].attrs == {"lang": "ar", "dir": "rtl"}, url


def test_the_supervisor_reopens_a_closed_case_with_a_reason(client, world):
    Case.objects.filter(pk=world.case.pk).update(status=Case.Status.CLOSED, stage=Case.Stage.CLOSED)
    url = f"/cases/{world.case.pk}/reopen/"
    assert "Reopen the case" not in _as(client, world.worker).get(f"/cases/{world.case.pk}/").text
    assert client.post(url, {"reason": "new concern"}).status_code == 403
    page = _as(client, world.boss).get(f"/cases/{world.case.pk}/")
    assert "Reopen the case" in page.text
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "new concern"}).status_code == 302
    world.case.refresh_from_db()
    assert world.case.status == Case.Status.OPEN


def test_lookups_are_not_needed_for_the_pages(client, world):
    Lookup.objects.all().delete()
    assert _as(client, world.worker).get("/cases/").status_code == 200
    assert access.visible_cases(world.worker).count() == 1

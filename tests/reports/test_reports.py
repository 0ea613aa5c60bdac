"""Aggregate reports: who may see them, small cells suppressed, percent-only categories as
shares, nothing that names or numbers a child, only the agency's own cases, every view audited."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from itertools import count

import pytest
from django.utils import timezone

from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.cases.models import Case, Child, Task
from amana.protocol.bench import demo_protocol_path
from amana.protocols.actions import do_load_protocol
from amana.refdata.models import Location, Lookup
from amana.reports import access
from amana.reports.tables import age_band, last_months
from tests.cases.helpers import ensure_lookups, register
from tests.core.pages import csp_violations
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db
PAGE, CSV = "/reports/", "/reports/cases.csv"
NUMBERS = count(1)
THIS_YEAR = timezone.localdate().year


def load_demo_protocol(**settings: int) -> None:
    text = demo_protocol_path().read_text(encoding="utf-8")
    for key, value in settings.items():
        text = re.sub(rf"(?m)^  {key}: .*$", f"  {key}: {value}", text)
    do_load_protocol(source_text=text, filename="demo.protocol.yaml", actor=None)


def make_case(
    agency,
    *,
    risk: str = "high",
    stage: str = "registered",
    status: str = "open",
    sex: str = "female",
    age: int | None = 10,
    concerns: tuple[str, ...] = ("neglect",),
    location: str | None = "XX-C1-B1",
    registered_at=None,
) -> Case:
    """A case stored directly: these tests are about counting, not registering."""
    ensure_lookups()
    child = Child.objects.create(
        agency=agency,
        full_name="Counted Child",
        sex=sex,
        birth_year=None if age is None else THIS_YEAR - age,
    )
    case = Case.objects.create(
        case_number=f"RPT-{next(NUMBERS)}",
        agency=agency,
        child=child,
        risk_level=risk,
        stage=stage,
        status=status,
        location=Location.objects.get(code=location) if location else None,
        registered_at=registered_at or timezone.now(),
    )
    case.concerns.set(Lookup.objects.filter(kind="protection_concerns", code__in=concerns))
    return case


def cases(agency, n: int, **kwargs) -> list[Case]:
    return [make_case(agency, **kwargs) for _i in range(n)]


@pytest.fixture
def agency():
    return AgencyFactory(slug="ngo-a", name="NGO Alpha", case_prefix="NGA")


@pytest.fixture
def officer(agency):
    return UserFactory(roles=[Role.IM_OFFICER], agency=agency, username="im.a")


def _as(client, user):
    client.force_login(user)
    return client


def csv_cells(response) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(table, row code, column code) → (value, suppressed)."""
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["table", "title", "row code", "row", "column code", "column", "unit", "value", "suppressed"]  # fmt: skip
    return {(r[0], r[2], r[4]): (r[7], r[8]) for r in rows[1:]}


def section(page: str, slug: str) -> str:
    found = re.search(rf'<section aria-labelledby="table-{slug}" id="{slug}">(.*?)</section>', page, re.S)  # fmt: skip
    assert found, f"no table {slug}"
    return found.group(1)


def row_cells(table_html: str, label: str) -> list[str]:
    found = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", table_html, re.S)
    assert found, f"no row {label}"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)]  # fmt: skip


# --- Who may see reports -------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.IM_OFFICER, Role.COORDINATOR])
def test_supervisors_im_officers_and_coordinators_see_reports(client, agency, role):
    user = UserFactory(roles=[role], agency=agency)
    page = _as(client, user).get(PAGE)
    assert page.status_code == 200 and csp_violations(page.content) == []
    assert "no-store" in page["Cache-Control"]
    assert 'href="/reports/" aria-current="page"' in page.content.decode()
    download = client.get(CSV)
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert "no-store" in download["Cache-Control"]
    assert download["Content-Disposition"].startswith('attachment; filename="amana-cases-report-')
    assert [e.action for e in AuditEntry.objects.order_by("id")] == ["report.view", "report.download"]  # fmt: skip


@pytest.mark.parametrize(
    "role", [Role.CASEWORKER, Role.DP_FOCAL_POINT, Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN]
)
def test_other_roles_are_refused_and_the_refusal_audited(client, agency, role):
    cases(agency, 6)
    user = UserFactory(roles=[role], agency=agency)
    assert _as(client, user).get(PAGE).status_code == 403
    assert client.get(CSV).status_code == 403
    assert 'href="/reports/"' not in client.get("/").content.decode()
    refused = AuditEntry.objects.filter(action__startswith="report.").order_by("id")
    assert [(e.action, e.outcome) for e in refused] == [("report.view", "denied"), ("report.download", "denied")]  # fmt: skip
    with pytest.raises(access.NotAllowed):
        access.report_scope(user)


def test_report_scope_is_the_agencys_cases_only(agency, officer):
    mine = cases(agency, 2)
    cases(AgencyFactory(), 3)
    assert set(access.report_scope(officer)) == set(mine)


# --- Small cells -----------------------------------------------------------------------------


def test_a_small_cell_is_suppressed_with_a_complementary_one(client, agency, officer):
    cases(agency, 12, risk="high")
    cases(agency, 3, risk="medium")
    cases(agency, 7, risk="low")
    page = _as(client, officer).get(PAGE).content.decode()
    risk = section(page, "risk")
    assert row_cells(risk, "High") == ["12"]
    assert row_cells(risk, "Medium") == ["suppressed"]
    assert row_cells(risk, "Low") == ["suppressed"]  # else Medium = 22 - 12 - 7
    cells = csv_cells(client.get(CSV))
    assert cells[("risk", "high", "")] == ("12", "")
    assert cells[("risk", "medium", "")] == ("", "yes")
    assert cells[("risk", "low", "")] == ("", "yes")
    assert cells[("summary", "open_cases", "")] == ("22", "")


def test_sex_and_age_bands_and_a_headline_under_min_cell(client, agency, officer):
    cases(agency, 6, sex="female", age=3)
    cases(agency, 5, sex="male", age=15)
    cases(agency, 1, sex="male", age=8)
    cases(agency, 2, sex="female", age=None)
    now = timezone.now()
    for case in Case.objects.filter(agency=agency)[:2]:
        Task.objects.create(case=case, kind="follow_up", due_at=now - timedelta(days=2))
    cells = csv_cells(_as(client, officer).get(CSV))
    assert cells[("sex_age", "female", "0_5")] == ("6", "")
    assert cells[("sex_age", "male", "12_17")] == ("5", "")
    assert cells[("sex_age", "male", "6_11")] == ("", "yes")
    assert cells[("sex_age", "female", "unknown")] == ("", "yes")
    assert cells[("sex_age", "female", "6_11")] == ("0", "")
    assert cells[("summary", "overdue_tasks", "")] == ("", "yes")  # 2 < 5


def test_min_cell_comes_from_the_protocol_in_force(client, agency, officer):
    cases(agency, 20, risk="high")
    cases(agency, 12, risk="medium")
    cases(agency, 7, risk="low")
    cells = csv_cells(_as(client, officer).get(CSV))
    assert cells[("risk", "low", "")] == ("7", "")
    load_demo_protocol(min_cell=10)
    assert access.disclosure_rules().min_cell == 10
    cells = csv_cells(client.get(CSV))
    assert cells[("risk", "low", "")] == ("", "yes")
    assert cells[("risk", "medium", "")] == ("", "yes")  # the complementary cell
    assert cells[("risk", "high", "")] == ("20", "")
    page = client.get(PAGE).content.decode()
    assert "Counts under 10 are hidden" in page and "demo-op-a@1" in page


def test_without_a_protocol_the_defaults_apply():
    rules = access.disclosure_rules()
    assert (rules.min_cell, rules.percent_only, rules.protocols) == (5, frozenset(), ())


# --- Percent-only categories -------------------------------------------------------------


def test_a_percent_only_concern_is_shown_as_percentages_only(client, agency, officer):
    load_demo_protocol()  # percent_only: [gbv, early_marriage]
    cases(agency, 6, concerns=("neglect",))
    cases(agency, 3, concerns=("gbv", "neglect"), sex="female", age=14)
    cases(agency, 1, concerns=("gbv",), sex="male", age=9)
    cases(agency, 2, concerns=("gbv",), sex="female", age=9)
    page = _as(client, officer).get(PAGE).content.decode()
    concerns = section(page, "concern")
    assert row_cells(concerns, "GBV") == ["In percent only: see its own table below."]
    assert row_cells(concerns, "Neglect") == ["9"]
    shares = section(page, "concern_gbv_sex_age")
    assert "in percent" in shares
    assert row_cells(shares, "Female") == ["0.0%", "33.3%", "50.0%", "0.0%", "0.0%"]
    assert row_cells(shares, "Male") == ["0.0%", "16.7%", "0.0%", "0.0%", "0.0%"]
    cells = csv_cells(client.get(CSV))
    assert not any(key[0] == "concern" and key[1] == "gbv" for key in cells)
    assert cells[("concern_gbv_sex_age", "female", "12_17")] == ("50.0", "")
    assert cells[("concern_gbv_sex_age", "male", "6_11")] == ("16.7", "")


def test_percentages_of_too_few_cases_are_withheld(client, agency, officer):
    load_demo_protocol()
    cases(agency, 8, concerns=("neglect",))
    cases(agency, 2, concerns=("gbv",), sex="female", age=14)
    page = _as(client, officer).get(PAGE).content.decode()
    assert "Too few cases to show, even as percentages." in section(page, "concern_gbv_sex_age")
    cells = csv_cells(client.get(CSV))
    assert cells[("concern_gbv_sex_age", "female", "12_17")] == ("", "yes")
    assert "100.0" not in client.get(CSV).content.decode()


# --- Places, months ------------------------------------------------------------------------


def test_cases_are_counted_at_camp_level(client, agency, officer):
    ensure_lookups()
    cases(agency, 4, location="XX-C1-B1")  # a block of North Camp
    cases(agency, 2, location="XX-C1")  # North Camp itself
    cases(agency, 5, location=None)
    cells = csv_cells(_as(client, officer).get(CSV))
    assert cells[("location", "XX-C1", "")] == ("6", "")
    assert cells[("location", "none", "")] == ("5", "")
    assert not any(key[1] == "XX-C1-B1" for key in cells)


def test_registrations_per_month_over_twelve_months(client, agency, officer):
    now = timezone.now()
    cases(agency, 5)
    cases(agency, 5, status="closed", stage="closed")
    cases(agency, 6, registered_at=now - timedelta(days=800))
    cells = csv_cells(_as(client, officer).get(CSV))
    month_rows = [key for key in cells if key[0] == "registered"]
    assert len(month_rows) == 12
    assert cells[("registered", timezone.localtime(now).strftime("%Y-%m"), "")] == ("10", "")
    assert cells[("summary", "open_cases", "")] == ("11", "")


def test_last_months_and_age_bands():
    assert last_months(date(2026, 2, 14), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]  # fmt: skip
    assert [age_band(2026 - age, 2026) for age in (0, 5, 6, 11, 12, 17, 18)] == ["0_5", "0_5", "6_11", "6_11", "12_17", "12_17", "18_plus"]  # fmt: skip
    assert age_band(None, 2026) == "unknown" and age_band(2030, 2026) == "unknown"


# --- Nothing that identifies a child -----------------------------------------------------------


def test_no_name_number_or_identifier_appears(client, agency, officer):
    worker = UserFactory(roles=[Role.CASEWORKER], agency=agency)
    names = ["Zubeida Quorthwaite", "Xanthippe Mbeki-Oduya", "Yusra Vantablack"]
    registered = [
        register(worker, name=name, individual_id=f"ID-{i}-778899", contact_phone=f"+99955500{i}")
        for i, name in enumerate(names)
    ]
    cases(agency, 6)
    supervisor = UserFactory(roles=[Role.SUPERVISOR], agency=agency)
    secrets = ["Quorthwaite", "Zubeida", "Xanthippe", "Mbeki-Oduya", "Vantablack", "Halima", "778899", "+99955500"]  # fmt: skip
    secrets += [case.case_number for case in registered] + [str(case.pk) for case in registered]
    secrets += [str(case.child_id) for case in registered]
    for user in (officer, supervisor):
        _as(client, user)
        for body in (client.get(PAGE).content.decode(), client.get(CSV).content.decode("utf-8-sig")):  # fmt: skip
            for secret in secrets:
                assert secret not in body
    for entry in AuditEntry.objects.filter(action__startswith="report."):
        details = str(entry.details) + entry.object_id
        assert not any(secret in details for secret in secrets)
        assert entry.details["tables"][:3] == ["risk", "stage", "concern"]


def test_other_agencies_cases_are_not_counted(client, agency, officer):
    cases(agency, 6, risk="high")
    other = AgencyFactory()
    cases(other, 9, risk="high")
    cases(other, 9, risk="low")
    cells = csv_cells(_as(client, officer).get(CSV))
    assert cells[("risk", "high", "")] == ("6", "")
    assert cells[("risk", "low", "")] == ("0", "")
    assert cells[("summary", "open_cases", "")] == ("6", "")


def test_a_label_is_never_a_spreadsheet_formula(client, agency, officer):
    ensure_lookups()
    Location.objects.create(code="XX-C9", name="=HYPERLINK(1)", level=1)
    Location.objects.create(code="XX-C9-B1", name="Block", level=2, parent=Location.objects.get(code="XX-C9"))  # fmt: skip
    cases(agency, 5, location="XX-C9-B1")
    text = _as(client, officer).get(CSV).content.decode("utf-8-sig")
    assert ",'=HYPERLINK(1)," in text and ",=HYPERLINK" not in text

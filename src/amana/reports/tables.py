"""The agency's cases counted into tables, then published under the protocol's aggregate rules:
cells under `min_cell` hidden with a complementary one (R6.1, `suppress_small_cells`), and
percent-only categories as shares of their total, never as numbers (R6.2, `as_percentages`).

Every figure comes from a GROUP BY in the database: no case, child or person is read here, and
nothing in a table names one — no names, no case numbers, no identifiers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from amana.cases.models import Case, Child, Task
from amana.protocol.aggregate import as_percentages, suppress_small_cells
from amana.refdata.labels import label as lookup_label
from amana.refdata.models import Location, Lookup

CAMP_LEVEL = 1  # the level of camps in the place lists (country 0 → camp 1 → block 2)
CONCERN_LIST = "protection_concerns"
MONTHS = 12
AGE_BANDS = (("0_5", 0, 5), ("6_11", 6, 11), ("12_17", 12, 17))
ADULT, UNKNOWN, NONE = "18_plus", "unknown", "none"
COUNT, PERCENT = "count", "percent"
Key = tuple[str, str]  # (row code, column code)


@dataclass(frozen=True)
class Disclosure:
    """The aggregate rules in force for the agency: from its protocols, else the defaults."""

    min_cell: int = 5
    percent_only: frozenset[str] = frozenset()
    protocols: tuple[str, ...] = ()  # references (`id@version`) whose settings apply


@dataclass(frozen=True)
class Cell:
    value: int | float | None  # None: suppressed

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass
class Row:
    code: str
    label: str
    cells: list[Cell]
    percent_only: bool = False  # a percent-only category: its number is not shown here


@dataclass
class Table:
    slug: str
    title: str
    unit: str  # COUNT or PERCENT
    columns: list[tuple[str, str]]  # (code, label)
    rows: list[Row]
    note: str = ""
    withheld: bool = False  # a percent table whose total is under min_cell

    @property
    def has_suppressed(self) -> bool:
        return any(cell.suppressed for row in self.rows for cell in row.cells)


@dataclass
class Report:
    disclosure: Disclosure
    open_cases: Cell
    overdue_tasks: Cell
    tables: list[Table] = field(default_factory=list)
    made_at: datetime = field(default_factory=timezone.now)


# --- Publishing ----------------------------------------------------------------------------


def _single(value: int, min_cell: int) -> Cell:
    return Cell(suppress_small_cells({"n": value}, min_cell)["n"])


@dataclass
class Grid:
    """Counts to publish: rows and columns as (code, label), counts by (row, column) code."""

    rows: list[tuple[str, str]]
    columns: list[tuple[str, str]]
    counts: dict[Key, int]

    def flat(self, rows: Iterable[str]) -> dict[str, int]:
        return {
            f"{row}\x1f{column}": self.counts.get((row, column), 0)
            for row in rows
            for column, _label in self.columns
        }


def count_table(
    slug: str, title: str, grid: Grid, min_cell: int, *, percent_only: Iterable[str] = ()
) -> Table:
    """Counts with small cells suppressed over the whole table; rows of percent-only
    categories show no number (their shares are in a table of their own)."""
    withheld = set(percent_only)
    counted = [code for code, _label in grid.rows if code not in withheld]
    shown = suppress_small_cells(grid.flat(counted), min_cell)
    rows = []
    for code, label in grid.rows:
        if code in withheld:
            rows.append(Row(code, label, [], percent_only=True))
            continue
        cells = [Cell(shown[f"{code}\x1f{column}"]) for column, _label in grid.columns]
        rows.append(Row(code, label, cells))
    return Table(slug, title, COUNT, grid.columns, rows)


def percent_table(slug: str, title: str, grid: Grid, min_cell: int) -> Table:
    """Shares of the table's total (never its numbers); all withheld when the total itself
    is under min_cell, since a share of two or three children points at them."""
    flat = grid.flat(code for code, _label in grid.rows)
    total = sum(flat.values())
    withheld = 0 < total < min_cell
    shares = as_percentages(flat)
    rows = [
        Row(
            code,
            label,
            [
                Cell(None if withheld else shares[f"{code}\x1f{column}"])
                for column, _label in grid.columns
            ],
        )
        for code, label in grid.rows
    ]
    return Table(slug, title, PERCENT, grid.columns, rows, withheld=withheld)


# --- Counting ------------------------------------------------------------------------------


ONE_COLUMN = ""


def _one_column() -> list[tuple[str, str]]:
    return [(ONE_COLUMN, _("Cases"))]


def _by(cases: QuerySet[Case], field_name: str) -> dict[Key, int]:
    grouped = cases.order_by().values_list(field_name).annotate(n=Count("pk"))
    return {(str(value) if value is not None else NONE, ONE_COLUMN): n for value, n in grouped}


def age_band(birth_year: int | None, this_year: int) -> str:
    """The band of an age worked out from the year of birth only."""
    if birth_year is None:
        return UNKNOWN
    age = this_year - birth_year
    for code, low, high in AGE_BANDS:
        if low <= age <= high:
            return code
    return ADULT if age >= 18 else UNKNOWN


def _age_columns() -> list[tuple[str, str]]:
    return [
        ("0_5", _("0\u20135 years")),
        ("6_11", _("6\u201311 years")),
        ("12_17", _("12\u201317 years")),
        (ADULT, _("18 years and over")),
        (UNKNOWN, _("Age unknown")),
    ]


def _sex_rows() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in Child.Sex.choices]


def sex_by_age(cases: QuerySet[Case], this_year: int) -> dict[Key, int]:
    grouped = (
        cases.order_by().values_list("child__sex", "child__birth_year").annotate(n=Count("pk"))
    )
    counts: dict[Key, int] = defaultdict(int)
    for sex, birth_year, n in grouped:
        counts[(sex, age_band(birth_year, this_year))] += n
    return counts


def _camps(location_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Each place's camp (itself when at camp level or above): (code, name)."""
    known: dict[int, tuple[int | None, int, str, str]] = {}
    wanted = set(location_ids)
    while wanted:
        found = Location.objects.filter(pk__in=wanted).values_list(
            "pk", "parent_id", "level", "code", "name"
        )
        wanted = set()
        for pk, parent, level, code, name in found:
            known[pk] = (parent, level, code, name)
            if level > CAMP_LEVEL and parent is not None and parent not in known:
                wanted.add(parent)
    result: dict[int, tuple[str, str]] = {}
    for pk, start in known.items():
        place = start
        while place[1] > CAMP_LEVEL and place[0] is not None and place[0] in known:
            place = known[place[0]]
        result[pk] = (place[2], place[3])
    return result


def by_camp(cases: QuerySet[Case]) -> tuple[list[tuple[str, str]], dict[Key, int]]:
    grouped = list(cases.order_by().values_list("location_id").annotate(n=Count("pk")))
    camps = _camps(pk for pk, _n in grouped if pk is not None)
    counts: dict[Key, int] = defaultdict(int)
    labels: dict[str, str] = {}
    for pk, n in grouped:
        code, name = camps.get(pk, (NONE, "")) if pk is not None else (NONE, "")
        counts[(code, ONE_COLUMN)] += n
        labels[code] = name or _("No location recorded")
    rows = sorted(labels.items(), key=lambda item: (item[0] == NONE, item[1].casefold()))
    return rows, counts


def by_concern(
    cases: QuerySet[Case], percent_only: frozenset[str]
) -> tuple[list[tuple[str, str]], dict[Key, int]]:
    """Cases per protection concern (a case with two concerns counts in both)."""
    grouped = cases.order_by().values_list("concerns__code").annotate(n=Count("pk"))
    counts: dict[Key, int] = {(code or NONE, ONE_COLUMN): n for code, n in grouped}
    codes = {code for code, _col in counts} | set(percent_only)
    stored = Lookup.objects.filter(kind=CONCERN_LIST, code__in=codes).values_list("code", "label")
    labels = {code: lookup_label(CONCERN_LIST, code, text) for code, text in stored}
    rows = sorted(
        ((code, labels[code]) for code in labels if code in codes),
        key=lambda item: item[1].casefold(),
    )
    if (NONE, ONE_COLUMN) in counts:
        rows.append((NONE, _("No concern recorded")))
    return rows, counts


def last_months(today: date, months: int = MONTHS) -> list[date]:
    """The first day of this month and of the months before it, oldest first."""
    result = []
    year, month = today.year, today.month
    for _i in range(months):
        result.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return result[::-1]


def by_month(cases: QuerySet[Case], months: list[date]) -> dict[Key, int]:
    start = timezone.make_aware(datetime(months[0].year, months[0].month, 1))
    grouped = (
        cases.filter(registered_at__gte=start)
        .order_by()
        .annotate(month=TruncMonth("registered_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    counts: dict[Key, int] = defaultdict(int)
    for month, n in grouped:
        counts[(timezone.localtime(month).strftime("%Y-%m"), ONE_COLUMN)] += n
    return counts


def build_report(scope: QuerySet[Case], rules: Disclosure) -> Report:
    """Every table of the report page, suppressed and in percent where the rules say."""
    now = timezone.localtime()
    cell = rules.min_cell
    open_cases = scope.filter(status=Case.Status.OPEN)
    overdue = Task.objects.filter(
        case__in=open_cases, done_at__isnull=True, due_at__lt=timezone.now()
    ).count()
    report = Report(rules, _single(open_cases.count(), cell), _single(overdue, cell))
    one = _one_column()
    risks = [(str(v), str(label)) for v, label in Case.Risk.choices]
    stages = [(str(v), str(label)) for v, label in Case.Stage.choices]
    tables = report.tables
    tables.append(
        count_table(
            "risk",
            _("Open cases by risk level"),
            Grid(risks, one, _by(open_cases, "risk_level")),
            cell,
        )
    )
    tables.append(
        count_table(
            "stage", _("Open cases by stage"), Grid(stages, one, _by(open_cases, "stage")), cell
        )
    )
    concern_rows, concern_counts = by_concern(open_cases, rules.percent_only)
    shares_of = [(code, label) for code, label in concern_rows if code in rules.percent_only]
    concerns = count_table(
        "concern",
        _("Open cases by protection concern"),
        Grid(concern_rows, one, concern_counts),
        cell,
        percent_only=[code for code, _label in shares_of],
    )
    concerns.note = _("A case with several concerns is counted under each of them.")
    tables.append(concerns)
    camp_rows, camp_counts = by_camp(open_cases)
    tables.append(
        count_table("location", _("Open cases by camp"), Grid(camp_rows, one, camp_counts), cell)
    )
    sexes, ages = _sex_rows(), _age_columns()
    tables.append(
        count_table(
            "sex_age",
            _("Open cases by sex and age"),
            Grid(sexes, ages, sex_by_age(open_cases, now.year)),
            cell,
        )
    )
    months = last_months(now.date())
    month_rows = [
        (day.strftime("%Y-%m"), formats.date_format(day, "YEAR_MONTH_FORMAT")) for day in months
    ]
    registered = count_table(
        "registered",
        _("Cases registered per month"),
        Grid(month_rows, one, by_month(scope, months)),
        cell,
    )
    registered.note = _("All cases registered in the last 12 months, open or not.")
    tables.append(registered)
    for code, label in shares_of:
        shares = percent_table(
            f"concern_{code}_sex_age",
            _("Open cases with the concern %(concern)s, by sex and age, in percent")
            % {"concern": label},
            Grid(sexes, ages, sex_by_age(open_cases.filter(concerns__code=code), now.year)),
            cell,
        )
        shares.note = _(
            "This concern is shared as percentages of its own cases only, never as numbers."
        )
        tables.append(shares)
    return report

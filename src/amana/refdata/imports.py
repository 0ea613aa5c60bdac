"""Lookup lists and the location hierarchy from CSV, including HXL-tagged CSV.

Plain CSV (UTF-8, comma; a semicolon or tab is taken when the header has no comma):

- lookups: columns `code,label`, optionally `active` (yes/no); the list is named by `kind`;
- locations: columns `code,name,level`, optionally `parent_code` (empty at the top).

HXL (https://hxlstandard.org): a row of hashtags directly under the header (or as the first
row). It is found as the first row, among the first 25, whose non-empty cells all start with
`#`. For lookups the code is the first column tagged `+code` and the label the first tagged
`+name` or `+label` (English, `+i_en`, preferred). For locations, the administrative levels of
OCHA's common operational datasets (`#country` or `#adm0` = level 0, `#adm1` … `#adm5`) each
give a level; every row carries a place and its ancestors (`#adm1+code,#adm1+name,#adm2+code,
#adm2+name`), so the parent of each place comes from the row.

This module reads and checks; the writes are `amana.refdata.actions` (`do_import_lookups`,
`do_import_locations`, `load_samples`). Imports are idempotent (a code already stored is
updated in place, an unchanged one is left alone) and atomic: every row is checked first and
any bad row stores nothing. The error names the row (as a spreadsheet numbers it, the header is
row 1) and the column.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Final

from amana.refdata.models import Location

CODE_MAX: Final = 64
LABEL_MAX: Final = 200
LEVEL_MAX: Final = 20
HXL_SCAN_ROWS: Final = 25
KIND = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
ADMIN_TAG = re.compile(r"^#adm([0-9])$")
ACTIVE_WORDS: Final = {
    "": True,
    "yes": True,
    "true": True,
    "1": True,
    "no": False,
    "false": False,
    "0": False,
}
SAMPLES: Final = (
    ("lookups", "sample_concerns.csv", "protection_concerns"),
    ("lookups", "sample_services.csv", "services"),
    ("lookups", "sample_nationalities.csv", "nationalities"),
    ("locations", "sample_locations_hxl.csv", ""),
)


class ImportFailure(ValueError):
    """The file cannot be imported. The message is one line naming the row and column."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass(frozen=True)
class Column:
    index: int
    name: str  # how errors name it: the header text, else the hashtag
    tag: str = ""  # the HXL hashtag, lower case, without attributes ("#adm1")
    attributes: frozenset[str] = frozenset()  # "+code", "+name", "+i_en" …


@dataclass
class Table:
    columns: list[Column]
    rows: list[tuple[int, list[str]]]  # (row number, cells)
    hxl: bool = False
    header_row: int = 1
    by_name: dict[str, Column] = field(default_factory=dict)

    def cell(self, row: list[str], column: Column) -> str:
        return row[column.index].strip() if column.index < len(row) else ""


def fail(row: int, column: str | None, problem: str) -> ImportFailure:
    where = f"row {row}, column {column}" if column else f"row {row}"
    return ImportFailure(f"{where}: {problem}")


def read_csv_file(path: str | Path) -> str:
    """The file's text; a missing or non-UTF-8 file is an ImportFailure."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ImportFailure(f"{path}: no such file") from None
    except OSError as exc:
        raise ImportFailure(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailure(
            f"{path}: not UTF-8 text (byte {exc.start}); save the CSV as UTF-8"
        ) from None


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    if "," in first:
        return ","
    if ";" in first:
        return ";"
    return "\t" if "\t" in first else ","


def _hashtag_row(cells: list[str]) -> bool:
    filled = [cell.strip() for cell in cells if cell.strip()]
    return bool(filled) and all(cell.startswith("#") for cell in filled)


def _parse_hashtag(text: str) -> tuple[str, frozenset[str]]:
    parts = re.split(r"(?=\+)", "".join(text.lower().split()))
    return parts[0], frozenset(part for part in parts[1:] if part)


def read_table(text: str) -> Table:
    """Split CSV text into columns and numbered data rows, finding an HXL hashtag row."""
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise ImportFailure(f"not a readable CSV file ({exc})") from None
    if not records:
        raise ImportFailure("row 1: the file is empty")
    hxl_index = next(
        (i for i, cells in enumerate(records[:HXL_SCAN_ROWS]) if _hashtag_row(cells)), None
    )
    if hxl_index is None:
        header = records[0]
        columns = [Column(i, name.strip()) for i, name in enumerate(header)]
        table = Table(columns, _numbered(records, start=1), hxl=False, header_row=1)
    else:
        header = records[hxl_index - 1] if hxl_index > 0 else []
        columns = []
        for i, tag_text in enumerate(records[hxl_index]):
            tag, attributes = _parse_hashtag(tag_text)
            name = header[i].strip() if i < len(header) and header[i].strip() else tag_text.strip()
            columns.append(Column(i, name, tag, attributes))
        table = Table(columns, _numbered(records, hxl_index + 1), True, hxl_index + 1)
    table.by_name = {c.name.lower(): c for c in reversed(table.columns) if c.name}
    return table


def _numbered(records: list[list[str]], start: int) -> list[tuple[int, list[str]]]:
    return [
        (number + 1, cells)
        for number, cells in enumerate(records)
        if number >= start and any(cell.strip() for cell in cells)
    ]


def _tagged(table: Table, attribute: str, tag: str | None = None) -> list[Column]:
    return [c for c in table.columns if attribute in c.attributes and (tag is None or c.tag == tag)]


def _language_rank(column: Column) -> int:
    if "+i_en" in column.attributes:
        return 0
    return 2 if any(a.startswith("+i_") for a in column.attributes) else 1


def _preferred_name(columns: list[Column]) -> Column | None:
    """English first (+i_en), then a name column without a language, then the first."""
    return min(columns, key=_language_rank, default=None)


def _text(table: Table, number: int, row: list[str], column: Column, limit: int) -> str:
    value = table.cell(row, column)
    if not value:
        raise fail(number, column.name, "empty")
    if len(value) > limit:
        raise fail(number, column.name, f"longer than {limit} characters")
    return value


# --- Lookups -----------------------------------------------------------------------------


def _lookup_columns(table: Table) -> tuple[Column, Column, Column | None]:
    code, label = table.by_name.get("code"), table.by_name.get("label")
    if code is not None and label is not None:
        return code, label, table.by_name.get("active")
    if table.hxl:
        codes = _tagged(table, "+code")
        labels = _tagged(table, "+name") + _tagged(table, "+label")
        name = _preferred_name(labels)
        if not codes:
            raise fail(table.header_row, None, "no column tagged +code (e.g. #sector+code)")
        if name is None:
            raise fail(table.header_row, None, "no column tagged +name (e.g. #sector+name)")
        return codes[0], name, None
    raise fail(table.header_row, None, "expected the columns code,label")


def parse_lookups(text: str) -> list[tuple[int, str, str, bool]]:
    """(row, code, label, active) for each data row; raises ImportFailure on the first bad one."""
    table = read_table(text)
    code_col, label_col, active_col = _lookup_columns(table)
    seen: dict[str, int] = {}
    entries = []
    for number, row in table.rows:
        code = _text(table, number, row, code_col, CODE_MAX)
        if code in seen:
            raise fail(number, code_col.name, f"{code!r} is already on row {seen[code]}")
        seen[code] = number
        label = _text(table, number, row, label_col, LABEL_MAX)
        active = True
        if active_col is not None:
            word = table.cell(row, active_col).lower()
            if word not in ACTIVE_WORDS:
                raise fail(number, active_col.name, f"expected yes or no, got {word!r}")
            active = ACTIVE_WORDS[word]
        entries.append((number, code, label, active))
    if not entries:
        raise fail(table.header_row + 1, None, "no data rows")
    return entries


# --- Locations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceRow:
    row: int
    code: str
    name: str
    level: int
    parent_code: str
    column: str  # the column errors about this place name


def _level(table: Table, number: int, row: list[str], column: Column) -> int:
    value = table.cell(row, column)
    if not value.isdigit() or int(value) > LEVEL_MAX:
        raise fail(number, column.name, f"expected a whole number from 0 to {LEVEL_MAX}")
    return int(value)


def _plain_places(table: Table) -> list[PlaceRow]:
    names = ("code", "name", "level")
    if any(name not in table.by_name for name in names):
        raise fail(table.header_row, None, "expected the columns code,name,level,parent_code")
    code_col, name_col, level_col = (table.by_name[n] for n in names)
    parent_col = table.by_name.get("parent_code")
    places: dict[str, PlaceRow] = {}
    for number, row in table.rows:
        code = _text(table, number, row, code_col, CODE_MAX)
        if code in places:
            raise fail(number, code_col.name, f"{code!r} is already on row {places[code].row}")
        parent = table.cell(row, parent_col) if parent_col is not None else ""
        if parent == code:
            raise fail(number, "parent_code", "a place cannot be its own parent")
        places[code] = PlaceRow(
            number,
            code,
            _text(table, number, row, name_col, LABEL_MAX),
            _level(table, number, row, level_col),
            parent,
            "parent_code",
        )
    return list(places.values())


def _admin_level(tag: str) -> int | None:
    if tag == "#country":
        return 0
    match = ADMIN_TAG.match(tag)
    return int(match.group(1)) if match else None


def _hxl_levels(table: Table) -> list[tuple[int, Column, Column]]:
    levels: dict[int, str] = {}
    for column in table.columns:
        level = _admin_level(column.tag)
        if level is not None:
            levels.setdefault(level, column.tag)
    result = []
    for level, tag in sorted(levels.items()):
        codes = _tagged(table, "+code", tag)
        name = _preferred_name(_tagged(table, "+name", tag))
        if not codes:
            raise fail(table.header_row, None, f"{tag} has no {tag}+code column")
        if name is None:
            raise fail(table.header_row, None, f"{tag} has no {tag}+name column")
        result.append((level, codes[0], name))
    if not result:
        raise fail(
            table.header_row, None, "no administrative level columns (#adm1+code, #adm1+name …)"
        )
    return result


def _hxl_places(table: Table) -> list[PlaceRow]:
    levels = _hxl_levels(table)
    places: dict[str, PlaceRow] = {}
    for number, row in table.rows:
        parent = ""
        found = False
        for level, code_col, name_col in levels:
            code = table.cell(row, code_col)
            if not code:
                continue
            found = True
            if len(code) > CODE_MAX:
                raise fail(number, code_col.name, f"longer than {CODE_MAX} characters")
            place = PlaceRow(
                number,
                code,
                _text(table, number, row, name_col, LABEL_MAX),
                level,
                parent,
                code_col.name,
            )
            seen = places.get(code)
            if seen is None:
                places[code] = place
            elif seen.level != level:
                raise fail(
                    number, code_col.name, f"{code!r} is at level {seen.level} on row {seen.row}"
                )
            elif seen.name != place.name:
                raise fail(
                    number,
                    name_col.name,
                    f"{place.name!r} differs from {seen.name!r} on row {seen.row}",
                )
            elif seen.parent_code != parent:
                raise fail(
                    number,
                    code_col.name,
                    f"{code!r} is under {parent or 'nothing'} here "
                    f"but under {seen.parent_code or 'nothing'} on row {seen.row}",
                )
            parent = code
        if not found:
            raise fail(number, levels[0][1].name, "no place code on this row")
    return list(places.values())


def parse_locations(text: str) -> list[PlaceRow]:
    """The places of a CSV file, parents before children; raises ImportFailure."""
    table = read_table(text)
    hxl_tags = any(_admin_level(c.tag) is not None for c in table.columns)
    places = _hxl_places(table) if table.hxl and hxl_tags else _plain_places(table)
    if not places:
        raise fail(table.header_row + 1, None, "no data rows")
    return sorted(places, key=lambda p: (p.level, p.row))


def check_parents(places: list[PlaceRow]) -> dict[str, tuple[int, int | None]]:
    """Each parent exists (in the file or already stored) and sits at a higher level.

    Returns the stored (level, pk) of parents not in the file."""
    in_file = {p.code: p for p in places}
    wanted = {p.parent_code for p in places if p.parent_code and p.parent_code not in in_file}
    stored = {
        code: (level, pk)
        for code, level, pk in Location.objects.filter(code__in=wanted).values_list(
            "code", "level", "pk"
        )
    }
    for place in places:
        if not place.parent_code:
            continue
        if place.parent_code in in_file:
            parent_level = in_file[place.parent_code].level
        elif place.parent_code in stored:
            parent_level = stored[place.parent_code][0]
        else:
            raise fail(
                place.row, place.column, f"parent {place.parent_code!r} is not a known place"
            )
        if parent_level >= place.level:
            raise fail(
                place.row,
                place.column,
                f"parent {place.parent_code!r} is at level {parent_level}, "
                f"not above level {place.level}",
            )
    return {code: (level, pk) for code, (level, pk) in stored.items()}


def sample_path(name: str) -> Path:
    return Path(str(resources.files("amana.refdata").joinpath("samples", name)))

"""Lookups and places from CSV and HXL: idempotent, atomic, one-line errors naming row and column."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from amana.audit.models import AuditEntry
from amana.refdata.actions import do_import_locations, do_import_lookups, load_samples
from amana.refdata.imports import ImportFailure, read_csv_file, sample_path
from amana.refdata.models import Location, Lookup

pytestmark = pytest.mark.django_db

CONCERNS = """code,label
neglect,Neglect
child_labour,Child labour
separated,"Separated, with relatives"
"""

OCHA = """Country,Country code,Region,Region code,Région,District,District code
#country+name,#country+code,#adm1+name+i_en,#adm1+code,#adm1+name+i_fr,#adm2+name,#adm2+code
Kestria,KS,Northern Plains,KS01,Plaines du Nord,Harun,KS0101
Kestria,KS,Northern Plains,KS01,Plaines du Nord,Tessel,KS0102
Kestria,KS,Capital Region,KS02,Région de la capitale,Capital City,KS0201
"""


def _lookups(kind: str = "protection_concerns") -> list[tuple[str, str, bool]]:
    return list(
        Lookup.objects.filter(kind=kind).order_by("code").values_list("code", "label", "active")
    )


def _places() -> list[tuple[str, str, int, str | None]]:
    return [
        (p.code, p.name, p.level, p.parent.code if p.parent else None)
        for p in Location.objects.select_related("parent").order_by("code")
    ]


# --- Lookups -----------------------------------------------------------------------------


def test_lookups_import_twice_gives_the_same_rows():
    first = do_import_lookups(CONCERNS, kind="protection_concerns")
    rows = _lookups()
    second = do_import_lookups(CONCERNS, kind="protection_concerns")
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert _lookups() == rows
    assert ("separated", "Separated, with relatives", True) in rows
    assert (
        AuditEntry.objects.filter(action="lookups.import").count() == 1
    )  # the unchanged run adds none


def test_lookups_update_in_place_and_stay_per_list():
    do_import_lookups(CONCERNS, kind="protection_concerns")
    do_import_lookups("code,label\nneglect,Neglect\n", kind="services")
    changed = do_import_lookups("code,label,active\nneglect,Neglect of a child,yes\nchild_labour,Child labour,no\n",
                             kind="protection_concerns")  # fmt: skip
    assert (changed.created, changed.updated, changed.unchanged) == (0, 2, 0)
    assert _lookups() == [
        ("child_labour", "Child labour", False),
        ("neglect", "Neglect of a child", True),
        ("separated", "Separated, with relatives", True),
    ]
    assert _lookups("services") == [("neglect", "Neglect", True)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code,label\na,A\nb,\nc,C\n", "row 3, column label: empty"),
        ("code,label\na,A\n,B\nc,C\n", "row 3, column code: empty"),
        ("code,label\na,A\nb,B\na,Again\n", "row 4, column code: 'a' is already on row 2"),
        (f"code,label\na,A\nb,{'x' * 201}\n", "row 3, column label: longer than 200 characters"),
        (
            "code,label,active\na,A,yes\nb,B,perhaps\n",
            "row 3, column active: expected yes or no, got 'perhaps'",
        ),
        ("name,description\na,A\n", "row 1: expected the columns code,label"),
        ("code,label\n", "row 2: no data rows"),
        ("", "row 1: the file is empty"),
    ],
)
def test_a_bad_lookup_row_stores_nothing(text, message):
    Lookup.objects.create(kind="protection_concerns", code="a", label="Kept as it was")
    with pytest.raises(ImportFailure) as failure:
        do_import_lookups(text, kind="protection_concerns")
    assert str(failure.value) == message
    assert _lookups() == [("a", "Kept as it was", True)]
    assert not AuditEntry.objects.filter(action="lookups.import").exists()


def test_a_bad_list_name_is_refused():
    with pytest.raises(ImportFailure, match="--kind: expected a list name"):
        do_import_lookups(CONCERNS, kind="Protection Concerns")


def test_lookups_from_hxl_take_the_code_and_the_english_name():
    text = (
        "Sector code,Nom,Name\n"
        "#sector+code,#sector+name+i_fr,#sector+name+i_en\n"
        "prot,Protection,Protection\n"
        "edu,Éducation,Education\n"
    )
    result = do_import_lookups(text, kind="sectors")
    assert result.created == 2
    assert _lookups("sectors") == [("edu", "Education", True), ("prot", "Protection", True)]
    with pytest.raises(ImportFailure, match="row 5, column Name: empty"):
        do_import_lookups(text + "wash,Eau,\n", kind="sectors")


def test_hxl_lookups_without_a_code_column_name_the_hashtag_row():
    with pytest.raises(ImportFailure, match=r"^row 2: no column tagged \+code"):
        do_import_lookups("Name\n#sector+name\nProtection\n", kind="sectors")


def test_semicolons_and_a_byte_order_mark_are_understood(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("code;label\nneglect;Négligence\n".encode("utf-8-sig"))
    do_import_lookups(read_csv_file(path), kind="protection_concerns")
    assert _lookups() == [("neglect", "Négligence", True)]


def test_files_that_cannot_be_read_are_named(tmp_path):
    with pytest.raises(ImportFailure, match="no such file"):
        read_csv_file(tmp_path / "missing.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("code,label\nn,Négligence\n".encode("latin-1"))
    with pytest.raises(ImportFailure, match="not UTF-8 text"):
        read_csv_file(latin)


# --- Locations ---------------------------------------------------------------------------


PLAIN_PLACES = """code,name,level,parent_code
KS,Kestria,0,
KS01,Northern Plains,1,KS
KS0101,Harun,2,KS01
KS0102,Tessel,2,KS01
"""


def test_plain_places_import_twice_gives_the_same_rows():
    first = do_import_locations(PLAIN_PLACES)
    rows = _places()
    second = do_import_locations(PLAIN_PLACES)
    assert (first.created, second.created, second.unchanged) == (4, 0, 4)
    assert (
        _places()
        == rows
        == [
            ("KS", "Kestria", 0, None),
            ("KS01", "Northern Plains", 1, "KS"),
            ("KS0101", "Harun", 2, "KS01"),
            ("KS0102", "Tessel", 2, "KS01"),
        ]
    )


def test_children_may_come_before_their_parents_and_parents_may_be_stored_already():
    do_import_locations(
        "code,name,level,parent_code\nKS0101,Harun,2,KS01\nKS01,Northern Plains,1,KS\nKS,Kestria,0,\n"
    )
    do_import_locations("code,name,level,parent_code\nKS010101,North Camp,3,KS0101\n")
    assert ("KS010101", "North Camp", 3, "KS0101") in _places()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code,name,level,parent_code\nKS,Kestria,0,\nKS01,,1,KS\nKS02,South,1,KS\n", "row 3, column name: empty"),
        ("code,name,level,parent_code\nKS,Kestria,0,\nKS01,North,one,KS\nKS02,South,1,KS\n", "row 3, column level: expected a whole number from 0 to 20"),
        ("code,name,level,parent_code\nKS,Kestria,0,\nKS01,North,1,ZZ\nKS02,South,1,KS\n", "row 3, column parent_code: parent 'ZZ' is not a known place"),
        ("code,name,level,parent_code\nKS,Kestria,0,\nKS01,North,0,KS\nKS02,South,1,KS\n", "row 3, column parent_code: parent 'KS' is at level 0, not above level 0"),
        ("code,name,level,parent_code\nKS,Kestria,0,\nKS01,North,1,KS01\n", "row 3, column parent_code: a place cannot be its own parent"),
        ("code,name,level,parent_code\nKS,Kestria,0,\nKS,Again,0,\n", "row 3, column code: 'KS' is already on row 2"),
        ("code,name\nKS,Kestria\n", "row 1: expected the columns code,name,level,parent_code"),
    ],
)  # fmt: skip
def test_a_bad_place_row_in_the_middle_stores_nothing(text, message):
    with pytest.raises(ImportFailure) as failure:
        do_import_locations(text)
    assert str(failure.value) == message
    assert not Location.objects.exists()
    assert not AuditEntry.objects.filter(action="locations.import").exists()


def test_ocha_hxl_gives_one_level_per_admin_level_with_parents_from_the_row():
    result = do_import_locations(OCHA)
    assert result.created == 6
    assert _places() == [
        ("KS", "Kestria", 0, None),
        ("KS01", "Northern Plains", 1, "KS"),
        ("KS0101", "Harun", 2, "KS01"),
        ("KS0102", "Tessel", 2, "KS01"),
        ("KS02", "Capital Region", 1, "KS"),
        ("KS0201", "Capital City", 2, "KS02"),
    ]
    again = do_import_locations(OCHA)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)


def test_hxl_without_a_header_row_and_with_only_admin_levels():
    text = (
        "#adm1+code,#adm1+name,#adm2+code,#adm2+name\nA1,North,A101,Harun\nA1,North,A102,Tessel\n"
    )
    do_import_locations(text)
    assert _places() == [
        ("A1", "North", 1, None),
        ("A101", "Harun", 2, "A1"),
        ("A102", "Tessel", 2, "A1"),
    ]


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("Kestria,KS,Northern Highlands,KS01,Hauts du Nord,Marlow,KS0103", "row 4, column Region: 'Northern Highlands' differs from 'Northern Plains' on row 3"),
        ("Kestria,KS,Capital Region,KS02,Région de la capitale,Harun,KS0101", "row 4, column District code: 'KS0101' is under KS02 here but under KS01 on row 3"),
        ("Kestria,KS,Capital Region,KS02,Région de la capitale,,KS0201", "row 4, column District: empty"),
        (",,,,,,", None),  # an empty row is skipped
    ],
)  # fmt: skip
def test_a_bad_hxl_row_in_the_middle_stores_nothing(bad_row, message):
    lines = OCHA.splitlines()
    text = "\n".join([*lines[:3], bad_row, *lines[3:]]) + "\n"
    if message is None:
        assert do_import_locations(text).created == 6
        return
    with pytest.raises(ImportFailure) as failure:
        do_import_locations(text)
    assert str(failure.value) == message
    assert not Location.objects.exists()


def test_hxl_with_a_name_but_no_code_column_is_refused():
    with pytest.raises(ImportFailure, match=r"^row 2: #adm2 has no #adm2\+code column"):
        do_import_locations(
            "Region,Region code,District\n#adm1+name,#adm1+code,#adm2+name\nN,N1,H\n"
        )


def test_the_shipped_samples_load_and_reload():
    first = load_samples()
    second = load_samples()
    assert {name: r.created for name, r in second.items()} == dict.fromkeys(first, 0)
    assert (
        Lookup.objects.filter(kind="protection_concerns").count()
        == first["sample_concerns.csv"].created
        > 10
    )
    camp = Location.objects.get(code="KS010101")
    assert (camp.name, camp.level, camp.parent.code, camp.parent.parent.code) == (
        "North Camp",
        3,
        "KS0101",
        "KS01",
    )
    assert (
        Location.objects.get(code="KS01").name == "Northern Plains"
    )  # English, not the French column
    assert Location.objects.get(code="KS0202").children.count() == 0


# --- The command -------------------------------------------------------------------------


def test_the_command_imports_and_reports(tmp_path, capsys):
    path = tmp_path / "concerns.csv"
    path.write_text(CONCERNS)
    call_command("import_data", "lookups", str(path), "--kind", "protection_concerns")
    assert (
        "lookups (protection_concerns): 3 created, 0 updated, 0 unchanged"
        in capsys.readouterr().out
    )
    call_command("import_data", "locations", str(sample_path("sample_locations_hxl.csv")))
    assert "locations: 13 created, 0 updated" in capsys.readouterr().out
    assert AuditEntry.objects.get(action="locations.import").origin == "cli"


def test_the_command_names_the_bad_row_and_exits_2(tmp_path):
    path = tmp_path / "concerns.csv"
    path.write_text("code,label\na,A\nb,\n")
    with pytest.raises(CommandError) as failure:
        call_command("import_data", "lookups", str(path), "--kind", "protection_concerns")
    assert failure.value.returncode == 2
    assert str(failure.value) == f"{path}: row 3, column label: empty"
    assert not Lookup.objects.exists()


def _env(tmp_path: Path) -> dict[str, str]:

    from django.db import connection

    from tests.dbroles import postgresql_urls, without_owner_url

    env = without_owner_url(dict(os.environ))
    if connection.vendor == "postgresql":
        env.update(postgresql_urls())
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return env


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["lookups", "{bad}", "--kind", "protection_concerns"], "row 3, column label: empty"),
        (["lookups", "{bad}"], "the following arguments are required: --kind"),
        (["locations", "{missing}"], "no such file"),
        (["sideways", "{bad}"], "invalid choice: 'sideways'"),
    ],
)
def test_the_command_in_a_real_process_exits_2_with_one_line(tmp_path, arguments, expected):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,label\na,A\nb,\n")
    argv = [a.format(bad=bad, missing=tmp_path / "missing.csv") for a in arguments]
    result = subprocess.run(
        [sys.executable, "-m", "amana.cli", "import_data", *argv],
        capture_output=True, text=True, timeout=120, check=False, env=_env(tmp_path),
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert expected in result.stderr


def test_a_failure_while_writing_rolls_back_the_rows_already_written(monkeypatch):
    """Rows are checked before anything is written; should the database still fail part-way,
    the transaction takes back what was written."""
    real_create = Location.objects.create
    calls = []

    def create_then_fail(**fields):
        calls.append(fields["code"])
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_create(**fields)

    monkeypatch.setattr(Location.objects, "create", create_then_fail)
    with pytest.raises(RuntimeError):
        do_import_locations(PLAIN_PLACES)
    assert len(calls) == 3
    assert not Location.objects.exists()

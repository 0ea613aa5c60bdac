"""`amana seed`: counts, determinism, encryption of everything personal, tokens, arguments."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from amana.accounts.models import Agency, User
from amana.cases.models import (
    Case,
    CaseAssignment,
    CaseNumberCounter,
    Child,
    NameToken,
    RelatedPerson,
    Task,
)
from amana.cases.names import caregiver_token, name_tokens
from amana.cases.search import search_children
from amana.crypto.fields import encrypted_fields
from amana.ops import seed as seeding
from amana.ops.seed import writer as seed_writer
from amana.refdata.models import Location, Lookup
from tests.dbroles import without_owner_url

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 15, tzinfo=UTC)
CASE_NUMBER = re.compile(r"^(UNH|UNI|IMC|NGA|NGB|NGC|NGE|MSD)-20(23|24|25|26)-\d{6}$")


def seed(cases: int, seed: int = 7, batch: int = 25) -> seeding.SeedResult:
    return seeding.run_seed(cases=cases, seed=seed, batch=batch, now=NOW, report=lambda _: None)


def snapshot() -> list[tuple[Any, ...]]:
    """Everything a seeded case says, decrypted, in case-number order."""
    rows = []
    for case in Case.objects.select_related("child", "location", "supervisor").order_by(
        "case_number"
    ):
        child = case.child
        people = sorted(
            (p.relationship, p.full_name, p.contact_phone, p.is_caregiver, p.lives_with_child)
            for p in child.related_people.all()
        )
        rows.append(
            (
                case.case_number,
                child.full_name,
                child.other_names,
                child.date_of_birth,
                child.birth_year,
                child.sex,
                child.nationality,
                child.individual_id,
                child.contact_phone,
                child.address,
                case.status,
                case.stage,
                case.risk_level,
                case.care_arrangement,
                case.best_interests_status,
                case.registered_at,
                case.next_due_at,
                case.closed_at,
                case.closure_reason,
                case.location.code if case.location else "",
                case.supervisor.username if case.supervisor else "",
                sorted(case.assignments.values_list("user__username", flat=True)),
                sorted(case.concerns.values_list("code", flat=True)),
                people,
            )
        )
    return rows


def forget_cases() -> None:
    Case.objects.all().delete()
    Child.objects.all().delete()
    CaseNumberCounter.objects.all().delete()


def test_counts_and_shape() -> None:
    result = seed(60)
    assert (result.cases, Child.objects.count(), Case.objects.count()) == (60, 60, 60)
    assert CaseAssignment.objects.count() == 60
    open_cases = Case.objects.filter(status=Case.Status.OPEN)
    assert Task.objects.filter(done_at__isnull=True).count() == open_cases.count()
    assert not open_cases.filter(next_due_at__isnull=True).exists()
    assert not Case.objects.filter(status=Case.Status.CLOSED).exclude(stage="closed").exists()
    assert Case.objects.filter(status=Case.Status.CLOSED, closed_at__isnull=True).count() == 0
    per_child = Counter(RelatedPerson.objects.values_list("child_id", flat=True))
    assert len(per_child) == 60 and set(per_child.values()) <= {1, 2, 3}
    assert not Case.objects.filter(concerns__isnull=True).exists()
    total_rows = (
        Child.objects.count()
        + NameToken.objects.count()
        + RelatedPerson.objects.count()
        + Case.objects.count()
        + Case.concerns.through.objects.count()
        + CaseAssignment.objects.count()
        + Task.objects.count()
    )
    assert result.rows == total_rows


def test_case_numbers_follow_the_counters() -> None:
    seed(80)
    numbers = list(Case.objects.values_list("case_number", flat=True))
    assert len(set(numbers)) == 80
    assert all(CASE_NUMBER.match(n) for n in numbers), numbers[:5]
    for counter in CaseNumberCounter.objects.select_related("agency"):
        issued = Case.objects.filter(
            agency=counter.agency, case_number__contains=f"-{counter.year}-"
        )
        assert issued.count() == counter.last
        assert f"{counter.agency.case_prefix}-{counter.year}-{counter.last:06d}" in numbers
    for case in Case.objects.all():
        assert case.case_number.split("-")[1] == str(case.registered_at.year)


def test_the_same_seed_gives_the_same_data_whatever_the_batch() -> None:
    seed(45, seed=11, batch=45)
    first = snapshot()
    forget_cases()
    seed(45, seed=11, batch=7)
    assert snapshot() == first
    forget_cases()
    seed(45, seed=12, batch=45)
    assert [row[1] for row in snapshot()] != [row[1] for row in first]


def test_everything_decrypts_and_tokens_match_the_names() -> None:
    seed(50)
    for child in Child.objects.all():
        for f in encrypted_fields(Child):
            assert isinstance(getattr(child, f.attname), str)
        stored = set(child.name_tokens.values_list("token", flat=True))
        assert stored == set(name_tokens(child.full_name)) | set(name_tokens(child.other_names))
        assert child.birth_year == (int(child.date_of_birth[:4]) if child.date_of_birth else None)
    for person in RelatedPerson.objects.all():
        assert person.full_name
        assert person.name_token == caregiver_token(person.full_name)


def raw_rows(model: type[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")
        return cursor.fetchall()


def test_no_plaintext_in_the_database() -> None:
    seed(30)
    child = Child.objects.order_by("id").first()
    assert child is not None
    secrets = [child.full_name, child.address, *child.full_name.split()]
    secrets += [p.full_name for p in child.related_people.all()]
    secrets = [s for s in secrets if len(s) >= 4]
    for model in (Child, RelatedPerson, NameToken):
        for row in raw_rows(model):
            text = " ".join(str(value) for value in row)
            assert not any(secret in text for secret in secrets), model
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, address, date_of_birth FROM cases_child")
        for values in cursor.fetchall():
            assert all(v.startswith("v1:") for v in values if v)


def test_seeded_children_are_found_by_name_and_number() -> None:
    seed(40)
    for child in Child.objects.all()[:10]:
        found = search_children(Case.objects.all(), child.full_name)
        assert child.cases.get() in found
        if child.individual_id:
            assert child.cases.get() in search_children(Case.objects.all(), child.individual_id)


def test_reference_data_is_created_once() -> None:
    seed(20)
    seed(20, seed=8)
    assert Agency.objects.filter(case_prefix__regex=r"^[A-Z]{3}$").count() == 8
    users = User.objects.filter(username__startswith="seed-")
    assert users.count() == 8 * 4  # 3 caseworkers and a supervisor each, at this size
    assert not any(user.has_usable_password() for user in users)
    cw = User.objects.get(username="seed-ngo-psy-cw1")
    assert cw.roles == {"caseworker"}
    assert User.objects.get(username="seed-unhcr-sup1").roles == {"supervisor"}
    assert Location.objects.filter(code__startswith=seeding.COUNTRY_CODE).count() == 1 + 3 + 60
    assert Lookup.objects.filter(kind="protection_concerns").count() == len(seeding.CONCERNS)
    assert Lookup.objects.filter(kind="nationalities").exists()
    assert Case.objects.count() == 40


def test_staff_grows_with_the_caseload() -> None:
    assert seeding.staff_counts(100, 400) == (3, 1)
    assert seeding.staff_counts(125_000, 400) == (313, 40)


def test_the_same_child_is_sometimes_registered_again() -> None:
    reference = seeding.ensure_reference(2000, 400)
    planner = seeding.Planner(seed=3, total=2000, now=NOW, reference=reference)
    plans = [planner.plan(index) for index in range(2000)]
    again = [plan for plan in plans if plan.duplicate_of is not None]
    assert 10 <= len(again) <= 80
    first = plans[again[0].duplicate_of]  # type: ignore[index]
    assert (
        again[0].date_of_birth[:4] in {str(int(first.date_of_birth[:4]) + d) for d in (-1, 0, 1)}
        or not first.date_of_birth
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_bulk_create_writes_what_copy_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    seed(20, seed=5, batch=20)
    by_copy = snapshot()
    forget_cases()
    monkeypatch.setattr(seed_writer, "_copy", seed_writer._bulk_create)
    seed(20, seed=5, batch=20)
    assert snapshot() == by_copy


# --- The command ---------------------------------------------------------------------------


def test_command_prints_a_line_per_batch_and_the_rate() -> None:
    out = io.StringIO()
    call_command("seed", "--cases", "12", "--seed", "4", "--batch", "5", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("seed: batch 1/3: 5/12 cases")
    assert "cases/s" in lines[-1] and "rows/s" in lines[-1]
    assert Case.objects.count() == 12


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "--cases is required"),
        (["--cases", "0"], "--cases: expected 1 to"),
        (["--cases", "ten"], "--cases: expected a whole number"),
        (["--cases", "5", "--batch", "0"], "--batch: expected 1 to"),
        (["--cases", "5", "--seed", "-1"], "--seed: expected 0 to"),
        (["--cases", "5", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_arguments_exit_2(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=re.escape(message)) as failure:
        call_command("seed", *args)
    assert failure.value.returncode == 2
    assert not Case.objects.exists()


@override_settings(AMANA_ENV="production")
def test_refuses_production() -> None:
    with pytest.raises(CommandError, match="production") as failure:
        call_command("seed", "--cases", "5")
    assert failure.value.returncode == 2


@pytest.mark.slow
@pytest.mark.parametrize("args", [["--cases", "0"], ["--cases", "3", "--nope"]])
def test_command_line_bad_arguments_one_line_exit_2(tmp_path: Path, args: list[str]) -> None:
    script = Path(sys.executable).with_name("amana")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "amana.cli"]
    env = {
        **without_owner_url(dict(os.environ)),
        "AMANA_ENV": "test",
        "AMANA_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'never-written.sqlite3'}",
    }
    done = subprocess.run(
        [*command, "seed", *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr

"""`amana names reindex`: tokens written under older rules brought to the rules in force, in
audited, resumable batches; a second run changes nothing."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import CommandError, call_command

from amana.accounts.models import Agency
from amana.audit.models import AuditEntry
from amana.cases.actions.reindex import (
    ACTION,
    OBJECT_TYPE,
    do_reindex_names,
    index_version,
    reindex_resume_point,
)
from amana.cases.models import Case, Child, NameToken, RelatedPerson
from amana.cases.names import CAREGIVER_PURPOSE, KEY_VERSION, PURPOSE, caregiver_token, name_tokens
from amana.cases.search import search_children
from amana.crypto.keys import index_for
from tests.cases.test_duplicates import registered
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def camp() -> Agency:
    return AgencyFactory()


TA_MARBUTA_AS_HA = str.maketrans({"\u0629": "\u0647"})


def version_1_key(word: str) -> str:
    return word.translate(TA_MARBUTA_AS_HA)


def registered_under_version_1(agency: Agency, name: str, carer: str, number: int) -> Child:
    """A child as key version 1 stored one: Arabic script keyed in its own letters."""
    child = Child.objects.create(id=uuid.UUID(int=number), agency=agency, full_name=name)
    for word in name.split():
        NameToken.objects.create(child=child, token=index_for(PURPOSE, version_1_key(word)))
    RelatedPerson.objects.create(
        child=child,
        relationship=RelatedPerson.Relationship.MOTHER,
        full_name=carer,
        is_caregiver=True,
        name_token=index_for(CAREGIVER_PURPOSE, version_1_key(carer.split(maxsplit=1)[0])),
    )
    Case.objects.create(case_number=f"R-{number:04d}", agency=agency, child=child)
    return child


def tokens_of(child: Child) -> set[str]:
    return set(child.name_tokens.values_list("token", flat=True))


def found(query: str) -> set[str]:
    return {case.case_number for case in search_children(Case.objects.all(), query)}


def names(*args: str) -> str:
    out = io.StringIO()
    call_command("names", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_reindex_lets_old_arabic_script_records_be_found_in_latin_letters(camp: Agency) -> None:
    child = registered_under_version_1(camp, "محمد حسين", "فاطمة علي", 1)
    assert found("Mohammed Hussein") == set()  # allowed twin below; denied before re-indexing
    done = do_reindex_names(after=None, batch=10)
    assert (done.children, done.changed, done.added, done.removed, done.caregivers) == (
        1,
        1,
        2,
        2,
        1,
    )
    assert tokens_of(child) == set(name_tokens("Muhammad Husayn"))
    assert found("Mohammed Hussein") == {"R-0001"}
    assert found("Mahmoud Hassan") == set()
    person = RelatedPerson.objects.get(child=child)
    assert person.name_token == caregiver_token("Fatima") == caregiver_token("فاطمة")


def test_add_only_adds_tokens_and_changes_nothing_else(camp: Agency) -> None:
    child = registered_under_version_1(camp, "محمد", "عائشة", 1)
    before = tokens_of(child)
    carer_before = RelatedPerson.objects.get(child=child).name_token
    done = do_reindex_names(after=None, batch=10, add_only=True)
    assert (done.added, done.removed, done.caregivers) == (1, 0, 0)
    assert tokens_of(child) == before | set(name_tokens("Muhammad"))
    assert RelatedPerson.objects.get(child=child).name_token == carer_before
    assert found("Mohamed") == {"R-0001"}
    assert (
        names("reindex", "--add-only").splitlines()[-1].endswith("tokens +0 -0, caregiver tokens 0")
    )


def test_batches_resume_after_the_last_audited_child_and_a_rerun_changes_nothing(
    camp: Agency,
) -> None:
    children = [registered_under_version_1(camp, "زهراء عمر", "سارة", n) for n in range(1, 6)]
    assert reindex_resume_point() is None
    first = do_reindex_names(after=None, batch=2)
    assert (first.children, first.last) == (2, children[1].pk)
    assert reindex_resume_point() == children[1].pk
    output = names("reindex", "--batch", "2")
    assert output.splitlines()[0] == f"resuming after {children[1].pk} (~0%)"
    assert output.splitlines()[-1].startswith(f"re-index {index_version()} done: 3 children")
    assert all(tokens_of(child) == set(name_tokens("Zahra Umar")) for child in children)
    again = names("reindex", "--restart", "--batch", "2")
    assert "done: 5 children" in again
    assert "0 changed, tokens +0 -0, caregiver tokens 0" in again


def test_each_batch_is_audited_without_names(camp: Agency) -> None:
    registered_under_version_1(camp, "فاطمة حسن", "زينب", 1)
    registered_under_version_1(camp, "علي عمرو", "مريم", 2)
    do_reindex_names(after=None, batch=1, origin="test")
    do_reindex_names(after=uuid.UUID(int=1), batch=1, origin="test")
    entries = list(AuditEntry.objects.filter(action=ACTION).order_by("id"))
    assert [(e.object_type, e.object_id, e.origin) for e in entries] == [
        (OBJECT_TYPE, f"v{KEY_VERSION}", "test")
    ] * 2
    assert entries[1].details["first"] == entries[1].details["last"] == str(uuid.UUID(int=2))
    assert entries[1].details["key_version"] == KEY_VERSION
    written = str([e.details for e in entries])
    for word in ("فاطمة", "حسن", "علي", "Fatima", "fatma", "hasn"):
        assert word not in written


def test_registrations_under_the_rules_in_force_need_nothing(camp: Agency) -> None:
    registered(camp, "Fatemeh Hosseini", carers=("Zahra Ahmadi",))
    done = do_reindex_names(after=None, batch=10)
    assert (done.children, done.changed, done.added, done.removed, done.caregivers) == (
        1,
        0,
        0,
        0,
        0,
    )


def test_nothing_to_do_on_an_empty_database() -> None:
    assert do_reindex_names(after=None, batch=10).last is None
    assert AuditEntry.objects.filter(action=ACTION).count() == 0
    assert "done: 0 children" in names("reindex")


def test_status_says_how_far_the_reindex_got(camp: Agency) -> None:
    registered_under_version_1(camp, "حسين", "ليلى", 1)
    assert names("status").splitlines() == [
        f"name keys: version {KEY_VERSION}; children: 1",
        f"re-index {index_version()}: not started",
    ]
    names("reindex")
    assert names("status").splitlines()[1] == (
        f"re-index {index_version()}: done up to {uuid.UUID(int=1)} (~0%)"
    )


@pytest.mark.parametrize("batch", ["0", "-3", "many", "20001"])
def test_a_bad_batch_size_is_refused(batch: str) -> None:
    with pytest.raises(CommandError, match="--batch"):
        names("reindex", "--batch", batch)


def test_a_name_that_cannot_be_read_stops_the_run_naming_the_row(camp: Agency) -> None:
    registered_under_version_1(camp, "حسن", "هدى", 1)
    registered_under_version_1(camp, "علي", "منى", 2)
    # The first child's ciphertext copied to the second: sealed for another row, it cannot be read.
    sealed = Child.objects.filter(pk=uuid.UUID(int=1)).values_list("full_name", flat=True).get()
    Child.objects.filter(pk=uuid.UUID(int=2)).update(full_name=sealed)
    with pytest.raises(CommandError, match=f"cases.Child.full_name row {uuid.UUID(int=2)}") as stop:
        names("reindex", "--batch", "1")
    assert stop.value.returncode == 2
    assert reindex_resume_point() == uuid.UUID(int=1)  # the first batch is kept

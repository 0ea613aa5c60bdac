"""Possible duplicates at registration: name keys, birth year and caregiver, blind indexes only."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amana.accounts.models import Agency
from amana.cases.duplicates import DuplicateCandidate, possible_duplicates
from amana.cases.models import Case, Child, NameToken, RelatedPerson
from amana.cases.names import caregiver_token, name_tokens
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db
NUMBERS = itertools.count(1)


def registered(
    agency: Agency,
    name: str,
    *,
    birth_year: int | None = None,
    carers: tuple[str, ...] = (),
    cases: int = 1,
) -> Child:
    """A child stored as registration stores one: tokens, caregivers' tokens, a case."""
    child = Child.objects.create(agency=agency, full_name=name, birth_year=birth_year)
    NameToken.objects.bulk_create([NameToken(child=child, token=t) for t in name_tokens(name)])
    for carer in carers:
        RelatedPerson.objects.create(
            child=child,
            relationship=RelatedPerson.Relationship.MOTHER,
            full_name=carer,
            is_caregiver=True,
            name_token=caregiver_token(carer),
        )
    for age in range(cases):
        Case.objects.create(
            case_number=f"T-{next(NUMBERS):06d}",
            agency=agency,
            child=child,
            risk_level=Case.Risk.LOW,
            registered_at=timezone.now() - timedelta(days=10 * (cases - age)),
        )
    return child


def check(agency: Agency, name: str, **kwargs: object) -> list[DuplicateCandidate]:
    options: dict[str, object] = {"birth_year": None, "caregiver_names": [], **kwargs}
    return possible_duplicates(agency=agency, full_name=name, **options)  # type: ignore[arg-type]


@pytest.fixture
def camp() -> Agency:
    return AgencyFactory()


def test_the_same_child_spelt_differently_is_found_with_every_reason(camp: Agency) -> None:
    earlier = registered(
        camp, "Muhammad Abd al-Rahman Hussain", birth_year=2014, carers=("Fatimah Ali",)
    )
    registered(camp, "Omar Khalid", birth_year=2014)
    [candidate] = check(
        camp,
        "Mohamed Abdelrahman Hussein",
        birth_year=2014,
        caregiver_names=["Fatma Hassan"],
    )
    assert candidate.child_id == earlier.pk
    assert candidate.case_number == earlier.cases.get().case_number
    assert candidate.case_id == earlier.cases.get().pk
    assert candidate.score == 100
    assert candidate.reasons == ["all_names", "same_birth_year", "caregiver_name"]


def test_two_shared_names_are_needed_unless_the_name_has_one(camp: Agency) -> None:
    two = registered(camp, "Ahmed Ali Hassan")
    one = registered(camp, "Ahmed Omar Yusuf")
    registered(camp, "Fatima")
    found = {c.child_id: c for c in check(camp, "Ahmad Hasan Ibrahim")}
    assert set(found) == {two.pk}
    assert found[two.pk].reasons == ["some_names"]
    assert found[two.pk].score == 40  # 60 * 2 of 3 names
    assert {c.child_id for c in check(camp, "Ahmed")} == {two.pk, one.pk}
    assert check(camp, "Fatimah")[0].score == 60


def test_birth_year_within_one_scores_less_than_the_same_year(camp: Agency) -> None:
    same = registered(camp, "Aisha Yusuf", birth_year=2012)
    near = registered(camp, "Ayesha Youssef", birth_year=2013)
    far = registered(camp, "Aicha Yousef", birth_year=2016)
    unknown = registered(camp, "Aysha Yousif")
    ranked = check(camp, "Aisha Yusuf", birth_year=2012)
    assert [c.child_id for c in ranked[:2]] == [same.pk, near.pk]
    scores = {c.child_id: (c.score, c.reasons) for c in ranked}
    assert scores[same.pk] == (85, ["all_names", "same_birth_year"])
    assert scores[near.pk] == (75, ["all_names", "birth_year_within_one"])
    assert scores[far.pk] == scores[unknown.pk] == (60, ["all_names"])


def test_caregiver_match_raises_the_score(camp: Agency) -> None:
    with_mother = registered(camp, "Deng Garang", carers=("Nyandeng Deng",))
    without = registered(camp, "Deng Garang", carers=("Achol Kuol",))
    ranked = check(camp, "Deng Garang", caregiver_names=["Nyandeng Majok", "", "  "])
    assert [c.child_id for c in ranked] == [with_mother.pk, without.pk]
    assert ranked[0].reasons == ["all_names", "caregiver_name"]


def test_other_agencies_the_child_itself_and_the_limit(camp: Agency) -> None:
    other = AgencyFactory()
    registered(other, "Yusuf Ahmed")
    mine = [registered(camp, "Yousef Ahmad", birth_year=2010 + n) for n in range(5)]
    assert len(check(camp, "Yusuf Ahmed", limit=3)) == 3
    found = check(camp, "Yusuf Ahmed", exclude_child=mine[0])
    assert {c.child_id for c in found} == {child.pk for child in mine[1:]}
    assert check(camp, "Yusuf Ahmed", limit=0) == []


def test_latest_case_of_the_child_is_named(camp: Agency) -> None:
    child = registered(camp, "Zainab Omar", cases=2)
    [candidate] = check(camp, "Zeinab Umar")
    latest = child.cases.order_by("-registered_at").first()
    assert latest is not None
    assert (candidate.case_id, candidate.case_number) == (latest.pk, latest.case_number)


def test_names_without_keys_find_nothing(camp: Agency) -> None:
    registered(camp, "Ali Hassan")
    assert check(camp, "") == []
    assert check(camp, " - ") == []


def test_no_plaintext_reaches_the_database(camp: Agency) -> None:
    registered(camp, "Khadija Ibrahim", birth_year=2015, carers=("Maryam Saleh",))
    with CaptureQueriesContext(connection) as queries:
        found = check(camp, "Khadidja Ebrahim", birth_year=2015, caregiver_names=["Mariam Salih"])
    assert found
    sent = " ".join(q["sql"] for q in queries.captured_queries).lower()
    for word in ("khadidja", "ebrahim", "mariam", "salih", "xadja", "ibrhm", "marym"):
        assert word not in sent


# --- Across scripts (key version 2) -------------------------------------------------------


def test_the_same_child_written_in_another_script_is_found_with_every_reason(
    camp: Agency,
) -> None:
    earlier = registered(camp, "Husayn Ali Hassan", birth_year=2015, carers=("Fatemeh Ali",))
    registered(camp, "Hassan Omar Zahir", birth_year=2015, carers=("Fatin Omar",))
    [candidate] = check(camp, "حسين علي حسن", birth_year=2015, caregiver_names=["فاطمة"])
    assert candidate.child_id == earlier.pk
    assert (candidate.score, candidate.reasons) == (
        100,
        ["all_names", "same_birth_year", "caregiver_name"],
    )


def test_a_persian_double_name_finds_the_arabic_spelling(camp: Agency) -> None:
    earlier = registered(camp, "محمد رضا احمدي", birth_year=2013)
    [candidate] = check(camp, "Mohammadreza Ahmadi", birth_year=2013)
    assert (candidate.child_id, candidate.reasons) == (
        earlier.pk,
        ["all_names", "same_birth_year"],
    )


def test_different_names_in_another_script_are_not_candidates(camp: Agency) -> None:
    registered(camp, "Husayn Ali Hassan", birth_year=2015, carers=("Fatemeh Ali",))
    registered(camp, "Hassan Omar Zahir", birth_year=2015, carers=("Fatin Omar",))
    assert check(camp, "محمود عمرو زهير", birth_year=2015) == []
    assert check(camp, "حسن عالية", birth_year=2015) == []  # one shared name of two: not enough
    [only] = check(camp, "حسن عمر زاهر", caregiver_names=["فاتن"])
    assert only.reasons == ["all_names", "caregiver_name"]
    [other] = check(camp, "حسن عمر زاهر", caregiver_names=["فاطمة"])
    assert other.reasons == ["all_names"]  # Fatima is not Fatin

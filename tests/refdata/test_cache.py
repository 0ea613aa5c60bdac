"""Reference data kept per process: a change made here is offered at once, one made by
another process within a minute, and nothing of it decides what an action accepts."""

from __future__ import annotations

import pytest

from amana.cases.webforms.choices import concern_choices, location_and_below, location_choices
from amana.core import kept
from amana.refdata.models import Location, Lookup
from tests.cases.helpers import ensure_lookups

pytestmark = pytest.mark.django_db


def test_a_place_saved_here_is_offered_at_once():
    ensure_lookups()
    assert ("XX-C2", "South Camp") not in location_choices()
    Location.objects.create(code="XX-C2", name="South Camp", level=1)
    assert ("XX-C2", "South Camp") in location_choices()


def test_a_concern_switched_off_here_is_no_longer_offered():
    ensure_lookups()
    assert ("gbv", "GBV") in concern_choices()
    row = Lookup.objects.get(kind="protection_concerns", code="gbv")
    row.active = False
    row.save()
    assert ("gbv", "GBV") not in concern_choices()


def test_a_change_made_by_another_process_is_seen_once_the_minute_is_over(monkeypatch):
    ensure_lookups()
    assert ("neglect", "Neglect") in concern_choices()
    # Another process's change: no signal reaches this one (an UPDATE sends none either).
    Lookup.objects.filter(code="neglect").update(label="Neglect and abandonment")
    assert ("neglect", "Neglect") in concern_choices()
    later = kept.time.monotonic() + kept.TTL_SECONDS + 1
    monkeypatch.setattr(kept.time, "monotonic", lambda: later)
    assert ("neglect", "Neglect and abandonment") in concern_choices()


def test_a_place_and_everything_under_it():
    ensure_lookups()
    block = Location.objects.get(code="XX-C1-B1")
    Location.objects.create(code="XX-C1-B1-S1", name="Shelter 1", level=3, parent=block)
    Location.objects.create(code="XX-C9", name="Elsewhere", level=1)
    assert sorted(location_and_below("XX-C1")) == ["XX-C1", "XX-C1-B1", "XX-C1-B1-S1"]
    assert location_and_below("XX-C1-B1-S1") == ["XX-C1-B1-S1"]
    assert location_and_below("nowhere") == ["nowhere"]


def test_the_places_are_indented_under_their_parents():
    ensure_lookups()
    assert location_choices()[:2] == [("XX-C1", "North Camp"), ("XX-C1-B1", "\u2003Block 1")]


def test_what_is_written_is_checked_against_the_database_not_the_copy(make_user):
    from datetime import date

    from amana.accounts.roles import Role
    from amana.cases.actions import CaseInput, ChildInput, do_register_case
    from amana.cases.errors import ActionError

    ensure_lookups()
    worker = make_user(Role.CASEWORKER)
    assert ("gbv", "GBV") in concern_choices()
    Lookup.objects.filter(code="gbv").update(active=False)  # by another process
    assert ("gbv", "GBV") in concern_choices()  # still offered for up to a minute …
    with pytest.raises(ActionError):  # … but not accepted
        do_register_case(
            child=ChildInput(full_name="Amina Yusuf", sex="female", date_of_birth=date(2014, 3, 2)),
            people=[],
            case=CaseInput(risk_level="high", concerns=["gbv"]),
            actor=worker,
        )

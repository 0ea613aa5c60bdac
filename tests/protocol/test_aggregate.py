"""Rules 6.x: aggregate figures and external releases, each with an allowed and a refused case."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from amana.protocol import protocol_from_data
from amana.protocol.aggregate import (
    ReleaseRequest,
    add_working_days,
    as_percentages,
    decide_release,
    publishable,
    suppress_small_cells,
)

CAMP = Path(__file__).resolve().parent / "corpus" / "protocols" / "camp.yaml"
WRITTEN = {
    "who": "University research team",
    "what_for": "caseload trends",
    "how_used": "published report",
    "feedback": "draft shared with coordinators",
    "no_onward_dissemination": "signed guarantee",
}


def camp(**changes):
    data = yaml.safe_load(CAMP.read_text())
    data.update(changes)
    data["settings"]["percent_only"] = ["gbv"]
    return protocol_from_data(data)


def test_r6_1_counts_at_or_above_min_cell_are_published():
    assert suppress_small_cells({"a": 12, "b": 5, "c": 0}, 5) == {"a": 12, "b": 5, "c": 0}


def test_r6_1_small_cell_is_hidden_with_a_complementary_one():
    shown = suppress_small_cells({"a": 12, "b": 3, "c": 7}, 5)
    assert shown == {"a": 12, "b": None, "c": None}  # c hidden so b cannot be recomputed


def test_r6_1_two_small_cells_hide_each_other():
    assert suppress_small_cells({"a": 20, "b": 1, "c": 2}, 5) == {"a": 20, "b": None, "c": None}


def test_r6_2_percent_only_categories_never_give_numbers():
    protocol = camp()
    assert publishable(protocol, "gbv", {"girls": 3, "boys": 1}) == {
        "unit": "percent",
        "values": {"girls": 75.0, "boys": 25.0},
    }
    assert publishable(protocol, "neglect", {"girls": 30, "boys": 10})["unit"] == "count"
    assert as_percentages({"a": 0}) == {"a": 0.0}


def _release(**changes):
    data = {
        "at": date(2026, 5, 20),
        "requested_on": date(2026, 5, 11),
        "written_request": dict(WRITTEN),
        "authorisations": {"un": True, "ngo-a": True},
    }
    data.update(changes)
    return ReleaseRequest(**data)


def test_r6_3_every_data_gatherer_authorised_and_no_breach():
    decision = decide_release(camp(), _release())
    assert decision.decision == "allow" and decision.reasons == []
    assert decision.answers_due == date(2026, 5, 18)  # five working days
    assert decision.escalate_on == date(2026, 5, 25)  # ten working days: to the signatory


def test_r6_3_one_agency_has_not_answered():
    decision = decide_release(camp(), _release(authorisations={"un": True}))
    assert decision.decision == "deny" and decision.waiting_for == ["ngo-a"]


def test_r6_3_one_agency_refused():
    decision = decide_release(camp(), _release(authorisations={"un": True, "ngo-a": False}))
    assert ("release.refused", "ngo-a") in decision.reasons


def test_r6_3_incomplete_written_request():
    partial = {k: v for k, v in WRITTEN.items() if k != "no_onward_dissemination"}
    decision = decide_release(camp(), _release(written_request=partial))
    assert decision.decision == "deny"
    assert decision.reasons[0] == ("release.request_incomplete", "no_onward_dissemination")


@pytest.mark.parametrize(
    ("breach", "open_"),
    [
        ({"id": "b1", "reported_on": "2026-05-01", "resolved_on": None}, True),
        ({"id": "b1", "reported_on": "2026-05-01", "resolved_on": "2026-05-21"}, True),
        ({"id": "b1", "reported_on": "2026-05-01", "resolved_on": "2026-05-20"}, False),
        ({"id": "b1", "reported_on": "2026-05-21", "resolved_on": None}, False),
    ],
)
def test_r6_3_unresolved_breach_halts_release(breach, open_):
    decision = decide_release(camp(breaches=[breach]), _release())
    assert (decision.decision == "deny") is open_
    assert (("breach.open", "b1") in decision.reasons) is open_


def test_working_days_skip_weekends():
    assert add_working_days(date(2026, 5, 15), 1) == date(2026, 5, 18)  # Friday → Monday


def test_r6_1_a_lone_small_cell_has_no_partner_to_hide():
    assert suppress_small_cells({"a": 3, "b": 0}, 5) == {"a": None, "b": 0}

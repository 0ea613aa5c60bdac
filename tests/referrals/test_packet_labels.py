"""Packet values read as words in the reader's language, never as the codes stored."""

from __future__ import annotations

from django.utils import translation

from amana.referrals.presenters import value_text


def test_coded_values_read_as_labels_in_french():
    with translation.override("fr"):
        assert value_text("sex", "female") == "Féminin"
        assert value_text("specific_needs_codes", ["child_labour"]) == "Travail des enfants"
        assert value_text("care_arrangement", "parents") != "parents"
        assert "bia_done" not in value_text("bia_status", "bia_done")


def test_a_case_summary_names_each_fact_and_labels_its_codes():
    summary = {"case_number": "NGC-1", "stage": "registered", "risk_level": "high"}
    with translation.override("en"):
        assert value_text("case_summary", summary) == (
            "Case number: NGC-1, Stage: Registered, Risk level: High"
        )


def test_people_around_the_child_read_as_words():
    person = {
        "relationship": "mother",
        "full_name": "Salma",
        "contact_phone": "",
        "is_caregiver": True,
        "lives_with_child": True,
    }
    with translation.override("en"):
        assert value_text("related_people", [person]) == (
            "Mother, Salma, caregiver, lives with the child"
        )
    with translation.override("ar"):
        text = value_text("related_people", [person])
    assert "mother" not in text and "True" not in text and "Salma" in text


def test_free_text_is_shown_as_written():
    assert value_text("referral_summary", "Needs an assessment.") == "Needs an assessment."

"""Codes read as labels in the reader's language; the operation's own English wording kept."""

from __future__ import annotations

from django.utils import translation

from amana.refdata.labels import (
    BASES,
    CONCERNS,
    ELEMENTS,
    NATIONALITIES,
    SERVICES,
    SEX,
    country_label,
    label,
    relabel_quoted,
)


def test_a_shipped_concern_reads_in_french_and_arabic():
    with translation.override("fr"):
        assert label(CONCERNS, "child_labour", "Child labour") == "Travail des enfants"
    with translation.override("ar"):
        assert label(CONCERNS, "child_labour", "Child labour") == "عمل الأطفال"


def test_in_english_the_operations_stored_label_wins():
    with translation.override("en"):
        assert label(CONCERNS, "physical_violence", "Physical violence") == "Physical violence"
        assert label(CONCERNS, "physical_violence") == "Physical violence or abuse"


def test_a_code_amana_does_not_know_keeps_its_stored_label_in_every_language():
    with translation.override("fr"):
        assert label(CONCERNS, "local_concern", "Local concern") == "Local concern"


def test_a_code_with_no_label_at_all_is_never_shown_raw():
    with translation.override("fr"):
        assert label(SERVICES, "mobile_clinic") == "mobile clinic"
        assert label(SERVICES, "") == ""


def test_an_iso_nationality_reads_as_the_country_in_the_readers_language():
    with translation.override("fr"):
        assert label(NATIONALITIES, "AFG") == "Afghanistan"
        assert label(NATIONALITIES, "ERI") == "Érythrée"
    with translation.override("ar"):
        assert label(NATIONALITIES, "SOM") == "الصّومال"
    assert country_label("SDN", "fr") == "Soudan"


def test_a_lower_case_sample_code_is_not_taken_for_an_iso_country():
    """The sample's "mar" is the invented Maruni, not Morocco (MAR)."""
    with translation.override("fr"):
        assert label(NATIONALITIES, "mar") == "Maruni"
        assert label(NATIONALITIES, "stateless") == "Apatride"
    assert country_label("mar", "fr") is None


def test_elements_bases_and_sex_have_labels():
    with translation.override("fr"):
        assert label(ELEMENTS, "full_name") != "full_name"
        assert label(BASES, "best_interests") != "best_interests"
        assert label(SEX, "female") != "female"


def test_quoted_codes_in_a_reason_text_become_labels_in_its_own_quotes():
    with translation.override("fr"):
        text = relabel_quoted("« mental_health_care » sur la base « consent », pas « autre »")
    assert "mental_health_care" not in text and "« consent »" not in text
    assert text.endswith("pas « autre »")
    with translation.override("en"):
        english = relabel_quoted('For "referral_immediate" on the basis "consent".')
    assert english == 'For "Referral to a service now" on the basis "Consent".'

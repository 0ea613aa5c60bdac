"""Reading protocols and requests: every malformed input is named by its key path."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from amana.protocol import ContractError, evaluate, protocol_from_data, request_from_data
from amana.protocol.loading import load_protocol, parse_request
from amana.protocol.texts import LANGUAGES, all_messages, translate

CAMP = Path(__file__).resolve().parent / "corpus" / "protocols" / "camp.yaml"


def camp() -> dict:
    return yaml.safe_load(CAMP.read_text())


def request() -> dict:
    return {
        "at": "2026-05-10", "from": "ngo-a", "to": "un", "purpose": "referral_immediate",
        "service": "health", "legal_basis": "vital_interests", "subject": {"age": 9},
        "exceptional": {"circumstance": "c", "risk_assessment": "r", "recipient_assessed_safe": True},
        "elements": ["full_name"],
    }  # fmt: skip


def broken_protocol(change) -> str:
    data = camp()
    change(data)
    with pytest.raises(ContractError) as err:
        protocol_from_data(data)
    return str(err.value)


def test_service_provider_must_be_a_participant():
    def change(d):
        d["purposes"]["referral_immediate"]["services"]["health"]["provider"] = "ghost"

    assert broken_protocol(change).startswith(
        "purposes.referral_immediate.services.health.provider: expected the id of a participant"
    )


def test_purpose_outside_the_vocabulary():
    message = broken_protocol(lambda d: d["purposes"].update({"gossip": {}}))
    assert message.startswith("purposes.gossip: not a purpose")


def test_duplicate_participant_and_unknown_coordinator():
    assert "participants[1].id: expected an id not used" in broken_protocol(
        lambda d: d["participants"][1].update({"id": "un"})
    )
    assert "coordinators[0]: expected the id of a participant" in broken_protocol(
        lambda d: d.update({"coordinators": ["ghost"]})
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update({"effective_from": None, "case_management_started_on": None}),
         "case_management_started_on: required while effective_from is empty"),
        (lambda d: d["participants"][0].update({"roles": ["king"]}), "participants[0].roles[0]"),
        (lambda d: d["participants"][0].update({"name": ""}), "participants[0].name"),
        (lambda d: d["settings"].update({"min_cell": 0}), "settings.min_cell"),
        (lambda d: d["settings"].update({"assent_from_age": True}), "settings.assent_from_age"),
        (lambda d: d.update({"breaches": [{"id": "b1"}]}), "breaches[0].reported_on: required"),
        (lambda d: d.update({"participants": {"un": {}}}), "participants: expected a list"),
        (lambda d: d["purposes"]["referral_future"].update({"services_documented": "yes"}),
         "purposes.referral_future.services_documented: expected true or false"),
        (lambda d: d["participants"][4]["suspended"].update({"since": datetime.datetime(2026, 1, 1)}),
         "participants[4].suspended.since: expected a date"),
    ],
)  # fmt: skip
def test_protocol_errors_name_the_path(change, message):
    assert message in broken_protocol(change)


def test_defaults_when_settings_and_breaches_are_absent():
    data = camp()
    del data["settings"]
    data["breaches"] = [{"id": "b1", "reported_on": "2026-04-01", "resolved_on": None}]
    protocol = protocol_from_data(data)
    assert protocol.settings.assent_from_age == 7
    assert protocol.settings.neutral_label == "high priority"
    assert "gbv" in protocol.settings.stigmatising_terms
    assert protocol.breaches[0].resolved_on is None


def test_custom_stigmatising_terms_replace_the_defaults():
    data = camp()
    data["settings"]["stigmatising_terms"] = ["Trafficking"]
    protocol = protocol_from_data(data)
    assert protocol.settings.stigmatising_terms == ("trafficking",)
    labelled = request() | {"label": "GBV follow-up"}
    assert evaluate(protocol, request_from_data(labelled)).label == "GBV follow-up"
    labelled = request() | {"label": "trafficking survivor"}
    assert evaluate(protocol, request_from_data(labelled)).label == "priority case"


def test_unreadable_and_non_utf8_protocol_files(tmp_path):
    with pytest.raises(ContractError, match="cannot read"):
        load_protocol(tmp_path / "missing.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"id: caf\xe9\n")
    with pytest.raises(ContractError, match="not UTF-8"):
        load_protocol(latin)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"from": ""}, "from: expected a non-empty string"),
        ({"subject": {"age": 9, "gbv_survivor": "yes"}}, "subject.gbv_survivor: expected true or false"),
        ({"subject": {"age": 9.5}}, "subject.age: expected a whole number"),
        ({"elements": "full_name"}, "elements: expected a list"),
        ({"exceptional": {"risk_assessment": 5}}, "exceptional.risk_assessment: expected text or null"),
        ({"best_interests": {"assessed_on": "2026/05/01"}}, "best_interests.assessed_on"),
        ({"consents": [{"given_by": "caregiver", "kind": "consent", "purposes": [], "recipients": [],
                        "on": "2026-05-01", "stage": "later"}]}, "consents[0].stage"),
        ({"subject": None}, "subject: required"),
        ({"to": ["un"]}, "to: expected a non-empty string"),
    ],
)  # fmt: skip
def test_request_errors_name_the_path(change, message):
    with pytest.raises(ContractError) as err:
        parse_request(request() | change)
    assert message in str(err.value)


def test_request_root_must_be_an_object():
    with pytest.raises(ContractError, match=r"^document: expected an object"):
        parse_request(["not", "an", "object"])


def test_dates_given_as_date_objects_are_read_by_the_validator():
    data = request() | {"at": datetime.date(2026, 5, 10)}
    assert parse_request(data).at == datetime.date(2026, 5, 10)


def test_blank_risk_assessment_counts_as_none():
    data = request() | {"exceptional": {"risk_assessment": "   ", "recipient_assessed_safe": True}}
    assert parse_request(data).exceptional.risk_assessment is None


def test_decision_codes_collect_reasons_and_withheld():
    protocol = protocol_from_data(camp())
    decision = evaluate(protocol, request_from_data(request() | {"elements": ["full_name", "x"]}))
    assert {"sharing.allowed", "elements.not_agreed"} <= decision.codes


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_explanation_is_translated(language):
    untranslated = [m for m in all_messages() if translate(m, language) == m]
    assert not untranslated, untranslated[:3]


def test_every_reason_has_a_written_text_not_just_its_code():
    import random

    from amana.protocol.bench import demo_protocol_path
    from amana.protocol.generate import make_request

    protocol = load_protocol(demo_protocol_path())
    rng = random.Random(3)
    for _ in range(2000):
        decision = evaluate(protocol, parse_request(make_request(rng, protocol))).to_dict()
        for reason in decision["reasons"]:
            assert reason["text"] != reason["code"], reason


def test_a_text_never_shows_a_raw_placeholder():
    from amana.protocol.codes import Code
    from amana.protocol.decision import _reason

    text = _reason(Code.CONSENT_MISSING, (), "en")["text"]
    assert "{" not in text and "—" in text

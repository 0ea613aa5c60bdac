"""What the fast path derives once (element split, consent reading, pre-encoded JSON) decides
exactly as the plain code it replaces; the catalogue's table only narrows the list of rules."""

from __future__ import annotations

import json
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from amana.protocol import catalogue, cli, evaluate, request_from_data
from amana.protocol.codes import Code
from amana.protocol.fast import elements as element_tables
from amana.protocol.fast.wire import encode
from amana.protocol.findings import Context, Finding, Withheld
from amana.protocol.model import ConsentRecord, Request, Subject
from amana.protocol.rules import consent as consent_rules
from amana.protocol.rules import elements as element_rules
from amana.protocol.rules.consent import REFUSING, ConsentState, read_consents
from amana.protocol.texts import LANGUAGES

from .test_invariants import PROTOCOLS, requests

DAY = date(2026, 3, 1)


def _replayed(request: Request) -> ConsentState:
    """The reference: every relevant record replayed oldest first, a refusal last on its day."""
    state = ConsentState()
    relevant = [r for r in request.consents if consent_rules._relevant(r, request)]
    for record in sorted(relevant, key=lambda r: (r.on, r.kind in REFUSING)):
        if record.kind in REFUSING:
            state.standing[record.given_by] = []
            state.refused.add(record.given_by)
        else:
            state.standing.setdefault(record.given_by, []).append(record)
            state.refused.discard(record.given_by)
    return state


def _seen(state: ConsentState) -> tuple[object, ...]:
    """What the rules can read of a state: agreements by kind and stage, and the refusals."""
    givers = ("child", "caregiver", "adult_subject")
    kinds = (frozenset({"consent"}), frozenset({"assent"}), consent_rules.AGREEING)
    return (
        tuple(state.has_agreement(g, k) for g in givers for k in kinds),
        tuple(state.stages(g) for g in givers),
        frozenset(state.refused),
    )


records = st.builds(
    lambda giver, kind, days, stage, purpose, recipient: ConsentRecord(
        given_by=giver,
        kind=kind,
        purposes=frozenset(purpose),
        recipients=frozenset(recipient),
        on=DAY + timedelta(days=days),
        stage=stage,
    ),
    st.sampled_from(("child", "caregiver", "adult_subject")),
    st.sampled_from(("consent", "assent", "refusal", "withdrawal")),
    st.integers(min_value=-3, max_value=3),
    st.sampled_from(("intake", "closure", "other")),
    st.sampled_from(((), ("referral_immediate",), ("research",))),
    st.sampled_from(((), ("unhcr",), ("unicef",))),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(records, max_size=6))
def test_reading_consents_by_date_is_replaying_them_in_order(consents):
    request = Request(
        at=DAY,
        sender="unicef",
        recipient="unhcr",
        purpose="referral_immediate",
        legal_basis="consent",
        subject=Subject(age=10),
        elements=("full_name",),
        consents=tuple(consents),
    )
    assert _seen(read_consents(request)) == _seen(_replayed(request))


def test_an_agreement_after_a_refusal_stands_and_one_the_same_day_does_not():
    def record(kind: str, days: int) -> ConsentRecord:
        return ConsentRecord(
            given_by="caregiver",
            kind=kind,
            purposes=frozenset({"referral_immediate"}),
            recipients=frozenset({"unhcr"}),
            on=DAY - timedelta(days=days),
        )

    def state(*consents: ConsentRecord) -> ConsentState:
        request = Request(
            at=DAY,
            sender="unicef",
            recipient="unhcr",
            purpose="referral_immediate",
            legal_basis="consent",
            subject=Subject(age=10),
            elements=("full_name",),
            consents=consents,
        )
        return read_consents(request)

    later = state(record("refusal", 3), record("withdrawal", 2), record("consent", 1))
    assert later.has_agreement("caregiver", frozenset({"consent"})) and not later.refused
    same_day = state(record("consent", 2), record("refusal", 2))
    assert same_day.refused == {"caregiver"} and not same_day.standing
    # Records out of date order: the latest refusal counts even when an earlier one comes after
    # it, so an agreement between the two does not stand; one after both does.
    between = state(record("withdrawal", 1), record("consent", 2), record("refusal", 3))
    assert between.refused == {"caregiver"} and not between.standing
    after = state(record("withdrawal", 2), record("refusal", 3), record("consent", 1))
    assert after.has_agreement("caregiver", frozenset({"consent"})) and not after.refused


@settings(max_examples=400, deadline=None)
@given(requests, st.booleans())
def test_the_element_table_splits_as_withhold_code_does(case, bounded):
    protocol, data = case
    request = request_from_data(data)
    if request.purpose not in protocol.purposes:
        return
    plain = Context(protocol=protocol, request=request)
    share = element_rules.split_elements(plain)
    split = element_tables.ElementSplit(protocol)
    if bounded:
        split._tables = {(request.purpose, request.service): {}}
    for _ in range(2):  # the second split reads the table
        withheld: list[Withheld] = []
        assert split.split(request.purpose, request.service, request.elements, withheld) == share
        assert withheld == plain.withheld


def test_the_element_tables_are_bounded(monkeypatch):
    monkeypatch.setattr(element_tables, "TABLES_MAX", 1)
    monkeypatch.setattr(element_tables, "ELEMENTS_MAX", 1)
    protocol = PROTOCOLS[0]
    split = element_tables.ElementSplit(protocol)
    elements = ("full_name", "case_file", "sex")
    for service in ("a", "b", "a"):
        request = Request(
            at=DAY,
            sender="unicef",
            recipient="unhcr",
            purpose="referral_immediate",
            service=service,
            legal_basis="consent",
            subject=Subject(age=10),
            elements=elements,
        )
        plain = Context(protocol=protocol, request=request)
        share = element_rules.split_elements(plain)
        withheld: list[Withheld] = []
        assert split.split("referral_immediate", service, elements, withheld) == share
        assert withheld == plain.withheld
    assert len(split._tables) == 1
    assert all(len(table) <= 1 for table in split._tables.values())


@settings(max_examples=300, deadline=None)
@given(requests, st.sampled_from(LANGUAGES))
def test_the_batch_json_is_the_encoded_decision(case, language):
    protocol, data = case
    decision = evaluate(protocol, request_from_data(data))
    line = decision.to_json(language)
    assert line == encode(decision.to_dict(language))
    assert line == cli.decide_line(protocol, json.dumps(data).encode(), language)


def test_the_catalogue_only_narrows_the_list_of_rules():
    """Outcomes are held to every rule run afresh by test_wire.py; here, only the shape: each
    selection keeps the catalogue's order, and a purpose outside the vocabulary is selected
    as one inside it would be."""
    for (purpose, basis, interim, enabled), rules in catalogue._TABLE.items():
        assert [r for r in catalogue.RULES if r in rules] == list(rules)
        assert rules == catalogue._select(purpose, basis, interim, enabled)
    unknown = catalogue.rules_for("no_such_purpose", "mandate", True, False)
    assert [r for r in catalogue.RULES if r in unknown] == list(unknown)
    assert (
        catalogue.rules_for("referral_immediate", "consent", False, True)
        is (catalogue._TABLE["referral_immediate", "consent", False, True])
    )


def test_findings_are_immutable_values():
    finding = Finding(Code.CONTACT_UNSAFE, True)
    assert finding == Finding(Code.CONTACT_UNSAFE, True, ())
    assert hash(finding) == hash(Finding(Code.CONTACT_UNSAFE, True))

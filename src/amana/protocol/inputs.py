"""What the rules after 1.x read of a request, reduced to what they compare.

The rules of sections 2 to 5 never look at a request's date, sender or elements except through
the comparisons below (a consent given by the request date, an assessment made by then, a child
old enough to assent...). Two requests with the same `rule_inputs` therefore get the same
findings from those rules, and the engine keeps the findings per key (`engine.Tables.outcomes`):
a pure function remembered on everything it depends on. The property tests hold it to that
(tests/protocol/test_wire.py, test_inputs.py).
"""

from __future__ import annotations

from datetime import date
from typing import Final

from amana.protocol.model import ConsentRecord, Protocol, Request
from amana.protocol.rules.basis import CLOSED_CASE_PURPOSES
from amana.protocol.rules.consent import REFUSING, refusal_covers
from amana.protocol.rules.harm import is_home_visit, is_stigmatising
from amana.protocol.vocabulary import ADULT_AGE, EXCEPTIONAL_BASES

ARCHIVE_STAGES: Final = frozenset({"intake", "closure"})
REFUSAL_ORDER: Final = ("child", "caregiver", "adult_subject")  # as rule nobody_refused reads
RISK_BASES: Final = EXCEPTIONAL_BASES | {"mandate"}  # rules risk_assessed, recipient_safe

ConsentFacts = tuple[bool, bool, str | None, bool]


def _covering(request: Request) -> tuple[list[ConsentRecord], dict[str, date]]:
    """The agreements that cover the request, and each giver's latest covering refusal."""
    purpose = request.purpose
    at, recipient, service = request.at, request.recipient, request.service
    last_refusal: dict[str, date] = {}
    agreements: list[ConsentRecord] = []
    for record in request.consents:
        if record.on > at:
            continue
        if record.kind not in REFUSING:
            # `rules.consent.covers`, inlined: this loop runs for most requests
            if (
                purpose in record.purposes
                and recipient in record.recipients
                and (record.services is None or service in record.services)
            ):
                agreements.append(record)
        elif refusal_covers(record, request):
            latest = last_refusal.get(record.given_by)
            if latest is None or record.on > latest:
                last_refusal[record.given_by] = record.on
    return agreements, last_refusal


def consent_facts(request: Request, child: bool) -> ConsentFacts | None:
    """What the consent rules ask of the records, read as `rules.consent.read_consents` reads
    them: whether the person who consents did (kind "consent"), whether the child agreed,
    who refused first (in the order rule nobody_refused asks), and whether the archive stages
    were both recorded. None where no rule reads consents. One pass over the records for the
    refusals, one over the agreements; a property test holds it to `read_consents`."""
    purpose = request.purpose
    if request.legal_basis != "consent" and purpose not in CLOSED_CASE_PURPOSES:
        return None
    agreements, last_refusal = _covering(request)
    giver = "caregiver" if child else "adult_subject"
    consented = child_agreed = False
    stages: set[str] = set()
    agreeing: set[str] = set()
    for record in agreements:
        given_by = record.given_by
        if last_refusal:
            latest = last_refusal.get(given_by)
            if latest is not None and record.on <= latest:
                continue
            agreeing.add(given_by)
        if given_by == giver:
            consented = consented or record.kind == "consent"
            stages.add(record.stage)
        elif given_by == "child":
            child_agreed = True
    first_refusal = None
    if last_refusal:
        first_refusal = next(
            (g for g in REFUSAL_ORDER if g in last_refusal and g not in agreeing), None
        )
    return consented, child_agreed, first_refusal, stages >= ARCHIVE_STAGES


_UNSEEN: Final = object()
_LABELS_MAX: Final = 10_000


class RuleInputs:
    """`rule_inputs` for one protocol, with what it asks of labels and contact methods kept per
    exact text met (bounded)."""

    __slots__ = ("assent_from_age", "contacts", "labels", "protocol")

    def __init__(self, protocol: Protocol) -> None:
        self.protocol = protocol
        self.assent_from_age = protocol.settings.assent_from_age
        self.labels: dict[str | None, bool] = {}
        self.contacts: dict[str | None, bool] = {}

    def key(self, request: Request, interim: bool) -> tuple[object, ...]:
        """Everything the rules after 1.x depend on, for one request; a fact that no rule
        would read for this purpose and basis is left out (None), so more requests share a key."""
        subject = request.subject
        child = subject.age < ADULT_AGE and subject.care_status != "adult"  # Subject.is_child
        basis = request.legal_basis
        purpose = request.purpose
        asks_caregiver = child and basis == "consent"  # caregiver_can_be_asked, child_assented
        bia = request.best_interests
        if bia is not None and basis != "best_interests" and purpose not in CLOSED_CASE_PURPOSES:
            bia = None
        exceptional = request.exceptional
        if exceptional is not None and basis not in RISK_BASES:
            exceptional = None
        label = self.labels.get(request.label, _UNSEEN)
        if label is _UNSEEN:
            label = self._label(request.label)
        return (
            interim,
            purpose,
            request.service if purpose == "referral_immediate" else None,
            basis,
            request.recipient,
            child,
            asks_caregiver and subject.age >= self.assent_from_age,
            asks_caregiver and subject.caregiver_reachable,
            asks_caregiver and subject.informing_caregiver_in_best_interests,
            consent_facts(request, child),
            None
            if bia is None
            else (
                bia.supports_sharing,
                bia.assessed_on is not None and bia.assessed_on <= request.at,
            ),
            None
            if exceptional is None
            else (bool(exceptional.risk_assessment), exceptional.recipient_assessed_safe),
            subject.gbv_survivor and self._home_visit(request.contact_method),
            label,
        )

    def _label(self, label: str | None) -> bool:
        found = is_stigmatising(self.protocol, label)
        if len(self.labels) < _LABELS_MAX:
            self.labels[label] = found
        return found

    def _home_visit(self, contact_method: str | None) -> bool:
        found = self.contacts.get(contact_method)
        if found is None:
            found = is_home_visit(contact_method)
            if len(self.contacts) < _LABELS_MAX:
                self.contacts[contact_method] = found
        return found


def rule_inputs(protocol: Protocol, request: Request, interim: bool) -> tuple[object, ...]:
    """Everything the rules after 1.x depend on, for one request (see `RuleInputs.key`)."""
    return RuleInputs(protocol).key(request, interim)

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
from amana.protocol.vocabulary import ADULT_AGE, BASES_FOR_PURPOSE, EXCEPTIONAL_BASES

ARCHIVE_STAGES: Final = frozenset({"intake", "closure"})
REFUSAL_ORDER: Final = ("child", "caregiver", "adult_subject")  # as rule nobody_refused reads
# Purposes for which the rules of section 3 check the basis (see `basis._checks_basis`).
CHECKED_PURPOSES: Final = frozenset(BASES_FOR_PURPOSE) - {"feedback_process"}
# Bases under which a rule's finding may name the recipient (consent_given, the archive rule,
# recipient_safe); under the others only referral_names_agreed_service reads it.
NAMING_BASES: Final = EXCEPTIONAL_BASES | {"consent"}
RISK_BASES: Final = EXCEPTIONAL_BASES | {"mandate"}  # rules risk_assessed, recipient_safe

# Bits of `consent_facts`: 1 the person who consents did (kind "consent"), 2 the child agreed,
# 4 both archive stages recorded; above them (>> 3), who refused first: 0 nobody, else the
# 1-based place in REFUSAL_ORDER.
CONSENTED, CHILD_AGREED, ARCHIVE_STAGES_RECORDED = 1, 2, 4
NO_CONSENT_RULES = -1


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


def consent_facts(request: Request, child: bool) -> int:
    """What the consent rules ask of the records, read as `rules.consent.read_consents` reads
    them: whether the person who consents did (kind "consent"), whether the child agreed,
    who refused first (in the order rule nobody_refused asks), and whether the archive stages
    were both recorded, as bits (see CONSENTED...); NO_CONSENT_RULES where no rule reads
    consents. One pass over the records for the refusals, one over the agreements; a property
    test holds it to `read_consents`."""
    purpose = request.purpose
    if purpose not in CHECKED_PURPOSES:  # the consent rules start with `basis._checks_basis`
        return NO_CONSENT_RULES
    if request.legal_basis != "consent" and purpose not in CLOSED_CASE_PURPOSES:
        return NO_CONSENT_RULES
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
    refused = 0
    if last_refusal:
        refused = next(
            (n for n, g in enumerate(REFUSAL_ORDER, 1) if g in last_refusal and g not in agreeing),
            0,
        )
    return consented | child_agreed << 1 | (stages >= ARCHIVE_STAGES) << 2 | refused << 3


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
        """Everything the rules after 1.x depend on, for one request: the purpose, service,
        basis and recipient, the consent facts, and the other facts as bits of one number. A
        fact that no rule would read for this purpose and basis is left out (0 or None), so
        that more requests share a key."""
        subject = request.subject
        child = subject.age < ADULT_AGE and subject.care_status != "adult"  # Subject.is_child
        basis = request.legal_basis
        purpose = request.purpose
        flags = interim | child << 1
        if child and basis == "consent":  # caregiver_can_be_asked, child_assented
            flags |= (
                (subject.age >= self.assent_from_age) << 2
                | subject.caregiver_reachable << 3
                | subject.informing_caregiver_in_best_interests << 4
            )
        bia = request.best_interests
        if bia is not None and (basis == "best_interests" or purpose in CLOSED_CASE_PURPOSES):
            assessed_on = bia.assessed_on
            flags |= (
                32
                | bia.supports_sharing << 6
                | (assessed_on is not None and assessed_on <= request.at) << 7
            )
        exceptional = request.exceptional
        if exceptional is not None and basis in RISK_BASES:
            flags |= (
                256
                | bool(exceptional.risk_assessment) << 9
                | exceptional.recipient_assessed_safe << 10
            )
        if subject.gbv_survivor and self._home_visit(request.contact_method):
            flags |= 2048
        stigmatising = self.labels.get(request.label)
        if stigmatising is None:
            stigmatising = self._label(request.label)
        if stigmatising:
            flags |= 4096
        referral = purpose == "referral_immediate"  # referral_names_agreed_service
        names_recipient = referral or (purpose in CHECKED_PURPOSES and basis in NAMING_BASES)
        return (
            purpose,
            request.service if referral else None,
            basis,
            request.recipient if names_recipient else None,
            consent_facts(request, child),
            flags,
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

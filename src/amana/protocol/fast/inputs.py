"""What the rules after 1.x read of a request, reduced to what they compare.

The rules of sections 2 to 5 never look at a request's date, sender or elements except through
the comparisons below (a consent given by the request date, an assessment made by then, a child
old enough to assent...). Two requests with the same `rule_inputs` therefore get the same
findings from those rules, and the fast path keeps the findings per key (`Tables.outcomes`):
a pure function remembered on everything it depends on. The property tests hold it to that
(tests/protocol/test_wire.py, test_inputs.py).
"""

from __future__ import annotations

from datetime import date
from typing import Final

from amana.protocol.catalogue import CHECKED, RISK_BASES  # rules risk_assessed, recipient_safe
from amana.protocol.fast import canon
from amana.protocol.model import (
    BestInterests,
    ConsentRecord,
    Exceptional,
    Protocol,
    Request,
    Subject,
)
from amana.protocol.rules.basis import CLOSED_CASE_PURPOSES
from amana.protocol.rules.consent import REFUSING, covers, refusal_covers
from amana.protocol.rules.harm import is_home_visit, is_stigmatising
from amana.protocol.vocabulary import ADULT_AGE, BASES, EXCEPTIONAL_BASES

REFUSAL_ORDER: Final = ("child", "caregiver", "adult_subject")  # as rule nobody_refused reads
# Purposes for which the rules of section 3 check the basis (see `basis._checks_basis`).
CHECKED_PURPOSES: Final = CHECKED

# Bits of `consent_facts`: 1 the person who consents did (kind "consent"), 2 the child agreed,
# 4 and 8 that person's agreements include one at intake, one at closure (kept for the archive
# purpose only); above them (>> 4), who refused first: 0 nobody, else the 1-based place in
# REFUSAL_ORDER.
CONSENTED, CHILD_AGREED, AT_INTAKE, AT_CLOSURE = 1, 2, 4, 8
NO_CONSENT_RULES = -1
_STAGE_BITS: Final = {"intake": AT_INTAKE, "closure": AT_CLOSURE, "other": 0}


def consent_facts(request: Request, child: bool) -> int:
    """What the consent rules ask of the records, read as `rules.consent.read_consents` reads
    them, as bits (see CONSENTED...); NO_CONSENT_RULES where no rule reads consents. One pass
    while no covering refusal is met (most requests); `_facts_after_refusals` otherwise. A
    property test holds both to `read_consents`."""
    purpose = request.purpose
    if purpose not in CHECKED_PURPOSES:  # the consent rules start with `basis._checks_basis`
        return NO_CONSENT_RULES
    if request.legal_basis != "consent" and purpose not in CLOSED_CASE_PURPOSES:
        return NO_CONSENT_RULES
    giver = "caregiver" if child else "adult_subject"
    at, recipient, service = request.at, request.recipient, request.service
    facts = 0
    for record in request.consents:
        if record.on > at:
            continue
        if record.kind in REFUSING:
            if refusal_covers(record, request):
                return _facts_after_refusals(request, giver)
            continue
        # `rules.consent.covers`, inlined: this loop runs for most requests
        if (
            purpose in record.purposes
            and recipient in record.recipients
            and (record.services is None or service in record.services)
        ):
            given_by = record.given_by  # `_agreement_bits`, inlined
            if given_by == giver:
                facts |= (record.kind == "consent") | _STAGE_BITS[record.stage]
            elif given_by == "child":
                facts |= CHILD_AGREED
    return facts if purpose == "closed_case_archive" else facts & 3


def _agreement_bits(record: ConsentRecord, giver: str) -> int:
    if record.given_by == giver:
        return (record.kind == "consent") | _STAGE_BITS[record.stage]
    return CHILD_AGREED if record.given_by == "child" else 0


def _facts_after_refusals(request: Request, giver: str) -> int:
    """`consent_facts` once a covering refusal is met: a refusal or withdrawal outweighs every
    agreement of its giver up to its day; the latest counts; if none of the giver's agreements
    is later, the giver's word is a refusal."""
    at = request.at
    last_refusal: dict[str, date] = {}
    agreements: list[ConsentRecord] = []
    for record in request.consents:
        if record.on > at:
            continue
        if record.kind not in REFUSING:
            if covers(record, request):
                agreements.append(record)
        elif refusal_covers(record, request):
            latest = last_refusal.get(record.given_by)
            if latest is None or record.on > latest:
                last_refusal[record.given_by] = record.on
    facts = 0
    agreeing: set[str] = set()
    for record in agreements:
        latest = last_refusal.get(record.given_by)
        if latest is None or record.on > latest:
            agreeing.add(record.given_by)
            facts |= _agreement_bits(record, giver)
    refused = next(
        (n for n, g in enumerate(REFUSAL_ORDER, 1) if g in last_refusal and g not in agreeing), 0
    )
    facts |= refused << 4
    return facts if request.purpose == "closed_case_archive" else facts & ~12


_LABELS_MAX: Final = 10_000


def _names_recipient(purpose: str, basis: str, consents: int, flags: int) -> bool:
    """Whether a rule's finding will name the recipient, so that the key must hold it:
    consent_given when the consent is missing, the archive rule when a stage is missing,
    recipient_safe when the recipient was not assessed safe. Every other rule reads the
    recipient only through the consent facts and the provider bit, already in the key."""
    checked = purpose in CHECKED_PURPOSES
    if basis == "consent":
        if checked and not consents & CONSENTED:
            return True
        return purpose == "closed_case_archive" and consents & 12 != 12  # both stages
    if basis in EXCEPTIONAL_BASES and checked:
        return flags & 0x500 != 0x500  # present (256) and assessed safe (1024)
    return False


# (purpose, basis) for which a consent rule reads the records (see `consent_facts`).
READS_CONSENTS: Final = frozenset(
    (purpose, basis)
    for purpose in CHECKED_PURPOSES
    for basis in BASES
    if basis == "consent" or purpose in CLOSED_CASE_PURPOSES
)
# The bits of a subject's facts (see `RuleInputs._person`).
CHILD, OLD_ENOUGH, REACHABLE, INFORMING = 2, 4, 8, 16
HOME_VISIT_TO_SURVIVOR, STIGMATISING = 2048, 4096
HARM_BITS: Final = HOME_VISIT_TO_SURVIVOR | STIGMATISING  # read by the harm rules only


class RuleInputs:
    """`rule_inputs` for one protocol, with what it derives from a subject, a label and a
    contact method kept per exact value met (bounded)."""

    __slots__ = ("assent_from_age", "harms", "people", "protocol", "providers")

    def __init__(self, protocol: Protocol) -> None:
        self.protocol = protocol
        self.assent_from_age = protocol.settings.assent_from_age
        referrals = protocol.purposes.get("referral_immediate")
        # service -> its provider, for the rule that compares it with the recipient
        self.providers: dict[str | None, str] = (
            {name: s.provider for name, s in referrals.services.items()} if referrals else {}
        )
        # subject -> (is a child, its bits under the consent basis, under any other basis)
        self.people: dict[Subject, tuple[bool, int, int]] = {}
        # (label, contact method, GBV survivor) -> the bits of the harm rules
        self.harms: dict[tuple[str | None, str | None, bool], int] = {}

    def key(self, request: Request, interim: bool) -> tuple[object, ...]:
        """Everything the rules after 1.x depend on, for one request: the purpose, service,
        basis and recipient, the consent facts, and the other facts as bits of one number. A
        fact that no rule would read for this purpose and basis is left out (0 or None), so
        that more requests share a key."""
        basis = request.legal_basis
        purpose = request.purpose
        subject = request.subject
        person = self.people.get(subject)
        if person is None:
            person = self._person(subject)
        child = person[0]
        flags = interim | person[1 if basis == "consent" else 2]
        harm = self.harms.get((request.label, request.contact_method, subject.gbv_survivor))
        if harm is None:
            harm = self._harm(request.label, request.contact_method, subject.gbv_survivor)
        flags |= harm
        bia = request.best_interests
        if bia is not None and (basis == "best_interests" or purpose in CLOSED_CASE_PURPOSES):
            flags |= _bia_bits(bia, request.at)
        exceptional = request.exceptional
        if exceptional is not None and basis in RISK_BASES:
            flags |= _exceptional_bits(exceptional)
        consents = NO_CONSENT_RULES
        if (purpose, basis) in READS_CONSENTS:
            consents = consent_facts(request, child)
        service = None
        if purpose == "referral_immediate":  # referral_names_agreed_service
            service = request.service
            flags |= (self.providers.get(service) == request.recipient) << 13
        named = _names_recipient(purpose, basis, consents, flags)
        return purpose, service, basis, request.recipient if named else None, consents, flags

    def _person(self, subject: Subject) -> tuple[bool, int, int]:
        """Whether the subject is a child (`Subject.is_child`) and, as bits, what the rules
        compare of them: under the consent basis, whether a child is old enough to assent
        (child_assented) and whether the caregiver can be asked (caregiver_can_be_asked)."""
        child = subject.age < ADULT_AGE and subject.care_status != "adult"
        flags = CHILD if child else 0
        consent_flags = flags
        if child:
            consent_flags |= (
                (OLD_ENOUGH if subject.age >= self.assent_from_age else 0)
                | (REACHABLE if subject.caregiver_reachable else 0)
                | (INFORMING if subject.informing_caregiver_in_best_interests else 0)
            )
        found = (child, consent_flags, flags)
        if len(self.people) < _LABELS_MAX:
            self.people[subject] = found
        return found

    def _harm(self, label: str | None, contact_method: str | None, survivor: bool) -> int:
        """The harm rules' facts as bits: a home visit to a GBV survivor (contact_is_safe), a
        stigmatising label (label_is_neutral)."""
        found = (HOME_VISIT_TO_SURVIVOR if survivor and is_home_visit(contact_method) else 0) | (
            STIGMATISING if is_stigmatising(self.protocol, label) else 0
        )
        if len(self.harms) < _LABELS_MAX:
            self.harms[canon.text(label), canon.text(contact_method), survivor] = found
        return found


def _bia_bits(bia: BestInterests, at: date) -> int:
    """A best-interests assessment is present (32), supports sharing (64), was made by the
    request date (128)."""
    assessed_on = bia.assessed_on
    return 32 | bia.supports_sharing << 6 | (assessed_on is not None and assessed_on <= at) << 7


def _exceptional_bits(exceptional: Exceptional) -> int:
    """Exceptional circumstances are recorded (256), with a risk assessment (512), the
    recipient assessed safe (1024)."""
    return 256 | bool(exceptional.risk_assessment) << 9 | exceptional.recipient_assessed_safe << 10


def rule_inputs(protocol: Protocol, request: Request, interim: bool) -> tuple[object, ...]:
    """Everything the rules after 1.x depend on, for one request (see `RuleInputs.key`)."""
    return RuleInputs(protocol).key(request, interim)

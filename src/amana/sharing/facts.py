"""The typed sharing request, built from what the case records, never from what a browser sends.

Age, care situation, GBV concern, case status, consents, the best-interests assessment and the
approved exceptional circumstance all come from the stored case; the caseworker chooses only
recipient, purpose, service, legitimate basis, elements, label and contact method. An exceptional
circumstance counts only once a supervisor approved it (`sharing.actions`); overriding consent is
never a flag the client sends.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from amana.accounts.errors import ActionError
from amana.caseforms.formdata import read_data
from amana.caseforms.models import FormRecord
from amana.cases.models import Case
from amana.cases.presenters import age_on
from amana.consent.access import engine_consent_records
from amana.protocol import Request
from amana.protocol.model import BestInterests, Exceptional, Subject
from amana.protocol.rules.standing import fold_area
from amana.refdata.models import Location
from amana.sharing.access import approved_for

if TYPE_CHECKING:
    from amana.sharing.disclosure import Intent

GBV_CONCERNS = frozenset({"gbv", "sexual_violence", "sgbv"})
# The contract's care statuses (request.schema.json). Children in foster or residential care
# are unaccompanied children in formalised care: their caregiver consents (rules.md R3.1).
CARE_STATUS = {
    "parents": "with_parents",
    "kinship": "separated",
    "foster": "unaccompanied",
    "residential": "unaccompanied",
    "independent": "unaccompanied",
    "unaccompanied": "unaccompanied",
}
# Care arrangements with a caregiver who can be asked: parents, the relative caring for a
# separated child, the foster family or care home. Unaccompanied children with no care
# arrangement and children living independently have none (the basis is then best interests).
CAREGIVER_ARRANGEMENTS = frozenset({"parents", "kinship", "foster", "residential"})


def _age(case: Case, at: date) -> int:
    """The child's age on `at`; an unknown age is bad input, never a guess: age 0 would mean
    the child's assent is never asked."""
    child = case.child
    if child.date_of_birth:
        age = age_on(child.date_of_birth, at)
    elif child.birth_year:
        age = at.year - child.birth_year
    else:
        age = None
    if age is None:
        raise ActionError(
            "age", _("Record the child's date of birth or estimated birth year before sharing.")
        )
    return max(age, 0)


def _care(case: Case, age: int) -> tuple[str, bool]:
    """The care status the contract knows, and whether a caregiver can be asked."""
    if age >= 18:
        return "adult", False  # an adult consents for themself
    status = CARE_STATUS.get(case.care_arrangement, "with_parents")
    return status, status == "with_parents" or case.care_arrangement in CAREGIVER_ARRANGEMENTS


def _best_interests(case: Case, at: date, service: str | None) -> BestInterests | None:
    """The newest approved best-interests assessment, as the sharing it supports.

    The assessment may say it does not support sharing (`supports_sharing` no), or name the
    services it recommends: sharing for another service is then not supported by it. An
    assessment that says neither supports sharing, as before these answers existed.
    """
    records = FormRecord.objects.filter(
        case=case, form__form_id="bia", status=FormRecord.Status.APPROVED, decided_at__date__lte=at
    )
    approved = records.order_by("-decided_at").first()
    if approved is None or approved.decided_at is None:
        return None
    try:
        data = read_data(approved)
    except ValueError:
        data = {}
    supports = data.get("supports_sharing") is not False
    recommended = data.get("services_recommended")
    if supports and service and isinstance(recommended, list) and recommended:
        supports = service in recommended
    assessed_on = approved.decided_at.date()
    stated = data.get("assessment_date")
    if isinstance(stated, str):
        with contextlib.suppress(ValueError):
            assessed_on = date.fromisoformat(stated)
    return BestInterests(assessed_on=assessed_on, supports_sharing=supports)


def _exceptional(case: Case, *, recipient: str, legal_basis: str, at: date) -> Exceptional | None:
    """The newest approved exceptional circumstance for this basis and recipient.

    The request goes into the sharing ledger as it is, so it names the record instead of
    copying its (encrypted) description and assessment.
    """
    record = approved_for(case, recipient=recipient, legal_basis=legal_basis, at=at)
    if record is None or record.decided_at is None:
        return None
    return Exceptional(
        circumstance=record.kind,
        risk_assessment=(
            f"exceptional circumstance {record.pk}, "
            f"approved on {record.decided_at.date().isoformat()}"
        ),
        recipient_assessed_safe=record.recipient_assessed_safe,
    )


def _area(location: Location | None, areas: Collection[str]) -> str | None:
    """Where the case is managed, as the protocol's scope names places (rules.md R1.5): the
    nearest of the case's location and the places above it that the scope lists; when none is
    listed, the case's own place (outside the scope). No location: no area, not refused."""
    if location is None:
        return None
    listed = {fold_area(area) for area in areas}
    place: Location | None = location
    while place is not None:
        if fold_area(place.name) in listed:
            return place.name
        place = place.parent
    return location.name


def subject_of(case: Case, at: date, areas: Collection[str] = ()) -> Subject:
    """The child as the engine sees it: age, care, whether a caregiver can be asked, GBV
    concern, the case's status and (where the protocol has a scope) its area."""
    age = _age(case, at)
    care, reachable = _care(case, age)
    concerns = {c.code for c in case.concerns.all()}
    return Subject(
        age=age,
        care_status=care,  # type: ignore[arg-type]
        caregiver_reachable=reachable,
        gbv_survivor=bool(concerns & GBV_CONCERNS),
        case_status="closed" if case.status == Case.Status.CLOSED else "open",
        area=_area(case.location, areas) if areas else None,
    )


def request_for(
    case: Case, intent: Intent, *, sender: str, at: date, areas: Collection[str] = ()
) -> Request:
    """The typed request for this disclosure: the caseworker's intent, the case's facts."""
    return Request(
        at=at,
        sender=sender,
        recipient=intent.recipient,
        purpose=intent.purpose,
        service=intent.service or None,
        legal_basis=intent.legal_basis,  # type: ignore[arg-type]
        subject=subject_of(case, at, areas),
        elements=tuple(intent.elements),
        consents=engine_consent_records(case, at),
        best_interests=_best_interests(case, at, intent.service or None),
        exceptional=_exceptional(
            case, recipient=intent.recipient, legal_basis=intent.legal_basis, at=at
        ),
        contact_method=intent.contact_method or None,
        label=intent.label or None,
    )

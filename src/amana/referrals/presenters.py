"""How referrals read to people, on pages and in the API alike: the labels of elements and
services, the services of a protocol, a decision with its rows, overdue flags, and a packet
value as text. No forms, no views: both import from here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import User
from amana.cases.models import Case, RelatedPerson
from amana.protocol import Protocol
from amana.protocol.model import Participant
from amana.refdata.labels import CONCERNS, ELEMENTS, SERVICES, SEX, humanised, label, relabel_quoted
from amana.referrals.elements import READERS, packet_values
from amana.referrals.models import Referral
from amana.referrals.overdue import overdue, response_days_of
from amana.referrals.vocabulary import CONTACT_METHODS
from amana.sharing.vocabulary import BASIS_CHOICES

if TYPE_CHECKING:
    from amana.referrals.actions import ReferralInput

PURPOSE = "referral_immediate"
FUTURE = "referral_future"
# The purposes the refer form offers (a service and its provider); the others have their pages.
REFER_PURPOSES = [
    (PURPOSE, Referral.Purpose.REFERRAL_IMMEDIATE.label),
    (FUTURE, Referral.Purpose.REFERRAL_FUTURE.label),
]
CLOSED_PURPOSES = [
    ("closed_case_access", Referral.Purpose.CLOSED_CASE_ACCESS.label),
    ("closed_case_archive", Referral.Purpose.CLOSED_CASE_ARCHIVE.label),
]
# The bases a transfer or a closed case's sharing accepts (rules.md R4.5, R4.6).
TRANSFER_BASES = [
    (value, label) for value, label in BASIS_CHOICES if value in {"consent", "best_interests"}
]
# The case's facts a referral may ask for (the engine keeps what the service did not agree).
FROM_THE_CASE = (
    "full_name", "date_of_birth", "sex", "individual_id", "contact_phone", "case_number",
    "specific_needs_codes", "care_arrangement", "bia_status", "bid_status", "caregiver_contact",
)  # fmt: skip
# Texts the caseworker writes for this referral; never read from the case file.
WRITTEN = ("referral_summary", "risk_summary", "incident_narrative")
CONTACT_CHOICES = [("", _("Not decided")), *CONTACT_METHODS.items()]


def element_label(name: str) -> str:
    return label(ELEMENTS, name)


def service_label(name: str) -> str:
    return label(SERVICES, name)


def offered_elements() -> list[str]:
    """What a referral may ask for: the case's facts, then the texts written for it."""
    return [*(name for name in FROM_THE_CASE if name in READERS), *WRITTEN]


def purpose_elements(protocol: Protocol | None, purpose: str) -> list[str]:
    """The elements the protocol agrees for a purpose as a whole (not for one service)."""
    spec = protocol.purposes.get(purpose) if protocol else None
    return sorted(spec.elements or ()) if spec is not None else []


def participant_choices(protocol: Protocol | None, own: str) -> list[tuple[str, str]]:
    """The protocol's participants other than the actor's own agency, by name."""
    if protocol is None:
        return []
    rows = [(pid, p.name or pid) for pid, p in protocol.participants.items() if pid != own]
    return sorted(rows, key=lambda row: str(row[1]).casefold())


def services_of(protocol: Protocol | None) -> list[dict[str, Any]]:
    """The services of the protocol in force: name, provider and the elements agreed for it."""
    spec = protocol.purposes.get(PURPOSE) if protocol else None
    if protocol is None or spec is None:
        return []
    rows = []
    for name, service in sorted(spec.services.items()):
        provider = protocol.participants.get(service.provider)
        if not _may_provide(protocol, provider):
            continue
        rows.append(
            {
                "name": name,
                "label": service_label(name),
                "provider": service.provider,
                "provider_name": provider.name if provider else service.provider,
                "elements": sorted(service.elements or ()),
            }
        )
    return rows


def _may_provide(protocol: Protocol, provider: Participant | None, at: date | None = None) -> bool:
    """A service is offered only when its provider signed the protocol in force (in the
    interim period, being listed is enough, as the engine decides) and is not suspended:
    the engine would refuse a referral to anyone else."""
    if provider is None:
        return False
    today = at or timezone.localdate()
    interim = protocol.effective_from is None or protocol.effective_from > today
    if not interim and (provider.signed_on is None or provider.signed_on > today):
        return False
    return provider.suspended is None or not provider.suspended.covers(today)


def person_name(user: User | None) -> str:
    """How a person is named on pages: their full name, the username only when none is
    recorded."""
    if user is None:
        return ""
    return user.full_name or user.username


PAGE_SIZE = 50
NOTICES_SHOWN = 20


def overdue_flags(referrals: Iterable[Referral]) -> dict[Any, bool]:
    """Which pending referrals are past the protocol's answer period (working days)."""
    today = timezone.localdate()
    rows = list(referrals)
    pending = [referral for referral in rows if referral.status == Referral.Status.PENDING]
    # One protocol read for all the senders; the callers select the sender with the rows.
    periods = response_days_of(referral.sender for referral in pending)
    return {
        referral.pk: referral.status == Referral.Status.PENDING
        and overdue(referral, today, periods[referral.sender_id])
        for referral in rows
    }


def display(value: Any) -> str:
    """A packet value as text: lists joined, records as "key: value", dates as ISO dates,
    nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(
            f"{key.replace('_', ' ')}: {display(item)}"
            for key, item in value.items()
            if item not in (None, "", [], {})
        )
    if isinstance(value, list | tuple):
        joiner = "; " if any(isinstance(item, dict) for item in value) else ", "
        return joiner.join(display(item) for item in value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


CODED_CHOICES: dict[str, Any] = {
    "care_arrangement": Case.CareArrangement.choices,
    "bia_status": Case.BestInterestsStatus.choices,
    "bid_status": Case.BestInterestsStatus.choices,
    "status": Case.Status.choices,
    "stage": Case.Stage.choices,
    "risk_level": Case.Risk.choices,
}
CODED_LISTS = {"sex": SEX, "specific_needs_codes": CONCERNS, "concerns": CONCERNS}


def value_text(element: str, value: Any) -> str:
    """A packet value as the reader reads it: codes (sex, concerns, care, statuses) as their
    labels in the reader's language, needs by their label, the rest as `display` gives it."""
    if element in CODED_LISTS and value:
        codes = value if isinstance(value, list | tuple) else [value]
        return ", ".join(label(CODED_LISTS[element], str(code)) for code in codes)
    if element in CODED_CHOICES and isinstance(value, str):
        return str(dict(CODED_CHOICES[element]).get(value, humanised(value)))
    if element == "assessed_needs" and isinstance(value, list):
        return ", ".join(label(CONCERNS, str(need.get("code", "")), "") for need in value)
    if element == "related_people" and isinstance(value, list):
        return "; ".join(_person_text(person) for person in value if isinstance(person, dict))
    if element == "actions_taken" and isinstance(value, list):
        return ", ".join(
            f"{humanised(str(step.get('step', '')))} ({step.get('on', '')})" for step in value
        )
    if element == "case_summary" and isinstance(value, dict):
        return ", ".join(
            f"{label(ELEMENTS, key)}: {value_text(key, item)}"
            for key, item in value.items()
            if item not in (None, "", [])
        )
    return display(value)


def _person_text(person: dict[str, Any]) -> str:
    """One person around the child: relationship, name, phone, and their role in words."""
    relationship = person.get("relationship", "")
    parts = [
        str(dict(RelatedPerson.Relationship.choices).get(relationship, humanised(relationship))),
        str(person.get("full_name") or ""),
        str(person.get("contact_phone") or ""),
    ]
    if person.get("is_caregiver"):
        parts.append(str(_("caregiver")))
    if person.get("lives_with_child"):
        parts.append(str(_("lives with the child")))
    return ", ".join(part for part in parts if part)


def choice_label(choices: list[tuple[str, Any]], value: str) -> str:
    return str(dict(choices).get(value, value))


def no_phone_warning(data: ReferralInput, values: dict[str, Any]) -> str:
    """The contact method needs an element the packet will not hold (no phone number to call,
    no caregiver's contact to go through): the recipient could not reach the family."""
    if data.contact_method == "phone" and not values.get("contact_phone"):
        return str(
            _(
                "The recipient will have no phone number: add it to what to send, or choose "
                "another contact method."
            )
        )
    if data.contact_method == "through_caregiver" and not values.get("caregiver_contact"):
        return str(
            _(
                "The recipient will have no way to reach the caregiver: the protocol does not "
                "allow their contact for this service, or none is recorded. Choose another "
                "contact method."
            )
        )
    return ""


def decision_view(
    case: Case, data: ReferralInput, decision: dict[str, Any], *, with_values: bool
) -> dict[str, Any]:
    """The decision as the page shows it: what goes (with the values frozen), what stays."""
    values = packet_values(case, decision["share"], data.written) if with_values else {}
    return {
        **decision,
        "contact_warning": no_phone_warning(data, values) if with_values else "",
        "shared_rows": [
            {
                "element": name,
                "label": element_label(name),
                "value": value_text(name, values.get(name)),
            }
            for name in decision["share"]
        ],
        "withheld_rows": [
            {**item, "label": element_label(item["element"])} for item in decision["withhold"]
        ],
        "reasons": [{**item, "text": relabel_quoted(item["text"])} for item in decision["reasons"]],
    }

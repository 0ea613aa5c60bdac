"""The words referrals are made of: how the recipient contacts the family, what a service
became (service feedback), and what a transfer asks for."""

from __future__ import annotations

from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# How the receiving service will contact the child or family (rules.md R5.3: never a home
# visit for a GBV survivor — the engine denies that as `contact.unsafe`).
CONTACT_METHODS: Final[dict[str, Promise]] = {
    "phone": _("By phone"),
    "in_person_at_office": _("In person, at the office"),
    "home_visit": _("Home visit"),
    "through_caregiver": _("Through the caregiver"),
    "through_referring_agency": _("Through the referring agency"),
    "none": _("No direct contact"),
}

# The data element a contact method cannot work without and the caseworker does not tick
# (the child's phone is among the service's agreed elements, ticked from the start): asked
# for with the referral whenever that method is chosen, sent only when the protocol agrees it.
CONTACT_NEEDS: Final[dict[str, str]] = {"through_caregiver": "caregiver_contact"}

# What happened to the service, told back to the referring agency with consent (R4.4).
SERVICE_STATUSES: Final[dict[str, Promise]] = {
    "ongoing": _("Service ongoing"),
    "provided": _("Service provided"),
    "partly_provided": _("Service partly provided"),
    "not_provided": _("Service not provided"),
    "declined": _("Declined by the child or family"),
}

# The purposes a closed case is shared for (R4.5), and the one that moves a case (R4.6).
CLOSED_CASE_PURPOSES: Final = frozenset({"closed_case_access", "closed_case_archive"})
TRANSFER: Final = "case_transfer"

# The parts of a case file a transfer asks for. The engine withholds what the protocol excludes
# from a transfer (with the demo protocol: drafts); the name must go for a case to be opened.
TRANSFER_ELEMENTS: Final = (
    "full_name",
    "date_of_birth",
    "sex",
    "individual_id",
    "contact_phone",
    "case_number",
    "case_summary",
    "assessed_needs",
    "concerns",
    "actions_taken",
    "care_arrangement",
    "bia_status",
    "related_people",
    "drafts",
)
# The agreed closed-case elements of the demo protocol (R4.5: redacted to essential elements).
CLOSED_CASE_ELEMENTS: Final = (
    "full_name",
    "date_of_birth",
    "individual_id",
    "case_summary",
    "assessed_needs",
    "actions_taken",
    "closure_reason",
)

"""What consent can be asked for, and how each purpose reads to a person."""

from __future__ import annotations

from typing import Final

from django.utils.functional import Promise

from amana.refdata.labels import PURPOSE_LABELS as ALL_PURPOSES

# The purposes a consent record may name: the direct purposes that rest on consent (rules.md
# R3, R4). Process feedback needs no consent (R4.3), investigations rest on the mandate (R3.5),
# and indirect purposes never carry personal data, even with consent (R2.1).
CONSENT_PURPOSES: Final = (
    "referral_immediate",
    "referral_future",
    "feedback_service",
    "closed_case_access",
    "closed_case_archive",
    "case_transfer",
)
# How each reads: the labels every page uses for the purposes of sharing.
PURPOSE_LABELS: Final[dict[str, Promise]] = {code: ALL_PURPOSES[code] for code in CONSENT_PURPOSES}
# The languages Amana's scripts, forms and receipts are written in.
SCRIPT_LANGUAGES: Final = ("en", "fr", "ar")
# Languages the receipt can be printed in: the PDF fonts cannot shape Arabic script.
RECEIPT_LANGUAGES: Final = frozenset({"en", "fr"})
# How often standing consent is re-verified when nothing else prompts it (TN: "a regular review
# mechanism (e.g. once per year)"); settings.AMANA_CONSENT_REVIEW_DAYS overrides it.
DEFAULT_REVIEW_DAYS: Final = 365


def purpose_label(code: str) -> str:
    label = PURPOSE_LABELS.get(code)
    return str(label) if label is not None else code

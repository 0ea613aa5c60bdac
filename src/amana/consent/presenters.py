"""How consent reads to people, on pages and in the API alike: masked notes and why consent
should be asked again."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from amana.consent import access
from amana.consent.vocabulary import DEFAULT_REVIEW_DAYS

MASK = "•••"


def review_days() -> int:
    return int(getattr(settings, "AMANA_CONSENT_REVIEW_DAYS", DEFAULT_REVIEW_DAYS))


def reason_text(reason: str, days: int) -> str:
    if reason == access.TRANSFERRED:
        return _("The case was transferred: ask again before anything more is shared.")
    if reason == access.CLOSING:
        return _(
            "The case is closing: ask again, and confirm consent for archiving and for access "
            "to the closed case."
        )
    return _(
        "Some agreement on record is older than the review period (%(days)s days): check "
        "that it still stands."
    ) % {"days": days}

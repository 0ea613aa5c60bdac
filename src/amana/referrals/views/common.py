"""What the referral pages share beyond the web shell: the preview of a decision."""

from __future__ import annotations

from typing import Any

from amana.accounts.errors import ActionError
from amana.cases.models import Case
from amana.core.web import field_error
from amana.referrals.actions import ReferralInput, decide_referral
from amana.referrals.presenters import decision_view


def preview(form: Any, case: Case, data: ReferralInput) -> dict[str, Any] | None:
    """The engine's decision as the preview shows it, or None when the request cannot be
    decided (the action's check names the field: the error goes on the form)."""
    try:
        decided = decide_referral(case, data)
    except ActionError as error:
        field_error(form, error)
        return None
    return decision_view(case, data, decided.explained, with_values=True)

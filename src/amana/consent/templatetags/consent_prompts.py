"""`{% consent_reverification case as reasons %}`: why consent should be asked again, in words,
for a viewer who may read the case's consent records (nothing otherwise)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from amana.accounts.models import User
from amana.cases.models import Case
from amana.consent import access
from amana.consent.presenters import reason_text, review_days

register = template.Library()


@register.simple_tag(takes_context=True)
def consent_reverification(context: dict[str, Any], case: object) -> list[str]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not isinstance(case, Case):
        return []
    if not access.may_read_consents(user, case):
        return []
    days = review_days()
    reasons = access.reverification_due(case, today=timezone.localdate(), max_age_days=days)
    return [reason_text(reason, days) for reason in reasons]

"""What the referral pages share: the actor, the 404/403 guard, the decision as a page shows
it, overdue flags and how a packet value reads as text."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.models import User
from amana.cases.access import CaseNotFound
from amana.cases.models import Case
from amana.referrals import access
from amana.referrals.actions import ReferralInput, decide_referral
from amana.referrals.elements import packet_values
from amana.referrals.forms import element_label
from amana.referrals.models import Referral
from amana.referrals.overdue import overdue, response_days

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])
PAGE_SIZE = 50
NOTICES_SHOWN = 20


def actor_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def guarded(view: ViewFunc) -> ViewFunc:
    """A case or referral that is not the actor's is "not found" (a referral — revoked,
    answered elsewhere or never addressed here — has its own page, saying no more); a refused
    action 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except access.ReferralNotFound:
            return render(request, "referrals/not_found.html", status=404)
        except CaseNotFound:
            return render(request, "cases/not_found.html", status=404)
        except NotAllowed:
            return render(request, "cases/forbidden.html", status=403)

    return wrapper  # type: ignore[return-value]


def is_htmx(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def to_field(form: Any, error: ActionError) -> None:
    top = re.split(r"[\[.]", error.field, maxsplit=1)[0]
    form.add_error(top if top in form.fields else None, error.message)


def overdue_flags(referrals: Iterable[Referral]) -> dict[Any, bool]:
    """Which pending referrals are past the protocol's answer period (working days)."""
    today = timezone.localdate()
    periods: dict[Any, int] = {}
    flags: dict[Any, bool] = {}
    for referral in referrals:
        if referral.status != Referral.Status.PENDING:
            flags[referral.pk] = False
            continue
        if referral.sender_id not in periods:
            periods[referral.sender_id] = response_days(referral.sender)
        flags[referral.pk] = overdue(referral, today, periods[referral.sender_id])
    return flags


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


def preview(form: Any, case: Case, data: ReferralInput) -> dict[str, Any] | None:
    """The engine's decision as the preview shows it, or None when the request cannot be
    decided (the action's check names the field: the error goes on the form)."""
    try:
        decision, _protocol = decide_referral(case, data, timezone.localdate())
    except ActionError as error:
        to_field(form, error)
        return None
    decision.pop("request", None)
    return decision_view(case, data, decision, with_values=True)


def choice_label(choices: list[tuple[str, Any]], value: str) -> str:
    return str(dict(choices).get(value, value))


def no_phone_warning(data: ReferralInput, values: dict[str, Any]) -> str:
    """Contact by phone with no phone number in the packet: the recipient could not call."""
    if data.contact_method != "phone" or values.get("contact_phone"):
        return ""
    return str(
        _(
            "The recipient will have no phone number: add it to what to send, or choose "
            "another contact method."
        )
    )


def decision_view(
    case: Case, data: ReferralInput, decision: dict[str, Any], *, with_values: bool
) -> dict[str, Any]:
    """The decision as the page shows it: what goes (with the values frozen), what stays."""
    values = packet_values(case, decision["share"], data.written) if with_values else {}
    return {
        **decision,
        "contact_warning": no_phone_warning(data, values) if with_values else "",
        "shared_rows": [
            {"element": name, "label": element_label(name), "value": display(values.get(name))}
            for name in decision["share"]
        ],
        "withheld_rows": [
            {**item, "label": element_label(item["element"])} for item in decision["withhold"]
        ],
    }

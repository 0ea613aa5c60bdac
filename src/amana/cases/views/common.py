"""What every case page shares: who is asking, the 403 and 404 pages, the guard that
turns a refused or unknown case into them, error summaries and masked values."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from amana.accounts.models import User
from amana.cases import access
from amana.cases.errors import ActionError, NotAllowed
from amana.cases.models import Sensitivity

MASK = "•••"
ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "core/forbidden.html", status=403)


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "core/not_found.html", status=404)


def guarded(view: ViewFunc) -> ViewFunc:
    """A case that is not the actor's is "not found"; a refused action is "not allowed"."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except access.CaseNotFound:
            return _not_found(request)
        except NotAllowed:
            return _forbidden(request)

    return wrapper  # type: ignore[return-value]


def _is_htmx(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _to_field(form: forms.Form, error: ActionError) -> None:
    """An action's refusal, on the field it names (the top of a path like `people[1].name`)."""
    top = re.split(r"[\[.]", error.field, maxsplit=1)[0]
    form.add_error(top if top in form.fields else None, error.message)


@dataclass
class ErrorItem:
    anchor: str
    message: str


def error_items(*bound_forms: forms.Form | None) -> list[ErrorItem]:
    """Every error of the forms, each naming its field, linked to it, for the summary."""
    items: list[ErrorItem] = []
    for form in bound_forms:
        if form is None or not form.is_bound:
            continue
        lead = getattr(form, "row_label", "")
        for name, errors in form.errors.items():
            bound = form[name] if name in form.fields else None
            anchor = (bound.id_for_label or f"{bound.auto_id}_0") if bound is not None else ""
            label = str(bound.label) if bound is not None and bound.label else ""
            for message in errors:
                text = str(message)
                if label and name != NON_FIELD_ERRORS and label.lower() not in text.lower():
                    text = _("%(field)s: %(message)s") % {"field": label, "message": text}
                if lead:
                    text = _("%(field)s: %(message)s") % {"field": lead, "message": text}
                items.append(ErrorItem(anchor, text))
    return items


def _masked(classes: frozenset[Sensitivity], cls: Sensitivity, value: Any) -> Any:
    return value if cls in classes else MASK


def _age(child: Any, classes: frozenset[Sensitivity], today: date) -> int | None:
    """Age from the date of birth where the actor sees it, else from the year of birth."""
    if Sensitivity.IDENTIFYING in classes and child.date_of_birth:
        born = date.fromisoformat(child.date_of_birth)
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if child.birth_year:
        return int(today.year - child.birth_year)
    return None

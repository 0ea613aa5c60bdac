"""The web shell every page shares: who is asking, the not-found / not-allowed guard, htmx.
It sits below the domain apps (it imports none of them), so every app's pages may use it.

A protected record that is not the actor's is "not found" — the same page whether it exists or
not (each `access` module's NotFound may name a page of its own in `template`); an action the
policy refuses is "not allowed".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from amana.core.errors import ActionError, NotAllowed

if TYPE_CHECKING:
    from amana.accounts.models import User

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])
NOT_FOUND = "core/not_found.html"
FORBIDDEN = "core/forbidden.html"


class HasUser(Protocol):
    @property
    def user(self) -> Any: ...


def actor_of(request: HasUser) -> User:
    """The signed-in user (the login wall lets no one else reach a view)."""
    user = request.user
    assert user.is_authenticated
    return cast("User", user)


def not_found(request: HttpRequest, template: str = NOT_FOUND) -> HttpResponse:
    return render(request, template, status=404)


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, FORBIDDEN, status=403)


def guarded(view: ViewFunc) -> ViewFunc:
    """404 for anything not found (or not the actor's), 403 for a refused action."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Http404 as missing:
            return not_found(request, getattr(missing, "template", NOT_FOUND))
        except NotAllowed:
            return forbidden(request)

    return wrapper  # type: ignore[return-value]


def is_htmx(request: HttpRequest) -> bool:
    """An htmx swap (not a history restore, which wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def field_error(form: Any, error: ActionError) -> None:
    """An action's error on the form field it names (`elements[2]` → `elements`), else on top."""
    top = re.split(r"[\[.]", error.field, maxsplit=1)[0]
    form.add_error(top if top in form.fields else None, error.message)

"""The registration wizard's state: what was typed, step by step, kept in the session
encrypted like the fields it becomes, and the forms it fills again."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amana.accounts.models import User
from amana.cases.webforms import MAX_PEOPLE, ChildForm, PersonForm, RegisterCaseForm
from amana.crypto.cipher import Context, DecryptionError, context_for
from amana.crypto.keys import keyring

WIZARD_KEY = "amana_registration"
STEPS = ("child", "people", "case", "check")
STEP_TITLES = {
    "child": gettext_lazy("The child"),
    "people": gettext_lazy("Caregivers and household"),
    "case": gettext_lazy("Case facts"),
    "check": gettext_lazy("Check and register"),
}
DEFAULT_ROWS = 2
PEOPLE_FIELD = re.compile(r"^people\[(\d+)\]\.(\w+)$")
CAREGIVING = frozenset({"mother", "father", "caregiver"})


@dataclass
class Wizard:
    id: str
    data: dict[str, Any]


def _wizard_context(actor: User, wizard_id: str) -> Context:
    return context_for("session", "case-registration", f"{actor.pk}:{wizard_id}")


def _load_wizard(request: HttpRequest, actor: User) -> Wizard:
    stored = request.session.get(WIZARD_KEY)
    if isinstance(stored, dict) and stored.get("id") and stored.get("sealed"):
        try:
            plain = keyring().decrypt(stored["sealed"], _wizard_context(actor, stored["id"]))
            data = json.loads(plain)
        except (DecryptionError, ValueError):
            data = None
        if isinstance(data, dict):
            return Wizard(id=str(stored["id"]), data=data)
    return Wizard(id=secrets.token_urlsafe(16), data={})


def _save_wizard(request: HttpRequest, actor: User, wizard: Wizard) -> None:
    sealed = keyring().encrypt(json.dumps(wizard.data), _wizard_context(actor, wizard.id))
    request.session[WIZARD_KEY] = {"id": wizard.id, "sealed": sealed}


def _clear_wizard(request: HttpRequest) -> None:
    request.session.pop(WIZARD_KEY, None)


def _typed(form: forms.Form) -> dict[str, Any]:
    """What was typed into a bound form, field by field, as its widgets read it."""
    values = {}
    for name in form.fields:
        bound = form[name]
        values[name] = bound.field.widget.value_from_datadict(
            form.data, form.files, bound.html_name
        )
    return values


def _as_data(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    return {f"{prefix}-{name}" if prefix else name: value for name, value in values.items()}


def _child_form(wizard: Wizard, post: QueryDict | None = None) -> ChildForm:
    if post is not None:
        return ChildForm(post)
    return ChildForm(_as_data(wizard.data.get("child") or {}))


def _person(form: PersonForm, index: int) -> PersonForm:
    form.row_label = _("Person %(number)s") % {"number": index + 1}
    return form


def _people_forms(wizard: Wizard, post: QueryDict | None = None) -> list[PersonForm]:
    if post is not None:
        try:
            count = int(post.get("rows", DEFAULT_ROWS))
        except ValueError:
            count = DEFAULT_ROWS
        count = max(1, min(count, MAX_PEOPLE))
        return [_person(PersonForm(post, prefix=f"p{i}"), i) for i in range(count)]
    stored: list[dict[str, Any]] = wizard.data.get("people") or []
    return [
        _person(PersonForm(_as_data(values, f"p{i}"), prefix=f"p{i}"), i)
        for i, values in enumerate(stored)
    ]


def _case_form(actor: User, wizard: Wizard, post: QueryDict | None = None) -> RegisterCaseForm:
    if post is not None:
        return RegisterCaseForm(post, agency_id=actor.agency_id)
    return RegisterCaseForm(_as_data(wizard.data.get("case") or {}), agency_id=actor.agency_id)


def _first_incomplete(actor: User, wizard: Wizard, upto: str) -> str | None:
    """The first step before `upto` not answered yet, or whose answers are no longer valid."""
    for step in STEPS[: STEPS.index(upto)]:
        if step not in wizard.data:
            return step
        if step == "child" and not _child_form(wizard).is_valid():
            return step
        if step == "people" and not all(f.is_valid() for f in _people_forms(wizard)):
            return step
        if step == "case" and not _case_form(actor, wizard).is_valid():
            return step
    return None

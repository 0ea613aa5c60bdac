"""The choices the case forms offer (concerns, places, supervisors) and shared validators."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import User
from amana.refdata.labels import label as lookup_label
from amana.refdata.models import Location, Lookup

CONCERNS = "protection_concerns"
MAX_PEOPLE = 10
PHONE = RegexValidator(
    r"^\+?[0-9 ().-]{5,32}$",
    _("Contact phone: use digits, spaces and + ( ) . - only, 5 to 32 characters."),
)


def _set_choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _blank(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


def concern_choices() -> list[tuple[str, str]]:
    stored = Lookup.objects.filter(kind=CONCERNS, active=True).values_list("code", "label")
    return sorted(
        ((code, lookup_label(CONCERNS, code, text)) for code, text in stored),
        key=lambda choice: choice[1].casefold(),
    )


def location_choices() -> list[tuple[str, str]]:
    """Every place, each under its parent, indented by its level."""
    places = list(Location.objects.order_by("level", "name"))
    by_parent: dict[int | None, list[Location]] = {}
    for place in places:
        by_parent.setdefault(place.parent_id, []).append(place)
    choices: list[tuple[str, str]] = []
    known = {place.pk for place in places}

    def add(place: Location, depth: int) -> None:
        choices.append((place.code, "\u2003" * depth + place.name))
        for child in by_parent.get(place.pk, []):
            add(child, depth + 1)

    for place in places:
        if place.parent_id is None or place.parent_id not in known:
            add(place, 0)
    return choices


def location_and_below(code: str) -> list[str]:
    """A place's code and the codes of every place under it."""
    place = Location.objects.filter(code=code).first()
    if place is None:
        return [code]
    codes, frontier = [place.code], [place.pk]
    while frontier:
        below = list(Location.objects.filter(parent_id__in=frontier).values_list("pk", "code"))
        frontier = [pk for pk, _code in below]
        codes += [code for _pk, code in below]
    return codes


def supervisors_of(agency_id: int) -> list[User]:
    """Active supervisors of the agency, whom a caseworker may name for a case."""
    from amana.accounts.access import supervisors_of as agency_supervisors

    return list(agency_supervisors(agency_id))


# ---------------------------------------------------------------------------------------------
# Case lists

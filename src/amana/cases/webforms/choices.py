"""The choices the case forms offer (concerns, places, supervisors) and shared validators."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import User
from amana.refdata import cache as refdata_cache
from amana.refdata.labels import label as lookup_label

CONCERNS = "protection_concerns"
MAX_PEOPLE = 10
PHONE = RegexValidator(
    r"^\+?[0-9 ().-]{5,32}$",
    _("Contact phone: use digits, spaces and + ( ) . - only, 5 to 32 characters."),
)


class Listed(BaseChoiceIterator):
    """Choices already as Django normalises them — (value, label) pairs, no groups — kept as
    they are: a form would otherwise normalise the 120 places again for every page."""

    def __init__(self, pairs: list[tuple[Any, Any]]) -> None:
        self.pairs = pairs

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    """Offer `choices` ((value, label) pairs, no groups) in the form's field `name`."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = Listed(list(choices))


def _blank(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


def concern_choices() -> list[tuple[str, str]]:
    """The active protection concerns, by their label in the active language (the entries are
    kept per process: `refdata.cache`)."""
    return sorted(
        (
            (e.code, lookup_label(CONCERNS, e.code, e.label))
            for e in refdata_cache.entries(CONCERNS)
            if e.active
        ),
        key=lambda choice: choice[1].casefold(),
    )


def location_choices() -> list[tuple[str, str]]:
    """Every place, each under its parent, indented by its level (kept per process)."""
    return list(refdata_cache.kept("cases.location_choices", _location_choices))


def _location_choices() -> tuple[tuple[str, str], ...]:
    places = refdata_cache.places()
    by_parent = refdata_cache.children_of()
    choices: list[tuple[str, str]] = []
    known = {place.pk for place in places}

    def add(place: refdata_cache.Place, depth: int) -> None:
        choices.append((place.code, "\u2003" * depth + place.name))
        for child in by_parent.get(place.pk, ()):
            add(child, depth + 1)

    for place in places:
        if place.parent_id is None or place.parent_id not in known:
            add(place, 0)
    return tuple(choices)


def location_and_below(code: str) -> list[str]:
    """A place's code and the codes of every place under it."""
    place = refdata_cache.place(code)
    if place is None:
        return [code]
    by_parent = refdata_cache.children_of()
    codes, frontier = [place.code], [place]
    while frontier:
        below = [child for parent in frontier for child in by_parent.get(parent.pk, ())]
        codes += [child.code for child in below]
        frontier = below
    return codes


def supervisors_of(agency_id: int) -> list[User]:
    """Active supervisors of the agency, whom a caseworker may name for a case."""
    from amana.accounts.access import supervisors_of as agency_supervisors

    return list(agency_supervisors(agency_id))


# ---------------------------------------------------------------------------------------------
# Case lists

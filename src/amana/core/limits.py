"""The size of what anyone may send: every form and API serializer takes its limits from here.

Text is at most `TEXT_MAX` characters unless a field says otherwise, names `NAME_MAX`, codes
and ids `CODE_MAX`; lists hold at most `LIST_MAX` items (`PEOPLE_MAX` related people); a date
of birth lies between `BIRTH_MIN` and today, any other date between `DATE_MIN` and
`DATE_FUTURE_YEARS` years from today. `tests/core/test_input_limits.py` walks every serializer
and form and fails on a field without its limit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

TEXT_MAX = 4000
NAME_MAX = 200
PHONE_MAX = 32
ADDRESS_MAX = 500
CODE_MAX = 64
SHORT_TEXT_MAX = 300
LIST_MAX = 50
PEOPLE_MAX = 20
FORM_VALUES_MAX = 500
VERSION_MAX = 2**31 - 1
BIRTH_MIN = datetime.date(1900, 1, 1)
DATE_MIN = datetime.date(1900, 1, 1)
DATE_FUTURE_YEARS = 5


def today() -> datetime.date:
    return timezone.localdate()


def latest_date() -> datetime.date:
    now = today()
    return now.replace(year=now.year + DATE_FUTURE_YEARS, day=min(now.day, 28))


def date_problem(
    value: datetime.date | None, *, birth: bool = False, past: bool = False
) -> str | None:
    """Why a date is out of range, or None. `past`: the date of something that happened."""
    if value is None:
        return None
    if past and value > today():
        return str(_("The date cannot be in the future."))
    if birth:
        if value > today():
            return str(_("The date of birth cannot be in the future."))
        if value < BIRTH_MIN:
            return str(
                _("A date of birth must lie between %(min)s and today.")
                % {"min": BIRTH_MIN.isoformat()}
            )
        return None
    if value < DATE_MIN or value > latest_date():
        return str(
            _("The date must lie between %(min)s and %(max)s.")
            % {"min": DATE_MIN.isoformat(), "max": latest_date().isoformat()}
        )
    return None


class BoundedDateField(serializers.DateField):
    """A date between 1900 and a few years ahead; `birth=True`: between 1900 and today;
    `past=True`: not after today."""

    def __init__(self, *, birth: bool = False, past: bool = False, **kwargs: Any) -> None:
        self.birth = birth
        self.past = past
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> datetime.date:
        date = super().to_internal_value(value)
        problem = date_problem(date, birth=self.birth, past=self.past)
        if problem:
            raise serializers.ValidationError(problem)
        return date


class BoundedFormDateField(forms.DateField):
    """The page forms' date: the same bounds as the API's `BoundedDateField`."""

    def __init__(self, *, birth: bool = False, past: bool = False, **kwargs: Any) -> None:
        self.birth = birth
        self.past = past
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        problem = date_problem(value, birth=self.birth, past=self.past)
        if problem:
            raise DjangoValidationError(problem)


def text(max_length: int = TEXT_MAX, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, **kwargs)


def optional_text(max_length: int = TEXT_MAX, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", **kwargs
    )


def codes(max_length: int = LIST_MAX, **kwargs: Any) -> serializers.ListField:
    """A list of codes (concerns, purposes, agencies, services, elements)."""
    kwargs.setdefault("default", list)
    return serializers.ListField(
        child=serializers.CharField(max_length=CODE_MAX), max_length=max_length, **kwargs
    )


class BoundedDictField(serializers.DictField):
    """A JSON object of at most `max_items` keys, each key at most `CODE_MAX` characters."""

    def __init__(self, *, max_items: int = FORM_VALUES_MAX, **kwargs: Any) -> None:
        self.max_items = max_items
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            if len(data) > self.max_items:
                raise serializers.ValidationError(
                    _("At most %(n)d entries are allowed.") % {"n": self.max_items}
                )
            if any(len(str(key)) > CODE_MAX for key in data):
                raise serializers.ValidationError(
                    _("A key may have at most %(n)d characters.") % {"n": CODE_MAX}
                )
        value: dict[str, Any] = super().to_internal_value(data)
        return value

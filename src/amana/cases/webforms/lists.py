"""The case list's filter and search forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from amana.cases.models import Case
from amana.cases.webforms.choices import (
    _blank,
    _set_choices,
    concern_choices,
    location_choices,
)


class CaseFilterForm(forms.Form):
    DUE_CHOICES = [("overdue", _("Overdue")), ("week", _("Due in the next 7 days"))]

    status = forms.ChoiceField(
        label=pgettext_lazy("case", "Status"),
        required=False,
        error_messages={"invalid_choice": _("Status: choose one of the listed values.")},
    )
    risk = forms.ChoiceField(
        label=_("Risk"),
        required=False,
        error_messages={"invalid_choice": _("Risk: choose high, medium or low.")},
    )
    concern = forms.ChoiceField(
        label=_("Protection concern"),
        required=False,
        error_messages={"invalid_choice": _("Protection concern: choose a listed concern.")},
    )
    location = forms.ChoiceField(
        label=_("Location"),
        required=False,
        error_messages={"invalid_choice": _("Location: choose a listed place.")},
    )
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        error_messages={"invalid_choice": _("Due: choose overdue or the next 7 days.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_value = _("Any")
        _set_choices(self, "status", _blank(Case.Status.choices, any_value))
        _set_choices(self, "risk", _blank(Case.Risk.choices, any_value))
        _set_choices(self, "concern", _blank(concern_choices(), any_value))
        _set_choices(self, "location", _blank(location_choices(), any_value))
        _set_choices(self, "due", _blank(self.DUE_CHOICES, any_value))

    def valid_filters(self) -> dict[str, str]:
        """The filters that passed validation; a wrong one is reported and left out."""
        self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value and name not in self.errors
        }


class CaseSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or registration number"),
        required=False,
        max_length=200,
        strip=True,
        error_messages={
            "max_length": _("Name or registration number: use at most 200 characters.")
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


# ---------------------------------------------------------------------------------------------
# Registration wizard

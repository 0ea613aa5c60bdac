"""The registration forms: the child, the people around them, the case's facts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import User
from amana.cases.models import Case, Child, RelatedPerson
from amana.cases.webforms.choices import (
    PHONE,
    _blank,
    _set_choices,
    concern_choices,
    location_choices,
    supervisors_of,
)
from amana.core import limits


class ChildForm(forms.Form):
    required_css_class = "required"

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={
            "required": _("Enter the child's full name."),
            "max_length": _("Full name: use at most 200 characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    other_names = forms.CharField(
        label=_("Other names or spellings"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Other names: use at most 200 characters.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    date_of_birth = limits.BoundedFormDateField(
        birth=True,
        label=_("Date of birth"),
        required=False,
        help_text=_("Leave empty if not known."),
        error_messages={"invalid": _("Date of birth: enter a date as YYYY-MM-DD.")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Child.Sex.choices,
        initial=Child.Sex.UNKNOWN,
        error_messages={
            "required": _("Sex: choose one of the listed values."),
            "invalid_choice": _("Sex: choose one of the listed values."),
        },
    )
    nationality = forms.CharField(
        label=_("Nationality"),
        required=False,
        max_length=64,
        error_messages={"max_length": _("Nationality: use at most 64 characters.")},
    )
    individual_id = forms.CharField(
        label=_("Individual registration number"),
        required=False,
        max_length=64,
        error_messages={
            "max_length": _("Individual registration number: use at most 64 characters.")
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        required=False,
        max_length=32,
        validators=[PHONE],
        error_messages={"max_length": _("Contact phone: use at most 32 characters.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(
        label=_("Address or shelter"),
        required=False,
        max_length=500,
        error_messages={"max_length": _("Address: use at most 500 characters.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_date_of_birth(self) -> Any:
        born = self.cleaned_data.get("date_of_birth")
        if born and born > timezone.localdate():
            raise forms.ValidationError(
                _("The date of birth cannot be in the future."), code="future"
            )
        return born


class PersonForm(forms.Form):
    """One person around the child. A row left empty is skipped."""

    row_label = ""

    relationship = forms.ChoiceField(
        label=_("Relationship to the child"),
        required=False,
        error_messages={"invalid_choice": _("Relationship: choose one of the listed values.")},
    )
    full_name = forms.CharField(
        label=_("Full name"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Full name: use at most 200 characters.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        required=False,
        max_length=32,
        validators=[PHONE],
        error_messages={"max_length": _("Contact phone: use at most 32 characters.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    is_caregiver = forms.BooleanField(label=_("Is the child's caregiver"), required=False)
    lives_with_child = forms.BooleanField(
        label=_("Lives with the child"), required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_permitted", True)
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)
        _set_choices(self, "relationship", _blank(RelatedPerson.Relationship.choices, _("Choose…")))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("full_name"):
            self.add_error("full_name", _("Enter the person's full name, or clear this row."))
        if not data.get("relationship"):
            self.add_error("relationship", _("Choose the person's relationship to the child."))
        return data


class CaseFactsForm(forms.Form):
    required_css_class = "required"

    risk_level = forms.ChoiceField(
        label=_("Risk level"),
        choices=Case.Risk.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the risk level: high, medium or low."),
            "invalid_choice": _("Choose the risk level: high, medium or low."),
        },
    )
    concerns = forms.MultipleChoiceField(
        label=_("Protection concerns"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Protection concerns: choose listed concerns.")},
    )
    care_arrangement = forms.ChoiceField(
        label=_("Care arrangement"),
        required=False,
        error_messages={"invalid_choice": _("Care arrangement: choose one of the listed values.")},
    )
    location = forms.ChoiceField(
        label=_("Location"),
        required=False,
        error_messages={"invalid_choice": _("Location: choose a listed place.")},
    )
    is_refugee = forms.BooleanField(label=_("Refugee"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "concerns", concern_choices())
        _set_choices(self, "care_arrangement", _blank(Case.CareArrangement.choices, _("Not known")))
        _set_choices(self, "location", _blank(location_choices(), _("Not known")))


class RegisterCaseForm(CaseFactsForm):
    supervisor = forms.ChoiceField(
        label=_("Supervisor"),
        required=False,
        error_messages={"invalid_choice": _("Supervisor: choose a supervisor of your agency.")},
    )

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.supervisors = {str(user.pk): user for user in supervisors_of(agency_id)}
        people = [(key, user.username) for key, user in self.supervisors.items()]
        _set_choices(self, "supervisor", _blank(people, _("Name one later")))

    def chosen_supervisor(self) -> User | None:
        return self.supervisors.get(self.cleaned_data.get("supervisor") or "")


class ConfirmNewChildForm(forms.Form):
    confirm_new = forms.BooleanField(
        label=_("I have checked: this is a new child, not one of the cases listed."),
        error_messages={
            "required": _("Confirm that this is a new child, or stop the registration.")
        },
    )


# ---------------------------------------------------------------------------------------------
# The case page

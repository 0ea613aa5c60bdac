"""The forms of the case pages. They parse and check what a person typed; the actions decide.

Every field has its own messages, so an error says which field is wrong; the error summary at
the top of each form (`cases/_error_summary.html`) repeats them with the field's label.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from amana.accounts.models import User
from amana.cases.models import Case, CaseAssignment, Child, RelatedPerson
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
    return list(Lookup.objects.filter(kind=CONCERNS, active=True).values_list("code", "label"))


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
    date_of_birth = forms.DateField(
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


class CaseEditForm(CaseFactsForm):
    """The case's own facts. Each field carries the value the page showed (a hidden initial
    field), so a save sends only what the person changed and a conflict can say what moved."""

    EDITABLE = ("risk_level", "concerns", "care_arrangement", "location", "is_refugee")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.EDITABLE:
            self.fields[name].show_hidden_initial = True
        self.fields["version"].error_messages.update(
            {
                "required": _("Reload the case page and try again."),
                "invalid": _("Reload the case page and try again."),
                "min_value": _("Reload the case page and try again."),
            }
        )

    @staticmethod
    def initial_for(case: Case) -> dict[str, Any]:
        return {
            "risk_level": case.risk_level,
            "concerns": [concern.code for concern in case.concerns.all()],
            "care_arrangement": case.care_arrangement,
            "location": case.location.code if case.location else "",
            "is_refugee": case.is_refugee,
            "version": case.version,
        }

    def changes(self) -> dict[str, Any]:
        """The facts the person changed on the page they opened."""
        return {
            name: self.cleaned_data[name] for name in self.EDITABLE if name in self.changed_data
        }


class AssignForm(forms.Form):
    user = forms.ChoiceField(
        label=_("Colleague"),
        error_messages={
            "required": _("Colleague: choose a colleague to assign."),
            "invalid_choice": _("Colleague: choose an active colleague of your agency."),
        },
    )
    role = forms.ChoiceField(
        label=_("As"),
        choices=CaseAssignment.Role.choices,
        initial=CaseAssignment.Role.CASEWORKER,
        error_messages={
            "required": _("As: choose caseworker or explicitly assigned."),
            "invalid_choice": _("As: choose caseworker or explicitly assigned."),
        },
    )

    def __init__(self, *args: Any, colleagues: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.colleagues = {str(user.pk): user for user in colleagues}
        people = [(key, user.username) for key, user in self.colleagues.items()]
        _set_choices(self, "user", _blank(people, _("Choose…")))

    def chosen_user(self) -> User:
        return self.colleagues[self.cleaned_data["user"]]


class SupervisorForm(forms.Form):
    supervisor = forms.ChoiceField(
        label=_("Supervisor"),
        error_messages={
            "required": _("Supervisor: choose a supervisor of your agency."),
            "invalid_choice": _("Supervisor: choose a supervisor of your agency."),
        },
    )

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.supervisors = {str(user.pk): user for user in supervisors_of(agency_id)}
        people = [(key, user.username) for key, user in self.supervisors.items()]
        _set_choices(self, "supervisor", _blank(people, _("Choose…")))

    def chosen_supervisor(self) -> User:
        return self.supervisors[self.cleaned_data["supervisor"]]


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reopen the case?"),
        max_length=500,
        error_messages={
            "required": _("Reason: say why the case is reopened."),
            "max_length": _("Reason: use at most 500 characters."),
        },
        widget=forms.Textarea(attrs={"rows": 2}),
    )

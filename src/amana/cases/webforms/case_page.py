"""The case page's forms: edit the facts, assign, name the supervisor, reopen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import User
from amana.cases.models import Case, CaseAssignment
from amana.cases.webforms.choices import (
    _blank,
    _set_choices,
    supervisors_of,
)
from amana.cases.webforms.registration import CaseFactsForm
from amana.core import limits
from amana.refdata.models import Lookup


class CaseEditForm(CaseFactsForm):
    """The case's own facts. Each field carries the value the page showed (a hidden initial
    field), so a save sends only what the person changed and a conflict can say what moved."""

    EDITABLE = ("risk_level", "concerns", "care_arrangement", "location", "is_refugee")
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=limits.VERSION_MAX
    )

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
    def initial_for(case: Case, concerns: list[Lookup] | None = None) -> dict[str, Any]:
        """What the form shows first: the case as stored (`concerns`, when already read)."""
        read = concerns if concerns is not None else case.concerns.all()
        return {
            "risk_level": case.risk_level,
            "concerns": [concern.code for concern in read],
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

    def __init__(
        self, *args: Any, agency_id: int, supervisors: list[User] | None = None, **kwargs: Any
    ) -> None:
        """`supervisors`: the agency's active supervisors when already read, else they are."""
        super().__init__(*args, **kwargs)
        chosen = supervisors if supervisors is not None else supervisors_of(agency_id)
        self.supervisors = {str(user.pk): user for user in chosen}
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

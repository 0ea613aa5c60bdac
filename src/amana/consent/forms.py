"""The record-consent form: what the caseworker heard, turned into `do_record_consent` input."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Agency, User
from amana.cases.models import Case
from amana.consent.models import ConsentRecord
from amana.consent.vocabulary import CONSENT_PURPOSES, PURPOSE_LABELS
from amana.core import limits
from amana.protocols.access import current_versions, engine_protocol


@dataclass
class Parties:
    """Who consent may name, from the protocols in force and the agencies Amana knows."""

    recipients: dict[str, str] = field(default_factory=dict)  # id -> name
    services: dict[str, str] = field(default_factory=dict)  # code -> provider id


def parties_for(actor: User) -> Parties:
    parties = Parties()
    for version in current_versions(actor):
        protocol = engine_protocol(version)
        for participant in protocol.participants.values():
            parties.recipients.setdefault(participant.id, participant.name)
        for spec in protocol.purposes.values():
            for name, service in spec.services.items():
                parties.services.setdefault(name, service.provider)
    for slug, name in Agency.objects.values_list("slug", "name"):
        parties.recipients.setdefault(slug, name)
    return parties


def colleagues_on(case: Case, actor: User) -> list[User]:
    """Who may have explained it: the actor, the case's assigned people and its supervisor."""
    people = {actor.pk: actor}
    for assignment in case.assignments.select_related("user"):
        people.setdefault(assignment.user.pk, assignment.user)
    if case.supervisor is not None:
        people.setdefault(case.supervisor.pk, case.supervisor)
    return [user for user in people.values() if user.is_active and user.agency_id == case.agency_id]


class ConsentForm(forms.Form):
    given_by = forms.ChoiceField(
        label=_("Who gave it"), choices=ConsentRecord.Giver.choices, widget=forms.RadioSelect
    )
    kind = forms.ChoiceField(
        label=_("What they said"), choices=ConsentRecord.Kind.choices, widget=forms.RadioSelect
    )
    purposes = forms.MultipleChoiceField(
        label=_("For what"),
        choices=[(code, PURPOSE_LABELS[code]) for code in CONSENT_PURPOSES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A refusal or withdrawal with nothing ticked covers every purpose."),
    )
    recipients = forms.MultipleChoiceField(
        label=_("With whom"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A refusal or withdrawal with nothing ticked covers every organisation."),
    )
    services = forms.MultipleChoiceField(
        label=_("Only for these services"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty when the agreement is not limited to particular services."),
    )
    stage = forms.ChoiceField(
        label=_("When in the case"), choices=ConsentRecord.Stage.choices, initial="other"
    )
    method = forms.ChoiceField(label=_("How it was given"), choices=ConsentRecord.Method.choices)
    language = forms.CharField(
        label=_("Language it was explained in"),
        max_length=16,
        help_text=_("A language code, such as en, fr or ar."),
        widget=forms.TextInput(attrs={"list": "consent-languages", "autocomplete": "off"}),
    )
    explained_by = forms.ChoiceField(label=_("Explained by"))
    given_on = limits.BoundedFormDateField(
        past=True,
        label=_("Date given"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only what the next caseworker needs to know. Kept encrypted."),
    )

    def __init__(
        self,
        *args: Any,
        parties: Parties,
        colleagues: list[User],
        language: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.colleagues = {str(user.pk): user for user in colleagues}
        self.fields["recipients"].choices = sorted(  # type: ignore[attr-defined]
            parties.recipients.items(), key=lambda item: item[1].lower()
        )
        self.fields["services"].choices = [  # type: ignore[attr-defined]
            (code, f"{code.replace('_', ' ')} ({parties.recipients.get(provider, provider)})")
            for code, provider in sorted(parties.services.items())
        ]
        self.fields["explained_by"].choices = [  # type: ignore[attr-defined]
            (key, user.full_name or user.username) for key, user in self.colleagues.items()
        ]
        if colleagues:
            self.fields["explained_by"].initial = str(colleagues[0].pk)
        self.fields["language"].initial = language
        self.fields["given_on"].initial = timezone.localdate

    def action_input(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "given_by": data["given_by"],
            "kind": data["kind"],
            "purposes": list(data["purposes"]),
            "recipients": list(data["recipients"]),
            "services": list(data["services"]) or None,
            "stage": data["stage"],
            "method": data["method"],
            "language": data["language"],
            "given_on": data["given_on"],
            "notes": data["notes"],
            "explained_by": self.colleagues[data["explained_by"]],
        }

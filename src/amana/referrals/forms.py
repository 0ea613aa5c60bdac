"""The referral form and the recipient's answer. The caseworker chooses only what the
protocol leaves to them (service, elements, basis, label, contact method, the texts written
for this referral); everything else comes from the stored case."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amana.core import limits
from amana.referrals.actions import ReferralInput
from amana.referrals.presenters import (
    CLOSED_PURPOSES,
    CONTACT_CHOICES,
    FUTURE,
    PURPOSE,
    REFER_PURPOSES,
    TRANSFER_BASES,
    WRITTEN,
    element_label,
    offered_elements,
)
from amana.referrals.vocabulary import CLOSED_CASE_ELEMENTS, SERVICE_STATUSES, TRANSFER_ELEMENTS
from amana.sharing.vocabulary import BASIS_CHOICES


class ReferralForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"))
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=REFER_PURPOSES,
        required=False,
        initial=PURPOSE,
        help_text=_(
            "For services later, only the limited elements the protocol agrees go, "
            "and only with consent."
        ),
    )
    elements = forms.MultipleChoiceField(
        label=_("What to send"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The details agreed for the service are ticked. The protocol decides."),
    )
    referral_summary = forms.CharField(
        label=_("Referral summary (written for this referral)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    risk_summary = forms.CharField(
        label=_("Risk summary (written for this referral)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    incident_narrative = forms.CharField(
        label=_("Incident narrative (written for this referral)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    legal_basis = forms.ChoiceField(
        label=_("Legitimate basis"), choices=BASIS_CHOICES, initial="consent"
    )
    label = forms.CharField(
        label=_("Label the recipient will see"),
        required=False,
        max_length=200,
        help_text=_("A stigmatising label is replaced with a neutral one."),
    )
    contact_method = forms.ChoiceField(
        label=_("How the recipient will contact them"), choices=CONTACT_CHOICES, required=False
    )

    def __init__(
        self,
        *args: Any,
        services: list[dict[str, Any]],
        future_elements: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.services = {row["name"]: row for row in services}
        self.future_elements = list(future_elements or ())
        service_field = self.fields["service"]
        assert isinstance(service_field, forms.ChoiceField)
        service_field.choices = [
            (row["name"], f"{row['label']} — {row['provider_name']}") for row in services
        ]
        elements_field = self.fields["elements"]
        assert isinstance(elements_field, forms.ChoiceField)
        elements_field.choices = [(name, element_label(name)) for name in offered_elements()]

    @classmethod
    def initial_for(
        cls,
        service: dict[str, Any] | None,
        purpose: str = PURPOSE,
        future_elements: list[str] | None = None,
    ) -> dict[str, Any]:
        """What the form starts with: the service's agreed elements ticked (for services
        later, the purpose's limited elements)."""
        if service is None:
            return {"legal_basis": "consent", "purpose": PURPOSE}
        offered = set(offered_elements())
        agreed = service["elements"] if purpose != FUTURE else list(future_elements or ())
        return {
            "service": service["name"],
            "purpose": purpose if purpose == FUTURE else PURPOSE,
            "elements": [name for name in agreed if name in offered],
            "legal_basis": "consent",
        }

    def clean_purpose(self) -> str:
        return str(self.cleaned_data.get("purpose") or PURPOSE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in WRITTEN:
            if name in data.get("elements", ()) and not (data.get(name) or "").strip():
                self.add_error(name, _("Write it, or untick it in “What to send”."))
        return data

    def referral_input(self) -> ReferralInput:
        data = self.cleaned_data
        chosen = data["elements"]
        return ReferralInput(
            recipient=self.services[data["service"]]["provider"],
            service=data["service"],
            legal_basis=data["legal_basis"],
            elements=list(chosen),
            written={name: data[name].strip() for name in WRITTEN if name in chosen},
            label=data["label"].strip(),
            contact_method=data["contact_method"],
            purpose=data["purpose"],
        )


def _recipient_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Receiving agency"))


class TransferForm(forms.Form):
    """A case transfer: to whom, on what basis, and which parts of the file are asked for (the
    engine holds back what the protocol excludes from a transfer)."""

    recipient = _recipient_field()
    legal_basis = forms.ChoiceField(
        label=_("Legitimate basis"), choices=TRANSFER_BASES, initial="consent"
    )
    elements = forms.MultipleChoiceField(
        label=_("Parts of the case file asked for"),
        widget=forms.CheckboxSelectMultiple,
        choices=[(name, element_label(name)) for name in TRANSFER_ELEMENTS],
        initial=list(TRANSFER_ELEMENTS),
        help_text=_("The child's name must go for a case to be opened. The protocol decides."),
    )

    def __init__(self, *args: Any, recipients: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recipient = self.fields["recipient"]
        assert isinstance(recipient, forms.ChoiceField)
        recipient.choices = [("", _("Choose an agency")), *recipients]


class ClosedCaseForm(forms.Form):
    """A closed case shared for future services or for archiving (rules.md R4.5)."""

    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=CLOSED_PURPOSES, widget=forms.RadioSelect
    )
    recipient = _recipient_field()
    legal_basis = forms.ChoiceField(
        label=_("Legitimate basis"), choices=TRANSFER_BASES, initial="consent"
    )
    elements = forms.MultipleChoiceField(
        label=_("What to send"),
        widget=forms.CheckboxSelectMultiple,
        choices=[(name, element_label(name)) for name in CLOSED_CASE_ELEMENTS],
        initial=list(CLOSED_CASE_ELEMENTS),
        help_text=_("Only the essential elements agreed for closed cases. The protocol decides."),
    )

    def __init__(
        self, *args: Any, recipients: list[tuple[str, str]], case_closed: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.case_closed = case_closed
        recipient = self.fields["recipient"]
        assert isinstance(recipient, forms.ChoiceField)
        recipient.choices = [("", _("Choose an agency")), *recipients]

    def clean_purpose(self) -> str:
        purpose = str(self.cleaned_data["purpose"])
        if not self.case_closed:
            raise forms.ValidationError(_("Only a closed case can be shared for this purpose."))
        return purpose

    def referral_input(self) -> ReferralInput:
        data = self.cleaned_data
        return ReferralInput(
            recipient=data["recipient"],
            service="",
            legal_basis=data["legal_basis"],
            elements=list(data["elements"]),
            written={},
            purpose=data["purpose"],
        )


class RespondForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("Accept")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required to reject)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    case = forms.ChoiceField(
        label=_("The case to work it from"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Your agency's children who may be this child are listed: link the referral to "
            "the right case instead of registering the child twice."
        ),
    )
    assignee = forms.ChoiceField(label=_("Caseworker of the new case"), required=False)

    def __init__(
        self,
        *args: Any,
        cases: list[tuple[str, str]] | None = None,
        colleagues: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        case_field = self.fields["case"]
        assert isinstance(case_field, forms.ChoiceField)
        case_field.choices = [("new", _("Open a new case from the packet")), *(cases or [])]
        case_field.initial = "new"
        assignee_field = self.fields["assignee"]
        assert isinstance(assignee_field, forms.ChoiceField)
        assignee_field.choices = [("", _("Me")), *(colleagues or [])]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answer") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the referral is rejected."))
        return data


class ServiceFeedbackForm(forms.Form):
    service_status = forms.ChoiceField(
        label=_("What became of the service"), choices=list(SERVICE_STATUSES.items())
    )
    date = limits.BoundedFormDateField(
        past=True,
        label=_("Date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    outcome_summary = forms.CharField(
        label=_("Outcome (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent only if the consent on record allows it."),
    )

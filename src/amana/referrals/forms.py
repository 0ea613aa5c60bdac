"""The referral form and the recipient's answer. The caseworker chooses only what the
protocol leaves to them (service, elements, basis, label, contact method, the texts written
for this referral); everything else comes from the stored case."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amana.protocol import Protocol
from amana.referrals.actions import ReferralInput
from amana.referrals.elements import READERS
from amana.referrals.models import Referral
from amana.referrals.vocabulary import (
    CLOSED_CASE_ELEMENTS,
    CONTACT_METHODS,
    SERVICE_STATUSES,
    TRANSFER_ELEMENTS,
)
from amana.sharing.forms import BASIS_CHOICES

PURPOSE = "referral_immediate"
FUTURE = "referral_future"
# The purposes the refer form offers (a service and its provider); the others have their pages.
REFER_PURPOSES = [
    (PURPOSE, Referral.Purpose.REFERRAL_IMMEDIATE.label),
    (FUTURE, Referral.Purpose.REFERRAL_FUTURE.label),
]
CLOSED_PURPOSES = [
    ("closed_case_access", Referral.Purpose.CLOSED_CASE_ACCESS.label),
    ("closed_case_archive", Referral.Purpose.CLOSED_CASE_ARCHIVE.label),
]
# The bases a transfer or a closed case's sharing accepts (rules.md R4.5, R4.6).
TRANSFER_BASES = [
    (value, label) for value, label in BASIS_CHOICES if value in {"consent", "best_interests"}
]
# The case's facts a referral may ask for (the engine keeps what the service did not agree).
FROM_THE_CASE = (
    "full_name", "date_of_birth", "sex", "individual_id", "contact_phone", "case_number",
    "specific_needs_codes", "care_arrangement", "bia_status", "bid_status",
)  # fmt: skip
# Texts the caseworker writes for this referral; never read from the case file.
WRITTEN = ("referral_summary", "risk_summary", "incident_narrative")
CONTACT_CHOICES = [("", _("Not decided")), *CONTACT_METHODS.items()]
ELEMENT_LABELS = {
    "full_name": _("Full name"),
    "date_of_birth": _("Date of birth"),
    "sex": _("Sex"),
    "individual_id": _("Individual registration number"),
    "contact_phone": _("Contact phone"),
    "case_number": _("Case number"),
    "specific_needs_codes": _("Specific needs codes"),
    "care_arrangement": _("Care arrangement"),
    "bia_status": _("Best-interests assessment status"),
    "bid_status": _("Best-interests determination status"),
    "referral_summary": _("Referral summary"),
    "risk_summary": _("Risk summary"),
    "incident_narrative": _("Incident narrative"),
    "case_summary": _("Case summary (status, stage, risk, care, location)"),
    "assessed_needs": _("Assessed needs"),
    "concerns": _("Protection concerns"),
    "actions_taken": _("Steps of case management completed"),
    "related_people": _("Family and other people around the child"),
    "drafts": _("Unfinished forms (drafts)"),
    "closure_reason": _("Why the case was closed"),
    "referral_status": _("Referral status"),
    "status_date": _("Status date"),
}
SERVICE_LABELS = {
    "resettlement_consideration": _("Resettlement consideration"),
    "livelihoods": _("Livelihoods"),
    "mental_health_care": _("Mental health care"),
    "legal_aid": _("Legal aid"),
    "psychosocial_support": _("Psychosocial support"),
    "gbv_case_management": _("GBV case management"),
    "civil_documentation": _("Civil documentation"),
}


def element_label(name: str) -> str:
    return str(ELEMENT_LABELS.get(name, name.replace("_", " ")))


def service_label(name: str) -> str:
    return str(SERVICE_LABELS.get(name, name.replace("_", " ")))


def offered_elements() -> list[str]:
    """What a referral may ask for: the case's facts, then the texts written for it."""
    return [*(name for name in FROM_THE_CASE if name in READERS), *WRITTEN]


def purpose_elements(protocol: Protocol | None, purpose: str) -> list[str]:
    """The elements the protocol agrees for a purpose as a whole (not for one service)."""
    spec = protocol.purposes.get(purpose) if protocol else None
    return sorted(spec.elements or ()) if spec is not None else []


def participant_choices(protocol: Protocol | None, own: str) -> list[tuple[str, str]]:
    """The protocol's participants other than the actor's own agency, by name."""
    if protocol is None:
        return []
    rows = [(pid, p.name or pid) for pid, p in protocol.participants.items() if pid != own]
    return sorted(rows, key=lambda row: str(row[1]).casefold())


def services_of(protocol: Protocol | None) -> list[dict[str, Any]]:
    """The services of the protocol in force: name, provider and the elements agreed for it."""
    spec = protocol.purposes.get(PURPOSE) if protocol else None
    if protocol is None or spec is None:
        return []
    rows = []
    for name, service in sorted(spec.services.items()):
        provider = protocol.participants.get(service.provider)
        rows.append(
            {
                "name": name,
                "label": service_label(name),
                "provider": service.provider,
                "provider_name": provider.name if provider else service.provider,
                "elements": sorted(service.elements or ()),
            }
        )
    return rows


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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answer") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the referral is rejected."))
        return data


class ServiceFeedbackForm(forms.Form):
    service_status = forms.ChoiceField(
        label=_("What became of the service"), choices=list(SERVICE_STATUSES.items())
    )
    date = forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome_summary = forms.CharField(
        label=_("Outcome (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent only if the consent on record allows it."),
    )

"""The "Can I share?" form: the facts a caseworker knows, turned into a sharing request."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Agency
from amana.core import limits
from amana.protocol import Protocol
from amana.protocol.vocabulary import PURPOSES
from amana.refdata.labels import ELEMENTS, PURPOSE_LABELS, SERVICES, label
from amana.sharing.models import ExceptionalCircumstance
from amana.sharing.vocabulary import BASIS_CHOICES

AGREEMENT_CHOICES = [
    ("none", _("Not asked or not given")),
    ("consent", _("Agreed")),
    ("refusal", _("Refused")),
    ("withdrawal", _("Withdrew an earlier agreement")),
]
CARE_CHOICES = [
    ("with_parents", _("Lives with parents")),
    ("separated", _("Separated (cared for by a relative)")),
    ("unaccompanied", _("Unaccompanied")),
    ("adult", _("Adult")),
]
CONTACT_CHOICES = [
    ("", _("Not decided")),
    ("phone", _("Phone")),
    ("office_visit", _("Visit to an office")),
    ("home_visit", _("Home visit")),
]
COMMON_ELEMENTS = (
    "full_name", "date_of_birth", "sex", "individual_id", "case_number", "contact_phone",
    "specific_needs_codes", "referral_summary", "risk_summary", "incident_narrative",
    "medical_records", "case_plan", "assessments", "caseworker_notes", "case_file",
)  # fmt: skip


def element_choices(protocol: Protocol) -> list[tuple[str, str]]:
    names = set(COMMON_ELEMENTS)
    for spec in protocol.purposes.values():
        names |= spec.elements or set()
        names |= spec.excluded
        for service in spec.services.values():
            names |= service.elements or set()
    choices = [(name, label(ELEMENTS, name)) for name in names]
    return sorted(choices, key=lambda choice: choice[1].casefold())


class CanIShareForm(forms.Form):
    sender = forms.ChoiceField(label=_("From (your agency)"))
    recipient = forms.ChoiceField(label=_("To"))
    purpose = forms.ChoiceField(label=_("Why"), choices=[(p, PURPOSE_LABELS[p]) for p in PURPOSES])
    service = forms.ChoiceField(label=_("Service (for referrals)"), required=False)
    legal_basis = forms.ChoiceField(label=_("Legitimate basis"), choices=BASIS_CHOICES)
    on = limits.BoundedFormDateField(label=_("Date of sharing"), initial=timezone.localdate)
    age = forms.IntegerField(label=_("Age of the child or person"), min_value=0, max_value=120)
    care_status = forms.ChoiceField(label=_("Care situation"), choices=CARE_CHOICES)
    caregiver_reachable = forms.BooleanField(
        label=_("The caregiver can be reached"), required=False, initial=True
    )
    informing_caregiver_ok = forms.BooleanField(
        label=_("Telling the caregiver is in the child's best interests"),
        required=False,
        initial=True,
    )
    gbv_survivor = forms.BooleanField(label=_("Survivor of gender-based violence"), required=False)
    case_closed = forms.BooleanField(label=_("The case is closed"), required=False)
    caregiver_consent = forms.ChoiceField(
        label=_("Caregiver (or adult) consent"), choices=AGREEMENT_CHOICES
    )
    child_assent = forms.ChoiceField(label=_("Child's assent"), choices=AGREEMENT_CHOICES)
    consent_at_intake = forms.BooleanField(
        label=_("Consent was also asked at intake"), required=False
    )
    bia_supports = forms.BooleanField(
        label=_("A recorded best-interests assessment supports this sharing"), required=False
    )
    risk_assessment = forms.CharField(
        label=_("Benefit and risk assessment (exceptional sharing)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    recipient_safe = forms.BooleanField(
        label=_("The recipient was assessed as safe"), required=False
    )
    contact_method = forms.ChoiceField(
        label=_("How the recipient will contact them"), choices=CONTACT_CHOICES, required=False
    )
    label = forms.CharField(label=_("Label the recipient will see"), required=False, max_length=200)
    elements = forms.MultipleChoiceField(
        label=_("Details you want to send"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, protocol: Protocol, own_agency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parties = [(p.id, p.name) for p in protocol.participants.values()]
        services = protocol.purposes.get("referral_immediate")
        options = sorted(services.services) if services else []
        self._choose("sender", parties)
        self.fields["sender"].initial = own_agency
        self._choose("recipient", parties)
        self._choose("service", [("", _("— none —")), *((s, label(SERVICES, s)) for s in options)])
        self._choose("elements", element_choices(protocol))

    def _choose(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    FIELDSETS = (
        (_("Who and why"), ("sender", "recipient", "purpose", "service", "legal_basis", "on")),
        (
            _("The child"),
            ("age", "care_status", "caregiver_reachable", "informing_caregiver_ok",
             "gbv_survivor", "case_closed"),
        ),
        (
            _("Consent, assent and assessments"),
            ("caregiver_consent", "child_assent", "consent_at_intake", "bia_supports",
             "risk_assessment", "recipient_safe"),
        ),
        (_("What would be sent"), ("contact_method", "label", "elements")),
    )  # fmt: skip

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(legend), [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def to_request(self) -> dict[str, Any]:
        data = self.cleaned_data
        on: date = data["on"]
        request = {
            "at": on.isoformat(),
            "from": data["sender"],
            "to": data["recipient"],
            "purpose": data["purpose"],
            "service": data["service"] or None,
            "legal_basis": data["legal_basis"],
            "subject": {
                "age": data["age"],
                "care_status": data["care_status"],
                "caregiver_reachable": data["caregiver_reachable"],
                "informing_caregiver_in_best_interests": data["informing_caregiver_ok"],
                "gbv_survivor": data["gbv_survivor"],
                "case_status": "closed" if data["case_closed"] else "open",
            },
            "consents": self._consents(on),
            "best_interests": {"assessed_on": on.isoformat(), "supports_sharing": True}
            if data["bia_supports"]
            else None,
            "exceptional": {
                "circumstance": "stated in the assessment",
                "risk_assessment": data["risk_assessment"] or None,
                "recipient_assessed_safe": data["recipient_safe"],
            },
            "contact_method": data["contact_method"] or None,
            "label": data["label"] or None,
            "elements": data["elements"],
        }
        return request

    def _consents(self, on: date) -> list[dict[str, Any]]:
        data = self.cleaned_data
        adult = data["care_status"] == "adult" or data["age"] >= 18
        scope = {
            "purposes": [data["purpose"]],
            "recipients": [data["recipient"]],
            "on": on.isoformat(),
        }
        records = []
        stage = "closure" if data["case_closed"] else "other"
        if data["caregiver_consent"] != "none":
            giver = "adult_subject" if adult else "caregiver"
            records.append(
                {"given_by": giver, "kind": data["caregiver_consent"], "stage": stage, **scope}
            )
            if data["consent_at_intake"] and data["caregiver_consent"] == "consent":
                records.append({"given_by": giver, "kind": "consent", "stage": "intake", **scope})
        if data["child_assent"] != "none" and not adult:
            kind = "assent" if data["child_assent"] == "consent" else data["child_assent"]
            records.append({"given_by": "child", "kind": kind, "stage": stage, **scope})
        return records


class ExceptionalForm(forms.Form):
    """An exceptional circumstance, recorded for a supervisor's approval."""

    kind = forms.ChoiceField(label=_("Circumstance"), choices=ExceptionalCircumstance.Kind.choices)
    description = forms.CharField(
        label=_("What is happening"),
        help_text=_(
            "A tangible, immediate danger or threat — not a vague or future risk. "
            "Write only what the decision needs."
        ),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    risk_assessment = forms.CharField(
        label=_("Benefit and risk assessment"),
        help_text=_("What sharing would achieve for the child, and what could go wrong."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    recipient = forms.ChoiceField(label=_("Recipient"))
    recipient_assessed_safe = forms.BooleanField(
        label=_("The recipient was assessed as safe (for example, no risk of refoulement)"),
        required=False,
    )

    def __init__(self, *args: Any, own_agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipient"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("— choose —")),
            *Agency.objects.exclude(pk=own_agency_id).order_by("name").values_list("slug", "name"),
        ]


class ExceptionalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    note = forms.CharField(
        label=_("Note (required to reject)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

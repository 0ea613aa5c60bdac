"""What the referrals API takes in and gives back. Input is checked here (400 naming the
field); the decision is the engine's; rows carry only what their reader may see."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from amana.core import limits
from amana.referrals.elements import known_elements
from amana.referrals.models import RecipientNotice, Referral
from amana.referrals.presenters import (
    CONTACT_CHOICES,
    PURPOSE,
    TRANSFER_BASES,
    WRITTEN,
    offered_elements,
)
from amana.referrals.vocabulary import (
    CLOSED_CASE_ELEMENTS,
    CLOSED_CASE_PURPOSES,
    SERVICE_STATUSES,
    TRANSFER,
    TRANSFER_ELEMENTS,
)
from amana.sharing.models import LedgerEntry
from amana.sharing.vocabulary import BASIS_CHOICES

# What POST …/referrals takes as "purpose"; a transfer has its own endpoint.
REFERRAL_PURPOSES = [p for p in Referral.Purpose.values if p != TRANSFER]


def _unknown_element(value: list[str], known: set[str] | frozenset[str]) -> None:
    unknown = [name for name in value if name not in known]
    if unknown:
        raise serializers.ValidationError(
            _("Unknown data element: %(name)s") % {"name": unknown[0]}
        )


class ReferralIn(serializers.Serializer[Any]):
    purpose = serializers.CharField(
        max_length=32,
        required=False,
        default=PURPOSE,
        help_text="referral_immediate (default), referral_future, or for a closed case "
        "closed_case_access / closed_case_archive; a transfer has its own endpoint",
    )
    service = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="a service of the protocol in force; required for referral_immediate",
    )
    recipient = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="agency id; defaults to the service's provider",
    )
    elements = serializers.ListField(
        child=serializers.CharField(max_length=64),
        allow_empty=False,
        max_length=limits.LIST_MAX,
        help_text="data elements asked for; the engine decides which are sent",
    )
    written = limits.BoundedDictField(
        max_items=limits.LIST_MAX,
        child=serializers.CharField(max_length=4000, allow_blank=True),
        required=False,
        default=dict,
        help_text="texts written for this referral: " + ", ".join(WRITTEN),
    )
    legal_basis = serializers.ChoiceField(choices=[value for value, _label in BASIS_CHOICES])
    # A declared field, popped by DRF's metaclass; it only looks like Field.label to mypy.
    label = serializers.CharField(  # type: ignore[assignment]
        max_length=200, required=False, allow_blank=True, default=""
    )
    contact_method = serializers.ChoiceField(
        choices=[value for value, _label in CONTACT_CHOICES],
        required=False,
        allow_blank=True,
        default="",
    )

    def __init__(
        self, *args: Any, services: dict[str, dict[str, Any]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.services = services or {}

    def validate_purpose(self, value: str) -> str:
        if value == TRANSFER:
            raise serializers.ValidationError(
                _("A case transfer is sent to /api/v1/cases/{id}/transfer.")
            )
        if value not in REFERRAL_PURPOSES:
            raise serializers.ValidationError(
                _("Choose a purpose from the list: %(names)s")
                % {"names": ", ".join(REFERRAL_PURPOSES)}
            )
        return value

    def validate_service(self, value: str) -> str:
        # With no protocol in force there is nothing to check against: the engine says no.
        if value and self.services and value not in self.services:
            raise serializers.ValidationError(
                _("Not a service agreed in the protocol in force: %(name)s") % {"name": value}
            )
        return value

    def validate_elements(self, value: list[str]) -> list[str]:
        _unknown_element(value, {*offered_elements(), *CLOSED_CASE_ELEMENTS})
        return list(dict.fromkeys(value))

    def validate_written(self, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(WRITTEN))
        if unknown:
            raise serializers.ValidationError(
                _("Only these texts are written for a referral: %(names)s; not %(name)s")
                % {"names": ", ".join(WRITTEN), "name": unknown[0]}
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        closed = attrs["purpose"] in CLOSED_CASE_PURPOSES
        if not attrs["service"] and attrs["purpose"] == PURPOSE:
            raise serializers.ValidationError({"service": _("Name the service.")})
        if not closed:
            try:
                _unknown_element(attrs["elements"], set(offered_elements()))
            except serializers.ValidationError as error:
                raise serializers.ValidationError({"elements": error.detail}) from None
        missing = [
            name
            for name in WRITTEN
            if name in attrs["elements"] and not attrs["written"].get(name, "").strip()
        ]
        if missing:
            raise serializers.ValidationError(
                {
                    "written": _("Write %(name)s, or leave it out of elements.")
                    % {"name": missing[0]}
                }
            )
        if not attrs["recipient"]:
            provider = self.services.get(attrs["service"], {}).get("provider")
            if provider is None:
                raise serializers.ValidationError({"recipient": _("Name the receiving agency.")})
            attrs["recipient"] = provider
        return attrs


class TransferIn(serializers.Serializer[Any]):
    recipient = serializers.CharField(max_length=64, help_text="the receiving agency's id")
    legal_basis = serializers.ChoiceField(choices=[value for value, _label in TRANSFER_BASES])
    elements = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        allow_empty=False,
        max_length=limits.LIST_MAX,
        help_text="parts of the case file asked for; default: " + ", ".join(TRANSFER_ELEMENTS),
    )

    def validate_elements(self, value: list[str]) -> list[str]:
        _unknown_element(value, known_elements())
        return list(dict.fromkeys(value))


class FeedbackIn(serializers.Serializer[Any]):
    service_status = serializers.ChoiceField(choices=list(SERVICE_STATUSES))
    date = limits.BoundedDateField(past=True, help_text="the date of the service, YYYY-MM-DD")
    outcome_summary = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


class RejectIn(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=300, help_text="why the referral is rejected")


def sent_row(referral: Referral, *, feedback: dict[str, Any] | None = None) -> dict[str, Any]:
    """A referral as the referring agency sees it: status and date, never the answer's reason
    (process feedback carries only the status); the service feedback the engine let through,
    read by the caller through `access.service_feedback`."""
    return {
        "id": str(referral.pk),
        "purpose": referral.purpose,
        "service": referral.service,
        "recipient": {"id": referral.recipient.slug, "name": referral.recipient.name},
        "label": referral.label,
        "contact_method": referral.contact_method,
        "legal_basis": referral.legal_basis,
        "shared_elements": list(referral.shared_elements),
        "status": referral.status,
        "sent_at": referral.sent_at.isoformat(),
        "responded_at": referral.responded_at.isoformat() if referral.responded_at else None,
        "service_feedback": feedback,
    }


def ledger_row(entry: LedgerEntry, recipient_name: str) -> dict[str, Any]:
    """A sharing ledger entry: who received what, when and why — element names and reason
    codes, never the values, nor the request the decision was made on."""
    return {
        "id": str(entry.pk),
        "at": entry.at.isoformat(),
        "recipient": {"id": entry.recipient, "name": recipient_name},
        "purpose": entry.purpose,
        "service": entry.service,
        "legal_basis": entry.legal_basis,
        "protocol": entry.protocol,
        "decision": entry.decision,
        "requested_elements": list(entry.requested),
        "shared_elements": list(entry.shared),
        "reason_codes": list(entry.codes),
        "actor": entry.actor.username if entry.actor else None,
    }


def inbox_row(referral: Referral, overdue: bool) -> dict[str, Any]:
    """A referral in the recipient's inbox: no child data — open the packet for that."""
    return {
        "id": str(referral.pk),
        "from": {"id": referral.sender.slug, "name": referral.sender.name},
        "purpose": referral.purpose,
        "service": referral.service,
        "label": referral.label,
        "status": referral.status,
        "sent_at": referral.sent_at.isoformat(),
        "responded_at": referral.responded_at.isoformat() if referral.responded_at else None,
        "overdue": overdue,
    }


def notice_row(notice: RecipientNotice) -> dict[str, Any]:
    """A notice names the referral, never its packet."""
    referral = notice.referral
    return {
        "id": str(notice.pk),
        "kind": notice.kind,
        "referral": {
            "id": str(referral.pk),
            "from": {"id": referral.sender.slug, "name": referral.sender.name},
            "service": referral.service,
            "status": referral.status,
            "sent_at": referral.sent_at.isoformat(),
        },
        "created_at": notice.created_at.isoformat(),
        "read_at": notice.read_at.isoformat() if notice.read_at else None,
    }

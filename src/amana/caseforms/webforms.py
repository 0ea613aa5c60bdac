"""The fixed parts of case form pages: the supervisor's decision on a submitted record, and
the hidden version a record is edited from. (The form itself is built from its definition,
`formdefs.rendering`.)"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amana.core import limits


class DecisionForm(forms.Form):
    DECISIONS = [("approve", _("Approve")), ("return", _("Return for changes"))]

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=DECISIONS,
        error_messages={
            "required": _("Decision: approve or return the form."),
            "invalid_choice": _("Decision: approve or return the form."),
        },
    )
    note = forms.CharField(
        label=_("Note to the caseworker"),
        required=False,
        max_length=2000,
        error_messages={"max_length": _("Note: use at most 2000 characters.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not data.get("note"):
            self.add_error("note", _("Note: say what needs to change before returning the form."))
        return data


class FormRecordMeta(forms.Form):
    """The hidden part of a case form page: which saved version the person is editing."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=limits.VERSION_MAX
    )

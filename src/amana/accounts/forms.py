from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from amana.accounts.roles import Role


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=256,
        strip=False,  # a password is checked exactly as typed, spaces included
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("Enter the six digits shown in your app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ReauthenticateForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        max_length=256,
        strip=False,  # a password is checked exactly as typed, spaces included
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class PasswordChangeForm(forms.Form):
    """Parsed only: `actions.do_change_password` checks the old one and the validators."""

    old_password = forms.CharField(
        label=_("Current password"),
        max_length=256,
        strip=False,  # a password is checked exactly as typed, spaces included
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        max_length=256,
        strip=False,  # a password is checked exactly as typed, spaces included
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, not a common password, not only digits."),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        max_length=256,
        strip=False,  # a password is checked exactly as typed, spaces included
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=64)
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    email = forms.EmailField(label=_("Work e-mail"), required=False)
    phone = forms.CharField(
        label=_("Work phone"),
        max_length=40,
        required=False,
        help_text=_("Agencies receiving this person's referrals see it, to reach them."),
    )
    password = forms.CharField(
        label=_("Initial password"),
        max_length=256,
        strip=False,  # a password is checked exactly as typed, spaces included
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )

from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from accounts.emails import normalize_email
from accounts.ratelimits import ratelimit_check


class SignupForm(AllauthSignupForm):
    organisation_name = forms.CharField(
        label="Organisation name",
        required=False,
        max_length=200,
        help_text="Optional. We use your email domain when you leave it empty.",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )

    field_order = ["email", "organisation_name", "password1", "password2"]

    def clean_email(self) -> str:
        email = super().clean_email()
        if email:
            result = ratelimit_check(action="signup_email", key=normalize_email(email))
            if not result.allowed:
                raise forms.ValidationError(
                    "Several accounts were created with this email address (or a variant of "
                    "it) a short while ago. Try again in "
                    f"{result.retry_after_minutes} minutes, or sign in to your existing account."
                )
        return email


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Teammate's email address",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "placeholder": "name@company.com"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What will use it, e.g. “ATS sync script”.",
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(label="Organisation name", max_length=200)


class ConfirmDeleteForm(forms.Form):
    """Deleting needs the exact phrase typed, so it cannot happen by a stray click."""

    confirm = forms.CharField(label="Type the confirmation phrase", max_length=200)

    def __init__(self, *args: Any, phrase: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.phrase = phrase

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"].strip()
        if value != self.phrase:
            raise forms.ValidationError(f"Type “{self.phrase}” exactly to confirm.")
        return value

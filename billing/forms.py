from __future__ import annotations

from typing import Any

from django import forms

from billing.models import LedgerEntry
from billing.money import parse_dollars


class LedgerFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "All kinds"), *LedgerEntry.Kind.choices], required=False)
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The start date is after the end date.")
        return data


class AdjustmentForm(forms.Form):
    amount = forms.CharField(
        label="Amount in dollars",
        help_text="Positive adds credit, negative removes it (e.g. 10.00 or -2.50).",
        max_length=20,
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=5,
        help_text="Required. Shown in the ledger and the audit log.",
    )

    def clean_amount(self) -> int:
        try:
            cents = parse_dollars(self.cleaned_data["amount"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc).capitalize() + ".") from exc
        if cents == 0:
            raise forms.ValidationError("Enter an amount other than zero.")
        if abs(cents) > 1_000_000_00:
            raise forms.ValidationError("That is more than a million dollars; check the amount.")
        return cents

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if len(reason) < 5:
            raise forms.ValidationError("Say why, in a few words.")
        return reason

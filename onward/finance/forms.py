"""Forms for financial support, in GOV.UK style."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from onward.core.concurrency import VersionField
from onward.core.forms import GovukDateField, GovukForm
from onward.finance.models import SupportPayment


class PaymentForm(GovukForm):
    """A payment of financial support for EET, planned or paid (amount in pounds and pence)."""

    kind = forms.ChoiceField(
        label="Type of support",
        choices=SupportPayment.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of support", "invalid_choice": "Select the type of support"},
    )
    amount = forms.CharField(
        label="Amount, in pounds",
        max_length=20,
        help_text="For example, 250 or 1,250.50",
        error_messages={"required": "Enter the amount", "max_length": "Enter an amount of £1,000,000 or less"},
    )
    date = GovukDateField(name="date", label="Date paid, or due to be paid")
    status = forms.ChoiceField(
        label="Status",
        choices=SupportPayment.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it is planned, paid or cancelled"},
    )
    note = forms.CharField(
        label="Note (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Note must be 500 characters or fewer"},
    )
    version = VersionField()

    def clean_amount(self) -> int:
        """The amount in pence."""
        text = str(self.cleaned_data["amount"]).strip().lstrip("£").replace(",", "").strip()
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError("Enter the amount in pounds and pence, like 250.00") from None
        if not value.is_finite() or value != value.quantize(Decimal("0.01")):
            raise forms.ValidationError("Enter the amount in pounds and pence, like 250.00")
        if value <= 0:
            raise forms.ValidationError("Amount must be more than £0")
        if value > 1_000_000:
            raise forms.ValidationError("Amount must be £1,000,000 or less")
        return int(value * 100)


class PaymentReportForm(GovukForm):
    """The council's financial support report: payments dated from ``start`` to ``end``."""

    start = GovukDateField(name="start date", label="From (optional)", required=False)
    end = GovukDateField(name="end date", label="To (optional)", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date must be the same as or after the start date")
        return data

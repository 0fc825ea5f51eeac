from __future__ import annotations

from django import forms

from onward.audit.models import AuditEvent
from onward.core.forms import GovukForm


class AuditFilterForm(GovukForm):
    user = forms.CharField(label="User's email address", required=False, max_length=254)
    record = forms.CharField(
        label="Record",
        required=False,
        max_length=300,
        help_text="A record's type and number, like accounts.User 12, or words from its name",
    )
    action = forms.ChoiceField(label="Action", required=False, choices=[("", "Any action"), *AuditEvent.Action.choices])
    date_from = forms.DateField(
        label="From date",
        required=False,
        help_text="For example, 27/3/2026",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "From date must be a real date, like 27/3/2026"},
    )
    date_to = forms.DateField(
        label="To date",
        required=False,
        help_text="For example, 31/3/2026",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "To date must be a real date, like 31/3/2026"},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "To date must be the same as or after the from date")
        return data

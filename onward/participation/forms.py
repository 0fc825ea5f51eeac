"""Forms of the participation pages."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from onward.core import uploads
from onward.core.forms import GovukForm
from onward.participation import rules


class MonthField(forms.CharField):
    """A month written YYYY-MM, cleaned to its last day."""

    def clean(self, value: Any) -> datetime.date:
        text = super().clean(value)
        try:
            return rules.parse_month(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class FeedForm(GovukForm):
    month = MonthField(
        label="Month",
        help_text="For example, 2026-11. The feed holds the cohort on the month's last day.",
        max_length=7,
        error_messages={"required": "Enter the month, for example 2026-11"},
    )


class SurveyForm(GovukForm):
    year = forms.IntegerField(
        label="Year of the survey",
        help_text="The young people who left Year 11 that summer, and their activity on 1 November",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Enter the year of the survey",
            "invalid": "Enter the year as a number, for example 2026",
            "min_value": "Enter a year from 2000",
            "max_value": "Enter a year before 2100",
        },
    )


class CareersReturnForm(GovukForm):
    month = MonthField(
        label="Month the return is for",
        help_text="For example, 2026-11",
        max_length=7,
        error_messages={"required": "Enter the month, for example 2026-11"},
    )
    upload = forms.FileField(
        label="The careers service's file (CSV)",
        help_text="The layout of Onward's monthly feed",
        error_messages={"required": "Select the careers service's file"},
    )

    def clean_upload(self) -> tuple[str, str]:
        item = self.cleaned_data["upload"]
        if not item.name.lower().endswith(".csv"):
            raise forms.ValidationError("The file must be a CSV file")
        try:
            uploads.check_size(item.name, item.size)
            text = uploads.decode_text(item.name, item.read())
            if uploads.count_csv_rows(text) > uploads.max_rows():
                raise uploads.Refused(
                    f"{item.name} has more than {uploads.max_rows():,} rows: split it into smaller files"
                )
        except uploads.Refused as error:
            raise forms.ValidationError(str(error)) from None
        return item.name, text

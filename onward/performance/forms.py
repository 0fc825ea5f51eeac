"""The choices on the performance pages: the date, the counting method and the breakdown."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils import timezone

from onward.core import uploads
from onward.core.concurrency import VersionField
from onward.core.forms import GovukDateField, GovukForm
from onward.performance.live import BREAKDOWNS
from onward.performance.models import Method, TargetStep
from onward.performance.targets import indicator_names


class FiguresForm(GovukForm):
    date = GovukDateField(name="date", required=False, label="Figures as at", help_text="For example, 31 3 2025")
    method = forms.ChoiceField(
        label="Counting method",
        required=False,
        choices=[(m.value, m.label) for m in Method],
        help_text="The live snapshot counts everyone in scope on the date; the statutory return counts young "
        "people around their 17th to 21st birthdays in the collection year, as the national statistics do",
    )
    by = forms.ChoiceField(label="Break down by", required=False, choices=list(BREAKDOWNS.items()))

    def clean_date(self) -> datetime.date | None:
        day: datetime.date | None = self.cleaned_data.get("date")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError("The date must be today or in the past")
        if day is not None and day.year < 2000:
            raise forms.ValidationError("The date must be in or after 2000")
        return day


def choices(form: FiguresForm, today: datetime.date) -> tuple[datetime.date, str, str]:
    """The date, method and breakdown chosen; today, the live snapshot and team when not (or not validly) chosen."""
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    return data.get("date") or today, data.get("method") or Method.SNAPSHOT, data.get("by") or "team"


def query(day: datetime.date, method: str, **extra: str) -> str:
    """The query string that chooses ``day`` and ``method`` (and anything else) on these pages."""
    return urlencode({"date_0": day.day, "date_1": day.month, "date_2": day.year, "method": method, **extra})


MAX_BENCHMARK_BYTES = 5 * 1024 * 1024

# Benchmarks and targets ------------------------------------------------------------------------------


class BenchmarkUploadForm(GovukForm):
    upload = forms.FileField(label="Benchmark file (CSV)", error_messages={"required": "Select the file to upload"})

    def clean_upload(self) -> Any:
        item = self.cleaned_data["upload"]
        if not item.name.lower().endswith(".csv"):
            raise forms.ValidationError("The file must be a CSV file")
        try:
            uploads.check_size("The file", item.size, limit=MAX_BENCHMARK_BYTES)
            uploads.decode_text("The file", item.read())
        except uploads.Refused as error:
            raise forms.ValidationError(str(error)) from None
        item.seek(0)
        return item


class TargetForm(GovukForm):
    indicator = forms.ChoiceField(label="Indicator", error_messages={"required": "Select an indicator"})
    tolerance = forms.DecimalField(
        label="Tolerance in percentage points (optional)",
        help_text="How far short of the target still counts as near target. Leave blank for the service default.",
        required=False,
        min_value=0,
        max_value=50,
        decimal_places=1,
        error_messages={
            "invalid": "Tolerance must be a number, like 2 or 2.5",
            "min_value": "Tolerance must be 0 or more",
            "max_value": "Tolerance must be 50 points or fewer",
            "max_decimal_places": "Tolerance must have no more than 1 decimal place",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"}),
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = sorted(indicator_names().items(), key=lambda item: item[1])
        self.fields["indicator"].choices = [("", "Select an indicator"), *choices]  # type: ignore[attr-defined]


class TargetStepForm(GovukForm):
    by_date = GovukDateField(name="date", label="By when", help_text="For example, 1 4 2026")
    kind = forms.ChoiceField(
        label="What kind of target is it?",
        choices=TargetStep.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of target it is"},
    )
    value = forms.DecimalField(
        label="Figure, or points above the benchmark",
        help_text="A percentage for a fixed figure (for example 60); for a relative target, the points above the "
        "benchmark (for example 5, or -2 for below)",
        decimal_places=1,
        error_messages={
            "required": "Enter the figure or the points",
            "invalid": "Enter a number, like 60 or 5.5",
            "max_decimal_places": "Enter a number with no more than 1 decimal place",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
    )
    version = VersionField()


class QuarterForm(GovukForm):
    quarter = forms.ChoiceField(label="Quarter", error_messages={"required": "Select a quarter"})

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = choices  # type: ignore[attr-defined]


class CommentaryForm(GovukForm):
    text = forms.CharField(
        label="Commentary",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text="What the figures in this section mean, what is being done, and what to watch",
        error_messages={"required": "Enter the commentary"},
    )
    version = VersionField()

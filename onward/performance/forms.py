"""Forms for performance pages."""

from __future__ import annotations

from typing import Any

from django import forms

from onward.core.forms import GovukDateField, GovukForm
from onward.performance.models import TargetStep
from onward.performance.targets import indicator_names

MAX_BENCHMARK_BYTES = 5 * 1024 * 1024

# Benchmarks and targets ------------------------------------------------------------------------------


class BenchmarkUploadForm(GovukForm):
    upload = forms.FileField(label="Benchmark file (CSV)", error_messages={"required": "Select the file to upload"})

    def clean_upload(self) -> Any:
        item = self.cleaned_data["upload"]
        if not item.name.lower().endswith(".csv"):
            raise forms.ValidationError("The file must be a CSV file")
        if item.size > MAX_BENCHMARK_BYTES:
            raise forms.ValidationError("The file must be smaller than 5 MB")
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
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

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
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class QuarterForm(GovukForm):
    quarter = forms.ChoiceField(label="Quarter", error_messages={"required": "Select a quarter"})

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = choices  # type: ignore[attr-defined]

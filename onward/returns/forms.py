from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from onward.core.forms import GovukForm

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def year_choices() -> list[tuple[int, str]]:
    """Collection years from the one now under way back five years (2025 is 2024-25)."""
    today = timezone.localdate()
    current = today.year + 1 if today.month >= 4 else today.year
    return [(y, f"{y - 1} to {y} (1 April {y - 1} to 31 March {y})") for y in range(current, current - 6, -1)]


class YearForm(GovukForm):
    year = forms.TypedChoiceField(
        label="Collection year",
        coerce=int,
        choices=year_choices,
        error_messages={"required": "Select a collection year"},
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,text/csv"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        items = list(data) if isinstance(data, list | tuple) else [data] if data else []
        if not items:
            return single(None, initial)  # raises "required" as a single file field would
        return [single(item, initial) for item in items]


class SSDA903UploadForm(YearForm):
    uploads = MultipleFileField(
        label="SSDA903 CSV files",
        help_text="Header, episodes, OC3 and UASC files for the year; each is recognised by its columns",
        error_messages={"required": "Select the CSV files to import"},
    )

    def clean_uploads(self) -> dict[str, str]:
        uploaded = self.cleaned_data["uploads"]
        contents: dict[str, str] = {}
        total = 0
        for item in uploaded:
            total += item.size
            if total > MAX_UPLOAD_BYTES:
                raise forms.ValidationError("The files must be smaller than 50 MB in total")
            if not item.name.lower().endswith(".csv"):
                raise forms.ValidationError(f"{item.name} must be a CSV file")
            raw = item.read()
            if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise forms.ValidationError(f"{item.name} must be saved as UTF-8, not UTF-16")
            try:
                contents[item.name] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(f"{item.name} must be saved as UTF-8") from None
        return contents

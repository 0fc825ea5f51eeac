from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from onward.core import uploads
from onward.core.concurrency import VersionField
from onward.core.forms import GovukForm
from onward.returns import case_system
from onward.returns.models import ColumnMapping


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
        """Each file's text: refused before it is parsed if too large, not UTF-8 or with too many rows."""
        uploaded = self.cleaned_data["uploads"]
        contents: dict[str, str] = {}
        total = 0
        try:
            for item in uploaded:
                total += item.size
                uploads.check_size("The files together", total)
                if not item.name.lower().endswith(".csv"):
                    raise forms.ValidationError(f"{item.name} must be a CSV file")
                text = uploads.decode_text(item.name, item.read())
                if uploads.count_csv_rows(text) > uploads.max_rows():
                    raise uploads.Refused(
                        f"{item.name} has more than {uploads.max_rows():,} rows: split it into smaller files"
                    )
                contents[item.name] = text
        except uploads.Refused as error:
            raise forms.ValidationError(str(error)) from None
        return contents


DATE_FORMATS = [
    ("%d/%m/%Y", "27/03/2025"),
    ("%Y-%m-%d", "2025-03-27"),
    ("%d-%m-%Y", "27-03-2025"),
    ("%d.%m.%Y", "27.03.2025"),
    ("%d/%m/%y", "27/03/25"),
]


class MappingForm(GovukForm):
    """A saved mapping: which column of the export holds each field, and how coded values translate."""

    name = forms.CharField(
        label="Name of the mapping",
        max_length=120,
        help_text="For example, Liquidlogic EET report",
        error_messages={"required": "Enter a name for the mapping"},
    )
    record_type = forms.ChoiceField(
        label="What the export holds",
        choices=ColumnMapping.RecordType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the export holds"},
    )
    date_format = forms.ChoiceField(label="How dates are written", choices=DATE_FORMATS)
    col_child_id = forms.CharField(
        label="Column with the child identifier",
        max_length=100,
        error_messages={"required": "Enter the column with the child identifier"},
    )
    col_activity = forms.CharField(label="Column with the activity (EET)", max_length=100, required=False)
    col_provider = forms.CharField(
        label="Column with the provider or employer (EET, optional)", max_length=100, required=False
    )
    col_part_time = forms.CharField(label="Column saying part time (EET, optional)", max_length=100, required=False)
    col_accommodation_type = forms.CharField(
        label="Column with the accommodation type (accommodation)", max_length=100, required=False
    )
    col_suitability = forms.CharField(
        label="Column saying whether it is suitable (accommodation)", max_length=100, required=False
    )
    col_start = forms.CharField(
        label="Column with the start date (EET and accommodation)", max_length=100, required=False
    )
    col_end = forms.CharField(label="Column with the end date (optional)", max_length=100, required=False)
    col_date = forms.CharField(
        label="Column with the date of contact or of the PEP meeting (contacts, PEPs)", max_length=100, required=False
    )
    col_in_touch = forms.CharField(label="Column saying whether in touch (contacts)", max_length=100, required=False)
    col_method = forms.CharField(label="Column saying how (contacts, optional)", max_length=100, required=False)
    col_school_year = forms.CharField(label="Column with the school year (PEPs)", max_length=100, required=False)
    col_social_worker_attended = forms.CharField(
        label="Column saying whether the social worker attended (PEPs)", max_length=100, required=False
    )
    col_quality = forms.CharField(label="Column with the PEP's quality (PEPs)", max_length=100, required=False)
    translations = forms.CharField(
        label="Values to translate (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One a line, as field: value in the export = Onward's code, for example activity: FE College = further_education",
    )
    version = VersionField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("record_type")
        if kind:
            for name, label, required in case_system.FIELDS[kind]:
                if required and name != "child_id" and not data.get(f"col_{name}"):
                    self.add_error(f"col_{name}", f"Enter the column with the {label.lower()}")
        values: dict[str, dict[str, str]] = {}
        for number, line in enumerate((data.get("translations") or "").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                field_part, rest = line.split(":", 1)
                source, code = rest.rsplit("=", 1)
            except ValueError:
                self.add_error("translations", f"Line {number} must be written as field: value = code")
                continue
            field_name = field_part.strip().lower().replace(" ", "_")
            if field_name not in case_system.CODED:
                self.add_error("translations", f"Line {number}: {field_part.strip()} is not a field with codes")
                continue
            code = code.strip()
            if code not in {c for c, _ in case_system.CODED[field_name]}:
                self.add_error(
                    "translations",
                    f"Line {number}: {code} is not one of Onward's codes for {field_name.replace('_', ' ')}",
                )
                continue
            values.setdefault(field_name, {})[source.strip()] = code
        data["values"] = values
        data["columns"] = {key[4:]: value for key, value in data.items() if key.startswith("col_") and value}
        return data

    @staticmethod
    def initial_for(mapping: ColumnMapping) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": mapping.name,
            "record_type": mapping.record_type,
            "date_format": mapping.date_format,
            "version": mapping.version,
        }
        initial.update({f"col_{k}": v for k, v in mapping.columns.items()})
        initial["translations"] = "\n".join(
            f"{f}: {src} = {code}" for f, pairs in mapping.values.items() for src, code in pairs.items()
        )
        return initial


class CaseUploadForm(GovukForm):
    mapping = forms.ModelChoiceField(
        label="Mapping",
        queryset=ColumnMapping.objects.none(),
        empty_label=None,
        error_messages={"required": "Select a mapping"},
    )
    upload = forms.FileField(
        label="Export file (CSV or XLSX)",
        error_messages={"required": "Select the file to import", "empty": "The selected file is empty"},
    )

    content: bytes
    rows: int

    def __init__(self, *args: Any, mappings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mapping"].queryset = mappings  # type: ignore[attr-defined]

    def clean_upload(self) -> Any:
        """The file, refused before it is parsed if it is too large, unreadable or has too many rows.

        ``content`` then holds its bytes and ``rows`` its number of data rows (an XLSX counted no
        further than the background threshold: enough to choose where the preview runs).
        """
        item = self.cleaned_data["upload"]
        if not item.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The file must be a CSV or XLSX file")
        try:
            uploads.check_size(item.name, item.size)
            self.content = item.read()
            if not self.content:
                raise uploads.Refused("The selected file is empty")
            self.rows = uploads.row_count(item.name, self.content, stop_at=settings.ONWARD_BACKGROUND_IMPORT_ROWS + 1)
        except uploads.Refused as error:
            raise forms.ValidationError(str(error)) from None
        return item

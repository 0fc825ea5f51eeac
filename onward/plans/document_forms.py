"""Forms for the spreadsheet import of a plan (into a new plan, or added to an existing one)."""

from __future__ import annotations

from typing import Any

from django import forms

from onward.core.forms import GovukForm
from onward.plans import interchange, schemes
from onward.plans.models import Plan, RatingScheme


class PlanUploadForm(GovukForm):
    """The file; once valid, ``rows`` holds its numbered rows for ``interchange.parse_rows``."""

    upload = forms.FileField(
        label="Spreadsheet (XLSX or CSV)",
        help_text="Use the template: one row per item. If any row is wrong, nothing is imported.",
        error_messages={"required": "Select the spreadsheet to import", "empty": "The selected file is empty"},
    )

    rows: list[tuple[int, list[str]]]

    def clean_upload(self) -> Any:
        upload = self.cleaned_data["upload"]
        if upload.size > interchange.MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 5 MB")
        try:
            self.rows = interchange.read_table(upload.name, upload.read())
        except interchange.UnreadableFile as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class NewPlanUploadForm(PlanUploadForm):
    title = forms.CharField(label="Title of the plan", max_length=200)
    kind = forms.ChoiceField(
        label="Kind of plan",
        choices=Plan.Kind.choices,
        widget=forms.RadioSelect,
        help_text="This decides the shape of its committee documents",
        error_messages={"required": "Select the kind of plan"},
    )
    owning_body = forms.CharField(
        label="Committee, board or panel the plan answers to",
        max_length=200,
        error_messages={"required": "Enter the committee, board or panel the plan answers to"},
    )
    rating_scheme = forms.ChoiceField(
        label="Rating scheme",
        choices=schemes.SCHEME_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the rating scheme"},
    )
    custom_scheme = forms.ModelChoiceField(
        label="The council's rating scheme",
        queryset=RatingScheme.objects.none(),
        required=False,
        help_text="Only if the rating scheme is one defined here",
    )

    field_order = ["title", "kind", "owning_body", "rating_scheme", "custom_scheme", "upload"]

    def __init__(self, *args: Any, custom_schemes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["custom_scheme"].queryset = custom_schemes  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rating_scheme") == schemes.CUSTOM and not data.get("custom_scheme"):
            self.add_error("custom_scheme", "Select the council's rating scheme to use")
        return data

    def scheme(self) -> schemes.Scheme:
        """The rating scheme the new plan will use, to check the file's ratings against."""
        if self.cleaned_data.get("rating_scheme") == schemes.CUSTOM and self.cleaned_data.get("custom_scheme"):
            custom: RatingScheme = self.cleaned_data["custom_scheme"]
            return custom.as_scheme()
        return schemes.BUILT_IN.get(self.cleaned_data.get("rating_scheme", ""), schemes.BUILT_IN[schemes.RAG])

    def plan_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "kind": data["kind"],
            "owning_body": data["owning_body"].strip(),
            "rating_scheme": data["rating_scheme"],
            "custom_scheme": data.get("custom_scheme") if data["rating_scheme"] == schemes.CUSTOM else None,
        }

"""Forms of the network pages (GOV.UK wording; every refusal is a message, nothing changes)."""

from __future__ import annotations

from typing import Any

from django import forms

from onward.core import uploads
from onward.core.concurrency import VersionField
from onward.core.forms import GovukDateField, GovukForm, soon, today
from onward.network.models import SHAREABLE_FIELDS, BenefitSpell, Setting


def _csv_upload(item: Any) -> tuple[str, bytes]:
    """A CSV upload through the upload checks (size, UTF-8 without NUL, rows), as its name and bytes."""
    if not item.name.lower().endswith(".csv"):
        raise forms.ValidationError("The file must be a CSV file")
    try:
        uploads.check_size(item.name, item.size)
        content = item.read()
        text = uploads.decode_text(item.name, content)
        if uploads.count_csv_rows(text) > uploads.max_rows():
            raise uploads.Refused(f"{item.name} has more than {uploads.max_rows():,} rows: split it into smaller files")
    except uploads.Refused as error:
        raise forms.ValidationError(str(error)) from None
    return item.name, content


class SettingForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the setting's name"})
    kind = forms.ChoiceField(label="Kind of setting", choices=Setting.Kind.choices, widget=forms.RadioSelect)
    urn = forms.CharField(
        label="URN (optional)", help_text="Schools and colleges: 6 or 7 digits", max_length=7, required=False
    )
    ukprn = forms.CharField(
        label="UKPRN (optional)",
        help_text="Colleges, universities and training providers: 8 digits",
        max_length=8,
        required=False,
    )
    postcode = forms.CharField(label="Postcode (optional)", max_length=8, required=False)
    contact_email = forms.EmailField(
        label="Contact email (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    organisation = forms.ModelChoiceField(
        queryset=Setting.objects.none(),
        label="Partner organisation (optional)",
        help_text="When the setting works with the council in Onward",
        required=False,
    )
    version = VersionField()

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class SettingsFileForm(GovukForm):
    upload = forms.FileField(
        label="Settings file (CSV)",
        help_text="Columns: name, kind, urn, ukprn, postcode",
        error_messages={"required": "Select the settings file"},
    )

    def clean_upload(self) -> tuple[str, bytes]:
        return _csv_upload(self.cleaned_data["upload"])


class SettingSpellForm(GovukForm):
    setting = forms.ModelChoiceField(
        queryset=Setting.objects.none(), label="Setting", error_messages={"required": "Select the setting"}
    )
    start = GovukDateField(name="date they joined", label="On roll from", latest=soon)
    end = GovukDateField(name="date they left", label="Left on (optional)", required=False)

    def __init__(self, *args: Any, settings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["setting"].queryset = settings  # type: ignore[attr-defined]


class AgreementForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the agreement's title"})
    partner = forms.ModelChoiceField(queryset=Setting.objects.none(), label="Partner organisation", required=False)
    setting = forms.ModelChoiceField(queryset=Setting.objects.none(), label="Setting", required=False)
    purpose = forms.CharField(
        label="Purpose", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Enter the purpose"}
    )
    shared_fields = forms.MultipleChoiceField(
        label="Fields that may be shared",
        choices=list(SHAREABLE_FIELDS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the fields the agreement allows to be shared"},
    )
    start = GovukDateField(name="start date", label="In force from")
    end = GovukDateField(name="end date", label="In force until")
    ended_on = GovukDateField(name="date it ended", label="Ended early on (optional)", required=False)
    version = VersionField()

    def __init__(self, *args: Any, partners: Any, settings: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]
        self.fields["setting"].queryset = settings  # type: ignore[attr-defined]
        if not editing:
            del self.fields["ended_on"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("partner") and not data.get("setting") and "partner" not in self.errors:
            self.add_error("partner", "Select the partner organisation or the setting the agreement is with (or both)")
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date must be the same as or after the start date")
        return data


class RollListForm(GovukForm):
    on_date = GovukDateField(name="date the list is for", label="Date the list is for", latest=today)
    upload = forms.FileField(
        label="The setting's on-roll list (CSV)",
        help_text="Columns: UPN (optional), given name, family name, date of birth (dd/mm/yyyy)",
        error_messages={"required": "Select the on-roll list"},
    )

    def clean_upload(self) -> tuple[str, bytes]:
        return _csv_upload(self.cleaned_data["upload"])


class WorkCoachForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the work coach's name"})
    jobcentre = forms.CharField(label="Jobcentre Plus office", max_length=200)
    phone = forms.CharField(label="Phone (optional)", max_length=30, required=False)
    email = forms.EmailField(
        label="Email (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    version = VersionField()


class BenefitForm(GovukForm):
    benefit = forms.ChoiceField(label="Benefit", choices=BenefitSpell.Benefit.choices)
    status = forms.ChoiceField(label="Status", choices=BenefitSpell.Status.choices)
    start = GovukDateField(name="date from", label="From", latest=soon)
    work_coach = forms.ModelChoiceField(queryset=Setting.objects.none(), label="Work coach (optional)", required=False)

    def __init__(self, *args: Any, coaches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["work_coach"].queryset = coaches  # type: ignore[attr-defined]


class SchoolYearsForm(GovukForm):
    years = forms.MultipleChoiceField(
        label="School years",
        choices=[(str(y), f"Year {y}") for y in range(1, 14)],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one school year"},
    )


CORRECTION_REASON = forms.CharField(
    label="Why are you correcting this record?",
    max_length=500,
    widget=forms.Textarea(attrs={"rows": 3}),
    error_messages={"required": "Enter the reason for the correction"},
)


class SettingCorrectionForm(SettingSpellForm):
    correction_reason = CORRECTION_REASON

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The date they left must be the same as or after the date they joined")
        return data


class BenefitCorrectionForm(BenefitForm):
    end = GovukDateField(name="date it ended", label="Until (optional)", required=False)
    correction_reason = CORRECTION_REASON

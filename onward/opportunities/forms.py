from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from onward.core.concurrency import NextStatusField, VersionField
from onward.core.forms import GovukDateField, GovukForm, today
from onward.opportunities.models import Application, Employer, Engagement, Opportunity, Support
from onward.people.models import YoungPerson


class EmployerForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the employer's name"})
    sector = forms.CharField(
        label="Sector",
        max_length=100,
        help_text="For example, logistics, health and care, or retail",
        error_messages={"required": "Enter the sector"},
    )
    location = forms.CharField(
        label="Where", max_length=200, error_messages={"required": "Enter where the employer is"}
    )
    status = forms.ChoiceField(
        label="Status",
        choices=Employer.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the status"},
    )
    is_council = forms.BooleanField(label="This is the council itself as an employer", required=False)
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField()


class EngagementForm(GovukForm):
    date = GovukDateField(name="date", label="Date")
    kind = forms.ChoiceField(
        label="What happened?",
        choices=Engagement.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened"},
    )
    summary = forms.CharField(
        label="Summary", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Enter a summary"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class EmployerContactForm(GovukForm):
    """A person to speak to at an employer. Field names start ``contact_`` as the page has two forms."""

    contact_name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the contact's name", "max_length": "Name must be 200 characters or fewer"},
    )
    contact_role = forms.CharField(
        label="Role (optional)",
        max_length=200,
        required=False,
        error_messages={"max_length": "Role must be 200 characters or fewer"},
    )
    contact_email = forms.EmailField(
        label="Email (optional)",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org",
            "max_length": "Email address must be 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    contact_phone = forms.CharField(
        label="Phone (optional)",
        max_length=30,
        required=False,
        error_messages={"max_length": "Phone number must be 30 characters or fewer"},
        widget=forms.TextInput(attrs={"type": "tel", "class": "govuk-input--width-20"}),
    )


class OpportunityForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    employer = forms.ModelChoiceField(
        label="Employer", queryset=Employer.objects.none(), error_messages={"required": "Select the employer"}
    )
    kind = forms.ChoiceField(
        label="Type", choices=Opportunity.Kind.choices, error_messages={"required": "Select the type"}
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    location = forms.CharField(
        label="Where", max_length=200, error_messages={"required": "Enter where the opportunity is"}
    )
    starts_on = GovukDateField(name="start date", label="Starts (optional)", required=False)
    ends_on = GovukDateField(name="end date", label="Ends (optional)", required=False)
    closing_on = GovukDateField(name="closing date", label="Closing date (optional)", required=False)
    places = forms.IntegerField(
        label="Number of places",
        min_value=1,
        initial=1,
        error_messages={"required": "Enter the number of places", "min_value": "There must be at least 1 place"},
    )
    min_age = forms.IntegerField(label="Youngest age", min_value=14, max_value=25, initial=16)
    max_age = forms.IntegerField(label="Oldest age", min_value=14, max_value=25, initial=25)
    care_experienced_only = forms.BooleanField(label="Ring-fenced for care-experienced young people", required=False)
    guaranteed_interview = forms.BooleanField(label="Guarantees an interview when the criteria are met", required=False)
    service_area = forms.CharField(
        label="Council service area (optional)",
        max_length=100,
        required=False,
        help_text="Only for an opportunity with the council itself: the service offering it, such as Highways",
    )
    version = VersionField()

    def __init__(self, *args: Any, employers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers  # type: ignore[attr-defined]


class OpportunityFilterForm(GovukForm):
    q = forms.CharField(label="Search", required=False, max_length=100)
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Any type"), *Opportunity.Kind.choices])
    open_only = forms.BooleanField(label="Only those still open", required=False, initial=True)


class PutForwardForm(GovukForm):
    person = forms.ModelChoiceField(
        label="Young person",
        queryset=YoungPerson.objects.none(),
        error_messages={"required": "Select the young person"},
    )
    consent_given = forms.BooleanField(
        label="The young person agrees that their name, age and application may be shared with the employer",
        required=False,
    )
    consent_given_on = GovukDateField(
        name="date they agreed", latest=today, label="When did they agree?", required=False
    )
    consent_method = forms.ChoiceField(
        label="How did they agree?",
        required=False,
        choices=[("in_person", "In person"), ("phone", "By phone or video"), ("written", "In writing")],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"consent_given_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["person"].label_from_instance = lambda p: f"{p.display_name} ({p.child_id})"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("consent_given"):
            self.add_error(
                "consent_given", "The young person must agree that their details may be shared with the employer"
            )
        if not data.get("consent_method"):
            self.add_error("consent_method", "Select how they agreed")
        return data


class ApplicationUpdateForm(GovukForm):
    to_status = NextStatusField(
        statuses=Application.Status.values,
        label="What has happened?",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what has happened"},
    )
    day = GovukDateField(name="date", label="Date (of the interview, offer, start or end)", required=False)
    reason = forms.CharField(label="Reason (needed if unsuccessful or withdrawn)", required=False, max_length=500)
    version = VersionField()

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["to_status"]
        field.choices = [(s, Application.Status(s).label) for s in Application.Status.values if s in allowed]


class CheckForm(GovukForm):
    checked_on = GovukDateField(name="date of the check", label="Date of the check")
    still_there = forms.TypedChoiceField(
        label="Are they still there?",
        coerce=lambda v: v == "yes",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they are still there"},
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=500)


class SupportForm(GovukForm):
    kind = forms.ChoiceField(
        label="Support given",
        choices=Support.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the support given"},
    )
    given_on = GovukDateField(name="date", label="Date")
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)


class PeriodForm(GovukForm):
    start = GovukDateField(name="start of the period", label="From")
    end = GovukDateField(name="end of the period", label="To")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end of the period must be the same as or after its start")
        return data


class ImpactForm(GovukForm):
    """Impact of a programme: the date to read it as at, and a date to compare starts before and after."""

    as_at = GovukDateField(name="date", label="As at (optional)", required=False, latest=today)
    before = GovukDateField(name="comparison date", label="Compare starts before and after (optional)", required=False)

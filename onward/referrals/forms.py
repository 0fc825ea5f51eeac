from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from onward.accounts.models import Organisation
from onward.core.concurrency import NextStatusField, VersionField
from onward.core.forms import GovukDateField, GovukForm, today
from onward.referrals.models import NEEDS, SHARED_FIELDS, Consent, Feedback, Referral, Send, Service


class ReferralForm(GovukForm):
    needs = forms.MultipleChoiceField(
        label="What do they need help with?",
        choices=NEEDS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one need"},
    )
    preferences = forms.CharField(
        label="What would they like to do? (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    barriers = forms.CharField(
        label="What gets in the way? (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    availability = forms.CharField(label="When are they available? (optional)", required=False, max_length=300)
    priority = forms.ChoiceField(
        label="Priority", choices=Referral.Priority.choices, widget=forms.RadioSelect, initial=Referral.Priority.NORMAL
    )
    given_by = forms.ChoiceField(
        label="Who gave consent?",
        choices=Consent.GivenBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who gave consent"},
    )
    given_on = GovukDateField(name="date consent was given", latest=today, label="When was consent given?")
    method = forms.ChoiceField(
        label="How was consent given?",
        choices=Consent.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how consent was given"},
    )
    organisations = forms.ModelMultipleChoiceField(
        label="Which organisations may receive the referral?",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the organisations the young person agreed may receive the referral"},
    )
    shared_fields = forms.MultipleChoiceField(
        label="What may be shared with them? (their name and age always are)",
        choices=SHARED_FIELDS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    purpose = forms.CharField(
        label="For what purpose?",
        max_length=300,
        initial="To find the right education, employment or training support",
        error_messages={"required": "Enter the purpose of sharing"},
    )
    expires_on = GovukDateField(
        name="date consent lasts until", label="Consent lasts until", help_text="Usually a year from now"
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        today = timezone.localdate()
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {"given_on": today, "expires_on": today + datetime.timedelta(days=365), **kwargs["initial"]}
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations  # type: ignore[attr-defined]


class TriageForm(GovukForm):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("refer", "Refer to services"), ("more_info", "Ask for more information"), ("decline", "Decline")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select a decision"},
    )
    services = forms.ModelMultipleChoiceField(
        label="Services to refer to",
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Suggested first: eligible, and meeting the young person's needs",
    )
    note = forms.CharField(
        label="Note (needed to ask for more information or to decline)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    priority = forms.ChoiceField(label="Priority", choices=Referral.Priority.choices, widget=forms.RadioSelect)
    override_reason = forms.CharField(
        label="Reason for sharing without covering consent (only if you must)",
        help_text="Needed only to send to an organisation the young person has not agreed may receive the "
        "referral. The reason is recorded and audited.",
        required=False,
        max_length=500,
    )
    version = VersionField()

    def __init__(
        self,
        *args: Any,
        services: Any,
        ranked: list[Any],
        needs: list[str],
        covered: set[int],
        can_override: bool = False,
        **kwargs: Any,
    ) -> None:
        """``covered``: the ids of the organisations the young person's consent covers today."""
        super().__init__(*args, **kwargs)
        if not can_override:
            del self.fields["override_reason"]  # only a consent override lead may send without consent
        field = self.fields["services"]
        field.queryset = services  # type: ignore[attr-defined]
        wanted = set(needs)

        def label(service: Any) -> str:
            met = len(wanted & set(service.needs_met or []))
            suffix = f" (meets {met} of their needs)" if met else ""
            consent = "Consent covers it" if service.provider_id in covered else "Not covered by their consent"
            return f"{service.name}, {service.provider.name}{suffix}. {consent}"

        field.choices = [(s.pk, label(s)) for s in ranked]  # type: ignore[attr-defined]


class SendUpdateForm(GovukForm):
    # Withdrawal is the council's (consent withdrawn), never a partner's move.
    to_status = NextStatusField(
        statuses=set(Send.Status.values) - {Send.Status.WITHDRAWN},
        label="What has happened?",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what has happened"},
    )
    day = GovukDateField(name="date", label="Date (for first contact, a start or an end)", required=False)
    reason = forms.CharField(
        label="Reason or note (needed to decline)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = VersionField()

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s, Send.Status(s).label) for s in Send.Status.values if s in allowed]  # type: ignore[attr-defined]


class OnwardForm(GovukForm):
    service = forms.ModelChoiceField(
        label="Refer on to", queryset=Service.objects.none(), error_messages={"required": "Select a service"}
    )
    current = forms.ChoiceField(
        label="Are they still on the current service?",
        choices=[],
        widget=forms.RadioSelect,
    )
    version = VersionField()

    def __init__(self, *args: Any, services: Any, current: Any, covered: set[int], **kwargs: Any) -> None:
        """``current`` is the send referred on from; ``covered`` the organisations the consent covers."""
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        field.queryset = services  # type: ignore[attr-defined]
        field.label_from_instance = lambda service: (  # type: ignore[attr-defined]
            f"{service.name}, {service.provider.name}"
            + ("" if service.provider_id in covered else " (not covered by their consent)")
        )
        still = self.fields["current"]
        name = current.service.name
        still.label = f"Are they still on {name}?"
        still.choices = [  # type: ignore[attr-defined]
            ("continues", f"Yes, they are still on {name}: keep it open"),
            ("ended", f"No, they have moved on from {name}: end it today"),
        ]
        still.error_messages["required"] = f"Select whether they are still on {name}"


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="How did the young person withdraw consent?",
        max_length=300,
        error_messages={"required": "Enter how the young person withdrew consent"},
    )


class ConfirmStartForm(GovukForm):
    activity = forms.ChoiceField(
        label="What did they start?",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what they started"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from onward.core import codelists

        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [c for c in codelists.EETActivity.choices if c[0] in codelists.EET_ACTIVITIES]  # type: ignore[attr-defined]


class ServiceForm(GovukForm):
    name = forms.CharField(
        label="Name of the service", max_length=200, error_messages={"required": "Enter the name of the service"}
    )
    kind = forms.ChoiceField(
        label="Type", choices=Service.Kind.choices, error_messages={"required": "Select the type of service"}
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    min_age = forms.IntegerField(
        label="Youngest age",
        min_value=14,
        max_value=25,
        initial=16,
        error_messages={
            "required": "Enter the youngest age",
            "min_value": "The youngest age must be 14 or more",
            "max_value": "The youngest age must be 25 or less",
        },
    )
    max_age = forms.IntegerField(
        label="Oldest age",
        min_value=14,
        max_value=25,
        initial=25,
        error_messages={
            "required": "Enter the oldest age",
            "min_value": "The oldest age must be 14 or more",
            "max_value": "The oldest age must be 25 or less",
        },
    )
    care_leavers_only = forms.BooleanField(label="Only for care leavers", required=False)
    needs_met = forms.MultipleChoiceField(
        label="Needs it meets", choices=NEEDS, widget=forms.CheckboxSelectMultiple, required=False
    )
    send_suitable = forms.BooleanField(label="Suitable for young people with SEND", required=False)
    area = forms.CharField(
        label="Where it runs", max_length=200, error_messages={"required": "Enter where the service runs"}
    )
    capacity = forms.IntegerField(label="Places at a time (optional)", required=False, min_value=0)
    typical_wait_days = forms.IntegerField(label="Typical wait in days (optional)", required=False, min_value=0)
    contact_name = forms.CharField(label="Contact name (optional)", max_length=200, required=False)
    contact_email = forms.EmailField(
        label="Contact email (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )
    contact_phone = forms.CharField(label="Contact phone (optional)", max_length=30, required=False)
    active_from = GovukDateField(name="date it starts", label="Available from")
    active_to = GovukDateField(name="date it ends", label="Available until (optional)", required=False)
    provider = forms.ModelChoiceField(label="Provider", queryset=Organisation.objects.none(), empty_label=None)
    version = VersionField()

    def __init__(self, *args: Any, providers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]


class DirectoryFilterForm(GovukForm):
    q = forms.CharField(label="Search", required=False, max_length=100)
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Any type"), *Service.Kind.choices])
    need = forms.ChoiceField(label="Meets the need", required=False, choices=[("", "Any need"), *NEEDS])
    age = forms.IntegerField(
        label="Age of the young person",
        required=False,
        min_value=14,
        max_value=25,
        error_messages={
            "min_value": "Enter an age from 14 to 25",
            "max_value": "Enter an age from 14 to 25",
            "invalid": "Enter an age from 14 to 25",
        },
    )
    send_suitable = forms.BooleanField(label="Suitable for SEND", required=False)


class FeedbackForm(GovukForm):
    service = forms.ModelChoiceField(
        label="Which service?", queryset=Service.objects.none(), error_messages={"required": "Select the service"}
    )
    rating = forms.TypedChoiceField(
        label="How did they rate it?",
        coerce=int,
        choices=[(v, label) for v, label in reversed(Feedback.Rating.choices)],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they rated it"},
    )
    comment = forms.CharField(
        label="What did they say? (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    given_on = GovukDateField(name="date", label="When did they say it?")

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"given_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]


class PartnerListForm(GovukForm):
    council = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Which council's referrals does your list answer?",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the council whose referrals this list answers"},
    )
    upload = forms.FileField(
        label="Your list (CSV)",
        help_text="Columns: name, date of birth (dd/mm/yyyy) and status (on roll or left)",
        error_messages={"required": "Select your list"},
    )

    def __init__(self, *args: Any, councils: Any, **kwargs: Any) -> None:
        """``councils``: the councils that have referred young people to the partner; asked only if several."""
        super().__init__(*args, **kwargs)
        if len(councils) > 1:
            self.fields["council"].queryset = councils  # type: ignore[attr-defined]
        else:
            del self.fields["council"]

    def clean_upload(self) -> Any:
        item = self.cleaned_data["upload"]
        if not item.name.lower().endswith(".csv"):
            raise forms.ValidationError("The file must be a CSV file")
        if item.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file must be smaller than 5 MB")
        return item


class NoteForm(GovukForm):
    note = forms.CharField(
        label="Progress note",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the progress note"},
    )


class MonitoringFilterForm(GovukForm):
    """Referral monitoring's period: referrals made from ``start`` to ``end`` (either may be left empty)."""

    start = GovukDateField(name="start date", label="From (optional)", required=False, latest=today)
    end = GovukDateField(name="end date", label="To (optional)", required=False, latest=today)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date must be the same as or after the start date")
        return data


class ImpactForm(GovukForm):
    """Impact of a service: the date to read it as at, and a date to compare those who started before it
    with those who started on or after it (both optional)."""

    as_at = GovukDateField(name="date", label="As at (optional)", required=False, latest=today)
    before = GovukDateField(name="comparison date", label="Compare starts before and after (optional)", required=False)


class NeedsGapForm(GovukForm):
    """Needs against provision: the referrals made from ``start`` to ``end`` (either may be left empty)."""

    start = GovukDateField(name="start date", label="Referrals made from (optional)", required=False, latest=today)
    end = GovukDateField(name="end date", label="To (optional)", required=False, latest=today)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date must be the same as or after the start date")
        return data

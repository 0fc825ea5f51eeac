"""Forms of the data protection pages (GOV.UK wording; bad input changes nothing)."""

from __future__ import annotations

from typing import Any

from django import forms

from onward.accounts.permissions import ROLES
from onward.core.forms import GovukDateField, GovukForm, today
from onward.people.forms import ContactForm, CorrectionForm, PersonForm
from onward.privacy.models import SubjectAccessRequest


class ChildIdField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label="Child identifier",
            max_length=20,
            help_text="The young person's SSDA903 child identifier, as on their record",
            error_messages={"required": "Enter the young person's child identifier"},
            **kwargs,
        )


class RequestForm(GovukForm):
    child_id = ChildIdField()
    via = forms.ChoiceField(
        label="How was the request made?",
        choices=SubjectAccessRequest.Via.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how the request was made",
            "invalid_choice": "Select how the request was made",
        },
    )
    requester_name = forms.CharField(
        label="Name of the person asking for them (if not the young person)", required=False, max_length=200
    )
    received_on = GovukDateField(name="date received", latest=today, label="Date received")


class ReviewForm(GovukForm):
    """Which of the marked values to redact; built from the request's flags."""

    def __init__(self, *args: Any, flags: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["redact"] = forms.MultipleChoiceField(
            label="Values to redact",
            required=False,
            choices=[(flag["id"], f"{flag['reason']}: {flag['value']}") for flag in flags],
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": "Select only values marked for review"},
        )


ROLE_CHOICES = [(role.key, role.name) for role in ROLES if not role.for_partners]


class RestrictionForm(GovukForm):
    child_id = ChildIdField()
    reason = forms.CharField(
        label="Reason for the restriction",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the young person contests the accuracy of their record",
    )
    allowed_roles = forms.MultipleChoiceField(
        label="Roles that may still see the record",
        required=False,
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Everyone else, in every role, is refused the record. Leave all unticked to hide it from everyone.",
        error_messages={"invalid_choice": "Select roles from the list"},
    )


class ReasonForm(GovukForm):
    reason = forms.CharField(label="Reason", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class HoldForm(GovukForm):
    child_id = ChildIdField()
    reason = forms.CharField(
        label="Reason for the legal hold",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, a claim or an inquiry that needs the record kept",
    )


# Rectification --------------------------------------------------------------------------------------


class CorrectionRequestForm(GovukForm):
    child_id = ChildIdField()
    text = forms.CharField(
        label="What does the young person say is wrong?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what the young person says is wrong"},
    )
    via = forms.ChoiceField(
        label="How was the request made?",
        choices=[c for c in SubjectAccessRequest.Via.choices if c[0] != SubjectAccessRequest.Via.PORTAL],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how the request was made",
            "invalid_choice": "Select how the request was made",
        },
    )
    received_on = GovukDateField(name="date received", latest=today, label="Date received")


class CorrectionReasonField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label="Why are you correcting the record?",
            max_length=500,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="The young person can see this answer. The record as it was is kept, with your reason.",
            error_messages={"required": "Enter why the record is being corrected"},
            **kwargs,
        )


class PersonCorrectionForm(PersonForm):
    reason = CorrectionReasonField()


class ContactCorrectionForm(ContactForm, CorrectionForm):
    pass


class DeclineForm(GovukForm):
    reason = forms.CharField(
        label="Why is the record not being corrected?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The young person sees this answer in their own service",
        error_messages={"required": "Enter why the record is not being corrected"},
    )

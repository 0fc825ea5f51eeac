"""Forms for the supporters' pages, with GOV.UK error wording."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from onward.accounts.models import User
from onward.core import codelists
from onward.core.concurrency import VersionField
from onward.core.forms import GovukDateField, GovukForm, today
from onward.people.models import AccommodationSpell
from onward.supporters.models import (
    AccommodationProvider,
    Carer,
    Mentor,
    MoveOnPlan,
    ProviderRating,
    TrainingCourse,
    TrainingRecord,
    TransitionReferral,
)


class MentorForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the mentor's name", "max_length": "Name must be 200 characters or fewer"},
    )
    kind = forms.ChoiceField(
        label="Kind of mentor",
        choices=Mentor.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of mentor"},
    )
    organisation_name = forms.CharField(
        label="Employer or organisation (optional)",
        max_length=200,
        required=False,
        help_text="Needed for an employer mentor",
        error_messages={"max_length": "Employer or organisation must be 200 characters or fewer"},
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    phone = forms.CharField(
        label="Phone (optional)",
        max_length=30,
        required=False,
        error_messages={"max_length": "Phone must be 30 characters or fewer"},
    )
    dbs_checked_on = GovukDateField(
        name="DBS check date", required=False, latest=today, label="DBS check date (optional)"
    )
    dbs_reference = forms.CharField(
        label="DBS certificate number (optional)",
        max_length=20,
        required=False,
        error_messages={"max_length": "DBS certificate number must be 20 characters or fewer"},
    )
    references_checked_on = GovukDateField(
        name="date references were checked", required=False, latest=today, label="References checked (optional)"
    )
    trained_on = GovukDateField(
        name="training date", required=False, latest=today, label="Mentor training completed (optional)"
    )
    active = forms.BooleanField(label="Active: still mentoring", required=False)
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField()


class MatchForm(GovukForm):
    mentor = forms.ModelChoiceField(
        label="Mentor",
        queryset=Mentor.objects.none(),
        empty_label=None,
        error_messages={"required": "Select a mentor", "invalid_choice": "Select a mentor from the list"},
    )
    start = GovukDateField(name="start date", latest=today, label="Start date")
    goals = forms.CharField(
        label="What the mentoring is for (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, mentors: QuerySet[Mentor], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"start": today()})
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors  # type: ignore[attr-defined]


class MeetingForm(GovukForm):
    held_on = GovukDateField(name="meeting date", latest=today, label="Date of the meeting")
    minutes = forms.IntegerField(
        label="Length in minutes (optional)",
        required=False,
        min_value=1,
        max_value=1440,
        error_messages={
            "invalid": "Length must be a whole number of minutes",
            "min_value": "Length must be 1 minute or more",
            "max_value": "Length must be 1440 minutes or fewer",
        },
    )
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"held_on": today()})
        super().__init__(*args, **kwargs)


class MatchEndForm(GovukForm):
    end = GovukDateField(name="end date", latest=today, label="End date")
    reason = forms.CharField(
        label="Why it ended (optional)",
        max_length=300,
        required=False,
        error_messages={"max_length": "Reason must be 300 characters or fewer"},
    )
    version = VersionField()


class CarerForm(GovukForm):
    kind = forms.ChoiceField(
        label="Who they are",
        choices=Carer.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who they are"},
    )
    name = forms.CharField(
        label="Carer or home",
        max_length=200,
        help_text="The foster carers' names, or the name of the home",
        error_messages={
            "required": "Enter the carers' names or the name of the home",
            "max_length": "Carer or home must be 200 characters or fewer",
        },
    )
    named_contact = forms.CharField(
        label="Named contact",
        max_length=200,
        help_text="The person to speak to, for example the young person's key worker",
        error_messages={
            "required": "Enter the named contact",
            "max_length": "Named contact must be 200 characters or fewer",
        },
    )
    phone = forms.CharField(
        label="Phone (optional)",
        max_length=30,
        required=False,
        error_messages={"max_length": "Phone must be 30 characters or fewer"},
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    start = GovukDateField(name="start date", latest=today, label="Start date")
    end = GovukDateField(name="end date", required=False, latest=today, label="End date (optional)")
    invite_to_reviews = forms.BooleanField(label="Invite them to pathway plan reviews", required=False)
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"start": today(), "invite_to_reviews": True})
        super().__init__(*args, **kwargs)


class TrainingForm(GovukForm):
    course = forms.ModelChoiceField(
        label="Course",
        queryset=TrainingCourse.objects.none(),
        required=False,
        empty_label="A new course (enter its name below)",
        error_messages={"invalid_choice": "Select a course from the list"},
    )
    new_course = forms.CharField(
        label="Name of a new course (optional)",
        max_length=200,
        required=False,
        error_messages={"max_length": "Course name must be 200 characters or fewer"},
    )
    attendee_kind = forms.ChoiceField(
        label="Who completed it",
        choices=TrainingRecord.Attendee.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who completed the course"},
    )
    staff = forms.ModelChoiceField(
        label="Onward user (for council or partner staff)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not an Onward user",
        error_messages={"invalid_choice": "Select a user from the list"},
    )
    attendee_name = forms.CharField(
        label="Name (for anyone who is not an Onward user)",
        max_length=200,
        required=False,
        error_messages={"max_length": "Name must be 200 characters or fewer"},
    )
    attendee_organisation = forms.CharField(
        label="Their organisation (optional)",
        max_length=200,
        required=False,
        error_messages={"max_length": "Organisation must be 200 characters or fewer"},
    )
    completed_on = GovukDateField(name="date completed", latest=today, label="Date completed")

    def __init__(self, *args: Any, courses: QuerySet[TrainingCourse], staff: QuerySet[User], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"completed_on": today()})
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]
        self.fields["staff"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: f"{u.full_name}, {u.organisation.name}"
        )


class PeriodForm(GovukForm):
    start = GovukDateField(name="start of the period", label="From")
    end = GovukDateField(name="end of the period", label="To")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end of the period must be the same as or after its start")
        return data


class ProviderForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the provider's name", "max_length": "Name must be 200 characters or fewer"},
    )
    kind = forms.ChoiceField(
        label="Type",
        choices=AccommodationProvider.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of provider"},
    )
    area = forms.CharField(
        label="Area (optional)",
        max_length=200,
        required=False,
        error_messages={"max_length": "Area must be 200 characters or fewer"},
    )
    units = forms.IntegerField(
        label="Number of units",
        min_value=0,
        max_value=100000,
        error_messages={
            "required": "Enter the number of units",
            "invalid": "Number of units must be a whole number",
            "min_value": "Number of units must be 0 or more",
            "max_value": "Number of units must be 100000 or fewer",
        },
    )
    contact_name = forms.CharField(
        label="Contact name (optional)",
        max_length=200,
        required=False,
        error_messages={"max_length": "Contact name must be 200 characters or fewer"},
    )
    phone = forms.CharField(
        label="Phone (optional)",
        max_length=30,
        required=False,
        error_messages={"max_length": "Phone must be 30 characters or fewer"},
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    active = forms.BooleanField(label="Active: takes young people", required=False)
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField()


class SpellProviderForm(GovukForm):
    spell = forms.ModelChoiceField(
        label="Accommodation record",
        queryset=AccommodationSpell.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Select the accommodation record",
            "invalid_choice": "Select a record from the list",
        },
    )
    provider = forms.ModelChoiceField(
        label="Provider",
        queryset=AccommodationProvider.objects.none(),
        required=False,
        empty_label="No provider on the register",
        error_messages={"invalid_choice": "Select a provider from the list"},
    )

    def __init__(
        self,
        *args: Any,
        spells: QuerySet[AccommodationSpell],
        providers: QuerySet[AccommodationProvider],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["spell"].queryset = spells  # type: ignore[attr-defined]
        self.fields["spell"].label_from_instance = lambda s: (  # type: ignore[attr-defined]
            f"{s.get_accommodation_type_display()}, from {s.start:%-d %B %Y}"
        )
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]


class RatingForm(GovukForm):
    rating_provider = forms.ModelChoiceField(
        label="Provider",
        queryset=AccommodationProvider.objects.none(),
        empty_label=None,
        error_messages={"required": "Select the provider", "invalid_choice": "Select a provider from the list"},
    )
    score = forms.TypedChoiceField(
        label="The young person's rating",
        choices=ProviderRating.Score.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the young person's rating"},
    )
    comment = forms.CharField(
        label="What they said (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rated_on = GovukDateField(name="date of the rating", latest=today, label="Date")

    def __init__(self, *args: Any, providers: QuerySet[AccommodationProvider], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"rated_on": today()})
        super().__init__(*args, **kwargs)
        self.fields["rating_provider"].queryset = providers  # type: ignore[attr-defined]


class MoveOnForm(GovukForm):
    planned_type = forms.ChoiceField(
        label="Planned accommodation",
        choices=codelists.AccommodationType.choices,
        error_messages={"required": "Select the planned accommodation"},
    )
    planned_provider = forms.ModelChoiceField(
        label="Provider (optional)",
        queryset=AccommodationProvider.objects.none(),
        required=False,
        empty_label="Not known or not on the register",
        error_messages={"invalid_choice": "Select a provider from the list"},
    )
    planned_on = GovukDateField(name="planned move date", label="Planned move date")
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField()

    def __init__(self, *args: Any, providers: QuerySet[AccommodationProvider], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["planned_provider"].queryset = providers  # type: ignore[attr-defined]


class MoveOnUpdateForm(MoveOnForm):
    status = forms.ChoiceField(
        label="Status",
        choices=MoveOnPlan.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the status"},
    )


class WeeksForm(GovukForm):
    weeks = forms.IntegerField(
        label="Weeks ahead",
        min_value=1,
        max_value=52,
        error_messages={
            "required": "Enter the number of weeks",
            "invalid": "Weeks ahead must be a whole number",
            "min_value": "Weeks ahead must be 1 or more",
            "max_value": "Weeks ahead must be 52 or fewer",
        },
    )


class EHCPlanForm(GovukForm):
    issued_on = GovukDateField(name="date issued", latest=today, label="Date issued")
    reviewed_on = GovukDateField(
        name="date of the last annual review", required=False, latest=today, label="Last annual review (optional)"
    )
    ceases_on = GovukDateField(name="date it ceases", required=False, label="Date it ceased or is to cease (optional)")
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField()


class TransitionForm(GovukForm):
    needs = forms.CharField(
        label="Additional needs",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the additional needs identified"},
    )
    identified_on = GovukDateField(name="date needs were identified", latest=today, label="Date identified")
    referred_on = GovukDateField(
        name="date of the referral", required=False, latest=today, label="Referred to adult transitions on (optional)"
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=TransitionReferral.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the referral is"},
    )
    decided_on = GovukDateField(
        name="date of the decision", required=False, latest=today, label="Date of the decision (optional)"
    )
    decision_note = forms.CharField(
        label="About the decision (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"identified_on": today(), "decision": TransitionReferral.Decision.NOT_REFERRED})
        super().__init__(*args, **kwargs)


class InForceOnForm(GovukForm):
    """The date the list of children in care and care leavers with an EHC plan in force is read on."""

    on = GovukDateField(name="date", label="On (optional: today if left empty)", required=False, latest=today)

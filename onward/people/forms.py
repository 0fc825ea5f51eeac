"""Forms for the cohort register, in GOV.UK style. Validation of the history itself lives in services."""

from __future__ import annotations

from typing import Any

from django import forms

from onward.accounts.models import Team, User
from onward.core import codelists
from onward.core.concurrency import VersionField
from onward.core.forms import ColumnsChoiceField, GovukDateField, GovukForm, soon, today
from onward.people import selectors
from onward.people.categories import CATEGORY_LABELS, Category
from onward.people.models import (
    PASSPORT_TO_INDEPENDENCE,
    PEP,
    AccommodationSpell,
    Allocation,
    CaseClosure,
    Contact,
    EETSpell,
    GuidanceAppointment,
    HEApplication,
    IntendedDestination,
    PathwayPlanAudit,
    Sector,
    SupportRequest,
    YoungPerson,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


def yes_no(label: str, *, message: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": message},
    )


def radios(label: str, choices: Any, *, message: str, required: bool = True, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        help_text=help_text,
        error_messages={"required": message, "invalid_choice": message},
    )


class CaseloadFilterForm(GovukForm):
    q = forms.CharField(label="Name or child identifier", required=False, max_length=100)
    age_band = forms.ChoiceField(
        label="Age", required=False, choices=[("", "Any age"), *selectors.AGE_BAND_LABELS.items()]
    )
    category = forms.ChoiceField(
        label="Category",
        required=False,
        choices=[("", "Any category except not a care leaver")]
        + [
            (c.value, CATEGORY_LABELS[c])
            for c in Category
            if c not in (Category.DIED, Category.TRANSFERRED, Category.ADOPTED)
        ],
    )
    status = forms.ChoiceField(
        label="EET status",
        required=False,
        choices=[
            ("", "Any status"),
            ("eet", "In education, employment or training"),
            ("neet", "Not in education, employment or training"),
            ("not_known", "Not known"),
        ],
    )
    team = ColumnsChoiceField(
        label="Team", required=False, queryset=Team.objects.none(), empty_label="Any team", label_columns=("name",)
    )
    worker = ColumnsChoiceField(
        label="Personal adviser",
        required=False,
        queryset=User.objects.none(),
        empty_label="Any personal adviser",
        label_columns=("given_name", "family_name"),
    )
    plan_overdue = forms.BooleanField(label="Pathway plan overdue", required=False)
    not_in_touch = forms.BooleanField(label="Not in touch", required=False)
    send = forms.BooleanField(label="SEND", required=False)
    ehcp = forms.BooleanField(label="EHC plan", required=False)
    uasc = forms.BooleanField(label="UASC", required=False)
    out_of_area = forms.BooleanField(label="Living out of area", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("name", "Name (A to Z)"),
            ("-name", "Name (Z to A)"),
            ("age", "Youngest first"),
            ("-age", "Oldest first"),
            ("plan_due", "Pathway plan due soonest"),
            ("last_contact", "Longest since contact"),
        ],
    )

    def __init__(self, *args: Any, teams: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["worker"].queryset = workers  # type: ignore[attr-defined]


class PersonForm(GovukForm):
    child_id = forms.CharField(
        label="Child identifier",
        max_length=20,
        help_text="The council's SSDA903 child identifier",
        error_messages={"required": "Enter the child identifier"},
    )
    legal_given_name = forms.CharField(
        label="Legal given name", max_length=100, error_messages={"required": "Enter the legal given name"}
    )
    legal_family_name = forms.CharField(
        label="Legal family name", max_length=100, error_messages={"required": "Enter the legal family name"}
    )
    preferred_name = forms.CharField(label="Preferred name (optional)", max_length=100, required=False)
    date_of_birth = GovukDateField(
        name="date of birth", latest=today, label="Date of birth", help_text="For example, 27 3 2007"
    )
    sex = radios("Sex", codelists.Sex.choices, message="Select the young person's sex")
    ethnicity = forms.ChoiceField(
        label="Ethnicity", choices=codelists.Ethnicity.choices, error_messages={"required": "Select the ethnicity"}
    )
    upn = forms.RegexField(
        label="Unique pupil number (optional)",
        required=False,
        max_length=13,
        regex=r"^([A-HJ-NP-RT-Z]\d{12}|\d{11}[A-Z]|UN[1-5])$",
        error_messages={"invalid": "Enter a unique pupil number of 13 characters, like A123456789012"},
    )
    uasc = yes_no(
        "Unaccompanied asylum-seeking child?",
        message="Select yes if the young person is an unaccompanied asylum-seeking child",
    )
    send = yes_no(
        "Special educational needs or disability?",
        message="Select yes if the young person has special educational needs or a disability",
        help_text='Record an education, health and care plan with its dates from "Mentors, carers and plans" '
        "on the young person's page.",
    )
    is_parent = yes_no("Parent?", message="Select yes if the young person is a parent")
    is_pregnant = yes_no("Pregnant?", message="Select yes if the young person is pregnant")
    child_born_on = GovukDateField(
        name="date of birth of their first child",
        latest=today,
        label="Date of birth of their first child (if a mother)",
        required=False,
    )
    lives_out_of_area = yes_no(
        "Living outside the council's area?", message="Select yes if the young person lives outside the council's area"
    )
    out_of_area_location = forms.CharField(
        label="Where, if outside the area (optional)", max_length=200, required=False
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "tel"}),
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )
    address = forms.CharField(label="Address (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    communication_preferences = forms.MultipleChoiceField(
        label="How they prefer to be contacted (optional)",
        required=False,
        choices=YoungPerson.CommunicationPreference.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    version = VersionField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("lives_out_of_area") and not data.get("out_of_area_location"):
            self.add_error("out_of_area_location", "Enter where the young person lives")
        return data


class EETForm(GovukForm):
    def __init__(self, *args: Any, settings: Any = None, **kwargs: Any) -> None:
        """``settings``: the council's schools, colleges and providers the spell may name (the field is left
        out without them)."""
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {"part_time": "no", "source": codelists.ActivitySource.WORKER.value, **kwargs["initial"]}
        super().__init__(*args, **kwargs)
        if settings is None:
            del self.fields["setting"]
        else:
            self.fields["setting"].queryset = settings  # type: ignore[attr-defined]

    activity = radios(
        "What are they doing?", codelists.EETActivity.choices, message="Select what the young person is doing"
    )
    part_time = yes_no(
        "Is it part time?",
        message="Select yes if it is part time",
        help_text="For education, training, apprenticeships and self-employment. Employment says so in its choice.",
    )
    provider = forms.CharField(label="Provider or employer (optional)", max_length=200, required=False)
    setting = forms.ModelChoiceField(
        queryset=YoungPerson.objects.none(),
        label="School, college or training provider (optional)",
        help_text="From the council's register of settings",
        required=False,
    )
    hours_per_week = forms.IntegerField(
        label="Hours a week (optional)",
        required=False,
        min_value=1,
        max_value=80,
        error_messages={
            "min_value": "Hours a week must be between 1 and 80",
            "max_value": "Hours a week must be between 1 and 80",
            "invalid": "Hours a week must be a number, like 16",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )
    start = GovukDateField(name="start date", latest=soon, label="Start date", help_text="For example, 1 9 2026")
    end = GovukDateField(
        name="end date", label="End date (optional)", required=False, help_text="When it ended or is planned to end"
    )
    source = radios("Who told us?", codelists.ActivitySource.choices, message="Select who told us")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date must be the same as or after the start date")
        return data


class EETEndForm(GovukForm):
    """How an activity ended, and any qualification gained (``people.services.eet_end`` checks the rest)."""

    end = GovukDateField(name="end date", latest=today, label="When did it end?", help_text="For example, 31 7 2026")
    outcome = radios("How did it end?", EETSpell.Outcome.choices, message="Select how the activity ended")
    qualification_level = forms.ChoiceField(
        label="Qualification level (optional)",
        help_text="On the Regulated Qualifications Framework: GCSEs at grade 4 or above are level 2, A levels level 3",
        choices=[("", "No qualification"), *EETSpell.QualificationLevel.choices],
        required=False,
    )
    qualification_subject = forms.CharField(label="Subject (optional)", max_length=200, required=False)
    qualification_date = GovukDateField(
        name="date the qualification was gained",
        latest=today,
        label="Date the qualification was gained (optional)",
        required=False,
    )


class CorrectionForm(GovukForm):
    correction_reason = forms.CharField(
        label="Why are you correcting this record?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the correction"},
    )


class EETCorrectionForm(EETForm, CorrectionForm):
    pass


class AccommodationForm(GovukForm):
    accommodation_type = radios(
        "Where are they living?", codelists.AccommodationType.choices, message="Select where the young person is living"
    )
    suitability = radios(
        "Is the accommodation suitable?",
        AccommodationSpell.Suitability.choices,
        message="Select whether the accommodation is suitable",
        help_text="As defined in regulation 9(2) of the Care Leavers (England) Regulations 2010",
    )
    address = forms.CharField(label="Address (optional)", max_length=300, required=False)
    start = GovukDateField(name="start date", latest=soon, label="Since")
    end = GovukDateField(name="end date", label="Until (optional)", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("accommodation_type") in codelists.ALWAYS_UNSUITABLE
            and data.get("suitability") == AccommodationSpell.Suitability.SUITABLE
        ):
            self.add_error("suitability", "Custody and no fixed abode are always recorded as not suitable")
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date must be the same as or after the start date")
        return data


class AccommodationCorrectionForm(AccommodationForm, CorrectionForm):
    pass


class ContactForm(GovukForm):
    date = GovukDateField(name="date of contact", latest=today, label="Date of contact")
    method = radios("How?", Contact.Method.choices, message="Select how the contact happened")
    in_touch = radios(
        "Is the council in touch with them?",
        codelists.InTouch.choices,
        message="Select whether the council is in touch",
    )
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PathwayReviewForm(GovukForm):
    date = GovukDateField(name="date of the review", label="Date of the review")
    next_due = GovukDateField(
        name="date the next review is due",
        label="Next review due (optional)",
        required=False,
        help_text="At most 6 months after this review; leave blank for 6 months",
    )
    passport = forms.MultipleChoiceField(
        label="Passport to independence: skills in place",
        required=False,
        choices=PASSPORT_TO_INDEPENDENCE,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(label="Summary (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class PEPForm(GovukForm):
    date = GovukDateField(name="date of the PEP meeting", label="Date of the PEP meeting")
    school_year = forms.TypedChoiceField(
        label="School year",
        coerce=int,
        choices=[(y, f"Year {y}") for y in range(1, 14)],
        initial=12,
        error_messages={"required": "Select the school year"},
    )
    social_worker_attended = yes_no("Did the social worker attend?", message="Select yes if the social worker attended")
    quality = radios("Quality of the PEP", PEP.Quality.choices, message="Select the quality of the PEP")


class AspirationForm(GovukForm):
    date = GovukDateField(name="date", label="Date")
    school_year = forms.TypedChoiceField(
        label="School year", coerce=int, choices=[(y, f"Year {y}") for y in range(7, 14)], initial=9
    )
    aspiration = forms.CharField(
        label="What do they hope to do?",
        max_length=300,
        error_messages={"required": "Enter what the young person hopes to do"},
    )
    sector = forms.ChoiceField(
        label="Sector (optional)",
        required=False,
        choices=[("", "Not recorded"), *Sector.choices],
        help_text="The sector the hope leads to, so aspirations can be analysed by sector",
        error_messages={"invalid_choice": "Select a sector from the list"},
    )


class DestinationForm(GovukForm):
    date = GovukDateField(name="date", label="Date")
    school_year = forms.TypedChoiceField(label="School year", coerce=int, choices=[(11, "Year 11"), (12, "Year 12")])
    destination = radios(
        "Intended destination",
        [c for c in codelists.EETActivity.choices if c[0] in codelists.EET_ACTIVITIES]
        + [(codelists.EETActivity.NOT_KNOWN.value, "Not decided")],
        message="Select the intended destination",
    )
    provider = forms.CharField(label="Provider (optional)", max_length=200, required=False)
    september_guarantee = radios(
        "September Guarantee offer", IntendedDestination.Offer.choices, message="Select whether an offer has been made"
    )
    offer_provider = forms.CharField(label="Who made the offer (optional)", max_length=200, required=False)
    sector = forms.ChoiceField(
        label="Sector (optional)",
        required=False,
        choices=[("", "Not recorded"), *Sector.choices],
        help_text="The sector of the course, training or job, to check it against the young person's aspiration",
        error_messages={"invalid_choice": "Select a sector from the list"},
    )


class EpisodeForm(GovukForm):
    start = GovukDateField(name="date the episode started", label="Date the episode started")
    reason_new_episode = forms.ChoiceField(label="Reason for new episode", choices=codelists.ReasonNewEpisode.choices)
    legal_status = forms.ChoiceField(label="Legal status", choices=codelists.LegalStatus.choices)
    category_of_need = forms.ChoiceField(
        label="Category of need (optional)",
        required=False,
        choices=[("", "Not recorded"), *codelists.CategoryOfNeed.choices],
    )
    placement_type = forms.ChoiceField(label="Placement type", choices=codelists.PlacementType.choices)
    placement_provider = forms.ChoiceField(
        label="Placement provider (optional)",
        required=False,
        choices=[("", "Not recorded"), *codelists.PlacementProvider.choices],
    )
    reason_place_change = forms.ChoiceField(
        label="Reason the placement changed (if this episode ended in a change of placement)",
        required=False,
        choices=[("", "Not ended by a change of placement"), *codelists.ReasonPlaceChange.choices],
    )
    home_postcode = forms.CharField(label="Home postcode (optional)", max_length=8, required=False)
    placement_postcode = forms.CharField(label="Placement postcode (optional)", max_length=8, required=False)
    urn = forms.CharField(label="Ofsted URN of the placement (optional)", max_length=8, required=False)
    end = GovukDateField(name="date the episode ceased", label="Date the episode ceased (optional)", required=False)
    reason_ceased = forms.ChoiceField(
        label="Reason the episode ceased (optional)",
        required=False,
        choices=[("", "Still open"), *codelists.ReasonEpisodeCeased.choices],
    )


class AllocationForm(GovukForm):
    role = radios("Role", Allocation.Role.choices, message="Select the role")
    worker = forms.ModelChoiceField(
        label="Worker", required=False, queryset=User.objects.none(), empty_label="Someone who does not use Onward"
    )
    worker_name = forms.CharField(label="Name, if they do not use Onward", required=False, max_length=200)
    team = forms.ModelChoiceField(
        label="Team (optional)", required=False, queryset=Team.objects.none(), empty_label="No team"
    )
    start = GovukDateField(name="start date", label="From")

    def __init__(self, *args: Any, workers: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers  # type: ignore[attr-defined]
        self.fields["worker"].label_from_instance = lambda user: (  # type: ignore[attr-defined]
            f"{user.full_name}, {user.job_title}" if user.job_title else user.full_name
        )
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


class ClosureForm(GovukForm):
    date = GovukDateField(name="date of closure", label="Date of closure")
    reason = radios("Reason", CaseClosure.Reason.choices, message="Select the reason for closing the case")
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SupportRequestForm(GovukForm):
    date = GovukDateField(name="date of the request", latest=today, label="Date of the request")
    needs = forms.CharField(
        label="What support are they asking for?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what support the young person is asking for"},
    )


class SupportAssessmentForm(GovukForm):
    outcome = radios(
        "Outcome of the assessment",
        [c for c in SupportRequest.Outcome.choices if c[0] != SupportRequest.Outcome.PENDING],
        message="Select the outcome",
    )
    assessed_on = GovukDateField(name="date of the assessment", latest=today, label="Date of the assessment")
    assessment = forms.CharField(
        label="Assessment",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the assessment"},
    )


class GuidanceForm(GovukForm):
    date = GovukDateField(name="date of the appointment", latest=today, label="Date of the appointment")
    adviser = forms.CharField(label="Careers adviser (optional)", required=False, max_length=200)
    attendance = radios(
        "Did the young person attend?",
        GuidanceAppointment.Attendance.choices,
        message="Select whether the young person attended",
    )
    guidance_given = forms.CharField(
        label="Guidance given",
        required=False,
        help_text="Only for an appointment that was attended",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_step = forms.CharField(label="Next step (optional)", required=False, max_length=300)


class PathwayAuditForm(GovukForm):
    date = GovukDateField(name="date of the audit", latest=today, label="Date of the audit")
    grade = radios("Grade", PathwayPlanAudit.Grade.choices, message="Select the grade of the pathway plan")
    eet_needs_met = yes_no(
        "Does the plan address the young person's education, employment and training needs?",
        message="Select yes if the plan addresses their education, employment and training needs",
    )
    eet_needs_note = forms.CharField(
        label="EET needs: note",
        required=False,
        help_text="Required when the plan does not address them: say what is missing",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HEApplicationForm(GovukForm):
    date = GovukDateField(name="date of the application", latest=today, label="Date of the application")
    institution = forms.CharField(
        label="University or college",
        max_length=200,
        error_messages={"required": "Enter the university or college"},
    )
    course = forms.CharField(label="Course", max_length=200, error_messages={"required": "Enter the course"})
    status = radios("Status", HEApplication.Status.choices, message="Select the status of the application")
    status_date = GovukDateField(
        name="date of the status",
        latest=soon,
        required=False,
        label="Date of the status (optional)",
        help_text="For a start, the first day of the course; leave blank for the date of the application",
    )


class HEStatusForm(GovukForm):
    status = radios("New status", HEApplication.Status.choices, message="Select the new status")
    status_date = GovukDateField(
        name="date of the status",
        latest=soon,
        label="Date of the status",
        help_text="For a start, the first day of the course",
    )

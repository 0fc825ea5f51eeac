"""The people and places around each young person: mentors and their matches and meetings.

Every record belongs to one council (directly, or through the young person it is about) and is
read only through ``onward.supporters.access``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from onward.core import codelists
from onward.core.models import TimeStampedModel

DBS_VALID_YEARS = 3
"""A DBS check counts as current for this many years (the council's usual renewal period)."""


class Mentor(TimeStampedModel):
    """A trained mentor on the council's register: a volunteer, someone from an employer, or a peer."""

    class Kind(models.TextChoices):
        VOLUNTEER = "volunteer", "Volunteer mentor"
        EMPLOYER = "employer", "Employer mentor"
        PEER = "peer", "Peer mentor (a care leaver)"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    organisation_name = models.CharField(
        "employer or organisation", max_length=200, blank=True, help_text="For employer mentors: who they work for"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    dbs_checked_on = models.DateField("DBS check date", null=True, blank=True)
    dbs_reference = models.CharField("DBS certificate number", max_length=20, blank=True)
    references_checked_on = models.DateField("references checked", null=True, blank=True)
    trained_on = models.DateField("mentor training completed", null=True, blank=True)
    active = models.BooleanField(default=True, help_text="Still mentoring (false once they leave the scheme)")
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()})"

    def dbs_current_on(self, day: datetime.date) -> bool:
        if self.dbs_checked_on is None or self.dbs_checked_on > day:
            return False
        try:
            expires = self.dbs_checked_on.replace(year=self.dbs_checked_on.year + DBS_VALID_YEARS)
        except ValueError:  # 29 February
            expires = self.dbs_checked_on.replace(year=self.dbs_checked_on.year + DBS_VALID_YEARS, day=28)
        return day < expires

    def ready_on(self, day: datetime.date) -> bool:
        """Whether the mentor may be matched on ``day``: active, DBS current, references and training done."""
        return (
            self.active
            and self.dbs_current_on(day)
            and self.references_checked_on is not None
            and self.references_checked_on <= day
            and self.trained_on is not None
            and self.trained_on <= day
        )

    def missing_checks(self, day: datetime.date) -> list[str]:
        missing = []
        if not self.active:
            missing.append("no longer active")
        if not self.dbs_current_on(day):
            missing.append("no current DBS check")
        if self.references_checked_on is None or self.references_checked_on > day:
            missing.append("references not checked")
        if self.trained_on is None or self.trained_on > day:
            missing.append("not trained")
        return missing


class MentorMatch(TimeStampedModel):
    """A mentor matched to a young person, from ``start`` until ``end`` (open while it goes on)."""

    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="matches")
    person = models.ForeignKey("people.YoungPerson", on_delete=models.CASCADE, related_name="mentor_matches")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    goals = models.TextField(blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="mentor_match_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"Mentoring by {self.mentor.name} from {self.start:%d/%m/%Y}"

    @staticmethod
    def in_force(day: datetime.date) -> Q:
        return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day))


class MentorMeeting(TimeStampedModel):
    """One meeting of a mentor and the young person they are matched with."""

    match = models.ForeignKey(MentorMatch, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    minutes = models.PositiveSmallIntegerField("length in minutes", null=True, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Mentor meeting on {self.held_on:%d/%m/%Y}"


class Carer(TimeStampedModel):
    """A foster carer or residential staff (a children's home, supported lodgings) as a dated contact of a
    young person, with the named person to speak to, and whether they are invited to pathway plan reviews."""

    class Kind(models.TextChoices):
        FOSTER_CARER = "foster_carer", "Foster carer"
        STAYING_PUT = "staying_put", "Former foster carer (staying put)"
        RESIDENTIAL = "residential", "Residential staff (children's home)"
        SUPPORTED_LODGINGS = "supported_lodgings", "Supported lodgings host"

    person = models.ForeignKey("people.YoungPerson", on_delete=models.CASCADE, related_name="carers")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(
        "carer or home", max_length=200, help_text="The foster carers' names, or the name of the home"
    )
    named_contact = models.CharField(
        "named contact", max_length=200, help_text="The person to speak to, for example the young person's key worker"
    )
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    invite_to_reviews = models.BooleanField("invite to pathway plan reviews", default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="carer_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    @staticmethod
    def in_force(day: datetime.date) -> Q:
        return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day))


class ReviewInvitation(TimeStampedModel):
    """A carer invited to a young person's pathway plan review: the review due after ``after_review`` (the
    pathway plan record in ``people`` that set its due date)."""

    carer = models.ForeignKey(Carer, on_delete=models.CASCADE, related_name="invitations")
    after_review = models.ForeignKey("people.PathwayPlanReview", on_delete=models.CASCADE, related_name="+")
    review_due = models.DateField("review due")
    invited_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-review_due", "carer_id"]
        constraints = [
            models.UniqueConstraint(fields=["carer", "after_review"], name="one_invitation_per_carer_and_review")
        ]

    def __str__(self) -> str:
        return f"{self.carer.name} invited to the review due {self.review_due:%d/%m/%Y}"


class TrainingCourse(TimeStampedModel):
    """A course the council records attendance at: any course (safeguarding, mentoring, employer
    engagement...). ``code`` marks the courses other apps count by (the two that opportunities used to fix)."""

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    code = models.SlugField(max_length=40, blank=True, help_text="Set for courses other pages count by")

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="training_course_name_unique")]

    def __str__(self) -> str:
        return self.name


class TrainingRecord(TimeStampedModel):
    """Someone completed a course on a date: a member of staff (an Onward user), a carer, a partner's staff,
    a mentor, or anyone else, named."""

    class Attendee(models.TextChoices):
        STAFF = "staff", "Council staff"
        CARER = "carer", "Foster carer or residential staff"
        PARTNER_STAFF = "partner_staff", "A partner's staff"
        MENTOR = "mentor", "Mentor"
        OTHER = "other", "Someone else"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="records")
    attendee_kind = models.CharField(max_length=20, choices=Attendee.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attendee_name = models.CharField(max_length=200, blank=True, help_text="For attendees who do not use Onward")
    attendee_organisation = models.CharField(max_length=200, blank=True)
    completed_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    legacy_id = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text="The opportunities StaffTraining row it was moved from"
    )

    class Meta:
        ordering = ["-completed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.attendee} completed {self.course.name}"

    @property
    def attendee(self) -> str:
        if self.staff_id is not None:
            return self.staff.full_name  # type: ignore[union-attr]
        return self.attendee_name


class AccommodationProvider(TimeStampedModel):
    """A provider of accommodation for care leavers on the council's register, with its units."""

    class Kind(models.TextChoices):
        SUPPORTED = "supported", "Supported (semi-independent) accommodation"
        SUPPORTED_LODGINGS = "supported_lodgings", "Supported lodgings scheme"
        FOYER = "foyer", "Foyer"
        HOUSING_ASSOCIATION = "housing_association", "Housing association"
        COUNCIL_HOUSING = "council_housing", "Council housing"
        PRIVATE = "private", "Private landlord"
        EMERGENCY = "emergency", "Emergency accommodation"
        OTHER = "other", "Other"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField("type", max_length=30, choices=Kind.choices)
    area = models.CharField(max_length=200, blank=True)
    units = models.PositiveIntegerField("number of units", default=0)
    contact_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="provider_name_unique_in_council")]

    def __str__(self) -> str:
        return self.name


class ProviderRating(TimeStampedModel):
    """A young person's rating of the accommodation a provider gave them (1 very poor to 5 very good)."""

    class Score(models.IntegerChoices):
        VERY_POOR = 1, "1: Very poor"
        POOR = 2, "2: Poor"
        OK = 3, "3: OK"
        GOOD = 4, "4: Good"
        VERY_GOOD = 5, "5: Very good"

    provider = models.ForeignKey(AccommodationProvider, on_delete=models.CASCADE, related_name="ratings")
    person = models.ForeignKey("people.YoungPerson", on_delete=models.CASCADE, related_name="+")
    rated_on = models.DateField()
    score = models.PositiveSmallIntegerField(choices=Score.choices)
    comment = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-rated_on", "-id"]

    def __str__(self) -> str:
        return f"Rating of {self.provider.name}: {self.score}"


class MoveOnPlan(TimeStampedModel):
    """Where a young person is planned to move next, and when (move-on planning)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        MOVED = "moved", "Moved"
        CANCELLED = "cancelled", "No longer planned"

    person = models.ForeignKey("people.YoungPerson", on_delete=models.CASCADE, related_name="move_on_plans")
    planned_type = models.CharField("planned accommodation", max_length=1, choices=codelists.AccommodationType.choices)
    planned_provider = models.ForeignKey(
        AccommodationProvider, on_delete=models.PROTECT, null=True, blank=True, related_name="move_on_plans"
    )
    planned_on = models.DateField("planned move date")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["planned_on", "id"]

    def __str__(self) -> str:
        return f"Move to {self.get_planned_type_display().lower()} planned for {self.planned_on:%d/%m/%Y}"


class EHCPlan(TimeStampedModel):
    """An education, health and care plan with its dates: issued, last reviewed, and ceased (or to cease).

    It replaces the yes/no ``YoungPerson.ehcp``, which is now kept in step (a plan in force today) by
    ``supporters.services`` so the indicators and lists that read it still work."""

    person = models.ForeignKey("people.YoungPerson", on_delete=models.CASCADE, related_name="ehc_plans")
    issued_on = models.DateField(
        "date issued", null=True, blank=True, help_text="Blank only for plans moved from the yes/no field"
    )
    reviewed_on = models.DateField("last annual review", null=True, blank=True)
    ceases_on = models.DateField(
        "date it ceases",
        null=True,
        blank=True,
        help_text="The date the plan ceased, or is to cease; blank while it goes on",
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        issued = f" issued {self.issued_on:%d/%m/%Y}" if self.issued_on else ""
        return f"EHC plan{issued}"

    def in_force_on(self, day: datetime.date) -> bool:
        return (self.issued_on is None or self.issued_on <= day) and (self.ceases_on is None or self.ceases_on > day)


class TransitionReferral(TimeStampedModel):
    """Additional needs identified (from 15), and the referral to the adult transitions team tracked to its
    decision."""

    class Decision(models.TextChoices):
        NOT_REFERRED = "not_referred", "Not referred yet"
        AWAITING = "awaiting", "Referred, awaiting a decision"
        ACCEPTED = "accepted", "Accepted by adult transitions"
        BELOW_THRESHOLD = "below_threshold", "Below the adult care threshold: other support agreed"
        DECLINED = "declined", "Declined"

    person = models.ForeignKey("people.YoungPerson", on_delete=models.CASCADE, related_name="transition_referrals")
    needs = models.TextField("additional needs")
    identified_on = models.DateField("date needs identified")
    referred_on = models.DateField("date referred", null=True, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.NOT_REFERRED)
    decided_on = models.DateField("date of decision", null=True, blank=True)
    decision_note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-identified_on", "-id"]

    def __str__(self) -> str:
        return f"Adult transitions referral ({self.get_decision_display().lower()})"

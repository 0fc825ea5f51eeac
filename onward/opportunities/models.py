"""Employers, their engagement, opportunities, and each young person's path to sustained work."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from onward.core.models import TimeStampedModel


class Employer(TimeStampedModel):
    class Status(models.TextChoices):
        PROSPECT = "prospect", "Prospect"
        ENGAGED = "engaged", "Engaged"
        CHAMPION = "champion", "Champion"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="employers")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The employer's organisation in Onward, if its staff use Onward",
    )
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=100)
    location = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROSPECT)
    is_council = models.BooleanField("the council itself as an employer", default=False)
    champion_since = models.DateField(
        "a champion of care leavers since",
        null=True,
        blank=True,
        editable=False,
        help_text="Set by opportunities.services.employer_save when the status becomes champion; cleared when it stops",
    )
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="employer_name_unique_in_council")]

    def __str__(self) -> str:
        return self.name


class EmployerContact(TimeStampedModel):
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)

    def __str__(self) -> str:
        return self.name


class Engagement(TimeStampedModel):
    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        PLEDGE = "pledge", "Pledge"
        OFFER = "offer", "Offer of opportunities"
        OTHER = "other", "Other contact"

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="engagements")
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.employer} on {self.date:%d/%m/%Y}"


class Opportunity(TimeStampedModel):
    class Kind(models.TextChoices):
        APPRENTICESHIP = "apprenticeship", "Apprenticeship"
        TRAINEESHIP = "traineeship", "Traineeship"
        WORK_EXPERIENCE = "work_experience", "Work experience"
        JOB = "job", "Job"
        GUARANTEED_INTERVIEW = "guaranteed_interview", "Job with a guaranteed interview"
        RING_FENCED = "ring_fenced", "Ring-fenced post"
        SUPPORTED_INTERNSHIP = "supported_internship", "Supported internship"
        MENTORING = "mentoring", "Mentoring"
        VOLUNTEERING = "volunteering", "Volunteering"
        EMPLOYMENT_PROGRAMME = "employment_programme", "Employment programme"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="opportunities")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    description = models.TextField(blank=True)
    location = models.CharField(max_length=200)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    closing_on = models.DateField(null=True, blank=True)
    places = models.PositiveIntegerField(default=1)
    min_age = models.PositiveSmallIntegerField(default=16)
    max_age = models.PositiveSmallIntegerField(default=25)
    care_experienced_only = models.BooleanField("ring-fenced for care-experienced young people", default=False)
    guaranteed_interview = models.BooleanField("guarantees an interview when the criteria are met", default=False)
    service_area = models.CharField(
        "council service area",
        max_length=100,
        blank=True,
        help_text="For an opportunity with the council itself: the service offering it, such as Highways",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["closing_on", "title"]
        verbose_name_plural = "opportunities"

    def __str__(self) -> str:
        return f"{self.title}, {self.employer}"

    @property
    def inside_council(self) -> bool:
        return self.employer.is_council


class Application(TimeStampedModel):
    """A young person's path through one opportunity, put forward with their consent."""

    class Status(models.TextChoices):
        INTEREST = "interest", "Interested"
        APPLIED = "applied", "Applied"
        INTERVIEW = "interview", "Interview"
        OFFER = "offer", "Offered"
        STARTED = "started", "Started"
        UNSUCCESSFUL = "unsuccessful", "Unsuccessful"
        WITHDRAWN = "withdrawn", "Withdrawn"
        ENDED = "ended", "Left the opportunity"

    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="applications")
    person = models.ForeignKey("people.YoungPerson", on_delete=models.PROTECT, related_name="applications")
    put_forward_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INTEREST)
    consent_given_on = models.DateField()
    consent_method = models.CharField(
        max_length=20, choices=[("in_person", "In person"), ("phone", "By phone or video"), ("written", "In writing")]
    )
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)
    interview_on = models.DateField(null=True, blank=True)
    guaranteed_interview = models.BooleanField(default=False)
    offer_on = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "person"], name="one_application_per_opportunity")
        ]

    def __str__(self) -> str:
        return f"{self.person} for {self.opportunity.title}"


class ApplicationEvent(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} to {self.to_status}"


class SustainmentCheck(TimeStampedModel):
    class Point(models.TextChoices):
        WEEKS_4 = "4_weeks", "4 weeks"
        MONTHS_3 = "3_months", "3 months"
        MONTHS_6 = "6_months", "6 months"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="checks")
    point = models.CharField(max_length=10, choices=Point.choices)
    due_on = models.DateField()
    checked_on = models.DateField(null=True, blank=True)
    still_there = models.BooleanField(null=True)
    note = models.CharField(max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on"]
        constraints = [models.UniqueConstraint(fields=["application", "point"], name="one_check_per_point")]

    def __str__(self) -> str:
        return f"{self.get_point_display()} check for {self.application}"


class Support(TimeStampedModel):
    class Kind(models.TextChoices):
        CV = "cv", "CV"
        INTERVIEW = "interview", "Interview preparation"
        MENTOR = "mentor", "Mentor"
        TRAVEL = "travel", "Travel costs"
        CLOTHING = "clothing", "Work clothing or equipment"
        OTHER = "other", "Other"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="support")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    given_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.application}"

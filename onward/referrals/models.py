"""The provision directory (the "EET matrix"), the common referral with consent, triage and outcomes."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from onward.core.models import ImportRunBase, TimeStampedModel

NEEDS = [
    ("confidence", "Confidence and self-esteem"),
    ("risk_taking", "Risk-taking behaviour"),
    ("wellbeing", "Resilience and emotional wellbeing"),
    ("traineeship", "Traineeship"),
    ("apprenticeship", "Apprenticeship"),
    ("cv", "CV"),
    ("college_training", "College or training"),
    ("job_search", "Job search"),
]
NEED_LABELS = dict(NEEDS)

SHARED_FIELDS = [
    ("contact", "Contact details (phone, email, address)"),
    ("needs", "Needs, preferences, barriers and availability"),
    ("eet_history", "Education, employment and training history"),
    ("support_needs", "Support needs (SEND, EHC plan, parenting)"),
]


class Service(TimeStampedModel):
    """One route into education, employment or training, offered by a provider."""

    class Kind(models.TextChoices):
        COLLEGE_COURSE = "college_course", "College course"
        APPRENTICESHIP = "apprenticeship", "Apprenticeship programme"
        TRAINEESHIP = "traineeship", "Traineeship"
        EMPLOYABILITY = "employability", "Employability programme"
        MENTORING = "mentoring", "Mentoring"
        WELLBEING = "wellbeing", "Confidence and wellbeing"
        CV_INTERVIEW = "cv_interview", "CV and interview support"
        MONEY_ADVICE = "money_advice", "Benefits and money advice"
        HE_ACCESS = "he_access", "Higher education access"
        VOLUNTEERING = "volunteering", "Volunteering"
        RE_ENGAGEMENT = "re_engagement", "Re-engagement"

    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    description = models.TextField(blank=True)
    min_age = models.PositiveSmallIntegerField(default=16)
    max_age = models.PositiveSmallIntegerField(default=25)
    care_leavers_only = models.BooleanField(default=False)
    needs_met = models.JSONField(default=list, blank=True)
    send_suitable = models.BooleanField("suitable for young people with SEND", default=False)
    area = models.CharField("where it runs", max_length=200)
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Places at a time")
    typical_wait_days = models.PositiveSmallIntegerField(null=True, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    active_from = models.DateField()
    active_to = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"


class Referral(TimeStampedModel):
    """The common referral, completed with the young person."""

    class Status(models.TextChoices):
        AWAITING_TRIAGE = "awaiting_triage", "Awaiting triage"
        MORE_INFO = "more_info", "More information asked for"
        REFERRED = "referred", "Referred to services"
        DECLINED = "declined", "Declined at triage"
        CLOSED = "closed", "Closed"

    class Priority(models.TextChoices):
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"
        URGENT = "urgent", "Urgent"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.YoungPerson", on_delete=models.PROTECT, related_name="referrals")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    needs = models.JSONField(default=list)
    preferences = models.TextField(blank=True)
    barriers = models.TextField(blank=True)
    availability = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_TRIAGE)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    triage_due = models.DateField()
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    triage_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["triage_due", "id"]
        indexes = [
            models.Index(fields=["council", "status", "triage_due"], name="referral_queue"),
            models.Index(fields=["updated_at"], name="referral_updated"),  # people.open_work: what changed
        ]

    def __str__(self) -> str:
        return f"Referral of {self.person} on {self.created_at:%d/%m/%Y}"

    @property
    def need_labels(self) -> list[str]:
        return [NEED_LABELS.get(n, n) for n in self.needs]


class Consent(TimeStampedModel):
    """What the young person agreed may be shared, with whom, why and until when."""

    class GivenBy(models.TextChoices):
        YOUNG_PERSON = "young_person", "The young person"
        REPRESENTATIVE = "representative", "Someone with authority to act for them"

    class Method(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "By phone or video"
        WRITTEN = "written", "In writing"

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="consent")
    given_by = models.CharField(max_length=20, choices=GivenBy.choices)
    given_on = models.DateField()
    method = models.CharField(max_length=20, choices=Method.choices)
    organisations = models.ManyToManyField("accounts.Organisation", related_name="+")
    shared_fields = models.JSONField(default=list, blank=True)
    purpose = models.CharField(max_length=300)
    expires_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"Consent for {self.referral}"


class Send(TimeStampedModel):
    """A referral sent to one service; onward referrals chain through ``previous``."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent, waiting for the provider"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined by the provider"
        IN_CONTACT = "in_contact", "In contact"
        STARTED = "started", "Started"
        COMPLETED = "completed", "Completed"
        LEFT_EARLY = "left_early", "Left early"
        MOVED_ON = "moved_on", "Moved on"
        WITHDRAWN = "withdrawn", "Withdrawn"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="sends")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="sends")
    previous = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="onward")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SENT)
    consent_override_reason = models.CharField(max_length=500, blank=True)
    decline_reason = models.CharField(max_length=500, blank=True)
    first_contact_on = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    start_confirmed = models.BooleanField(default=False, help_text="The start is in the young person's EET history")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["updated_at"], name="send_updated")]  # people.open_work: what changed

    def __str__(self) -> str:
        return f"{self.referral.person} to {self.service.name}"


class Event(models.Model):
    """Every change of a referral's or send's state: who, when, from what to what."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    send = models.ForeignKey(Send, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_label} to {self.to_label}"

    @staticmethod
    def _label(status: str) -> str:
        labels = {**dict(Referral.Status.choices), **dict(Send.Status.choices)}
        return str(labels.get(status, status)).lower() if status else "new"

    @property
    def from_label(self) -> str:
        return self._label(self.from_status)

    @property
    def to_label(self) -> str:
        return self._label(self.to_status)


class Feedback(TimeStampedModel):
    """A young person's view of a service, recorded by their adviser (the portal will add self-service)."""

    class Rating(models.IntegerChoices):
        VERY_POOR = 1, "Very poor"
        POOR = 2, "Poor"
        OK = 3, "OK"
        GOOD = 4, "Good"
        VERY_GOOD = 5, "Very good"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="feedback")
    person = models.ForeignKey("people.YoungPerson", on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    comment = models.TextField(blank=True)
    given_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"Feedback on {self.service.name}"


class PartnerListReturn(ImportRunBase):
    """A partner's own list (on roll, left) matched against the young people sent to it.

    An import in the core flow (``core.imports``, ``referrals.services.PartnerListKind``): kept as
    uploaded (``content``), matched at once or, above the threshold, in the background; once saved
    (``committed``) its matched and unmatched rows are what the council sees. Unmatched rows are not
    problems: they are kept for the partner to review.
    """

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    content = models.TextField(blank=True, help_text="The list as uploaded, until it is matched")
    matched = models.JSONField(default=list)
    unmatched = models.JSONField(default=list)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation} list of {self.created_at:%d/%m/%Y}"

    @property
    def on_roll(self) -> int:
        """How many young people the list matched as on roll."""
        return sum(1 for row in self.matched if row.get("status") == "on roll")

    @property
    def left(self) -> int:
        """How many young people the list matched as having left."""
        return sum(1 for row in self.matched if row.get("status") == "left")

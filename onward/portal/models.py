"""The young people's own service: portal accounts, sign-in codes, goals and what young people say.

A young person is never a staff :class:`~onward.accounts.models.User` (ADR 29): they have a
:class:`PortalAccount`, linked to their record in the register, and sign in with a code sent to
their email. Nothing here is ever deleted: goals are marked done, statements are resolved, an
account is ended, each with who and when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from onward.core.models import TimeStampedModel


class PortalAccount(TimeStampedModel):
    """A young person's way into their own service, opened by an adviser with their consent."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited, not signed in yet"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    class ConsentMethod(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "By phone or video"
        WRITTEN = "written", "In writing"

    person = models.OneToOneField("people.YoungPerson", on_delete=models.PROTECT, related_name="portal_account")
    email = models.EmailField("email address")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    consent_given_on = models.DateField("date the young person agreed")
    consent_method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField()
    last_signed_in_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(max_length=300, blank=True)
    # Raised when access ends: every session made before it is refused at its next request.
    session_epoch = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(status__in=["invited", "active"]),
                name="portal_account_email_unique_open",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["invited", "active", "ended"]), name="portal_account_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Portal account of {self.person}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.ENDED


class SignInCode(models.Model):
    """A one-time code sent by email; only its keyed hash is kept. Used once, expires, few tries."""

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"Sign-in code for {self.account_id} made {self.created_at:%d/%m/%Y %H:%M}"


class LifeArea(models.TextChoices):
    """The areas of a pathway plan (the statutory headings of the local offer, and money)."""

    HEALTH = "health", "Health and well-being"
    RELATIONSHIPS = "relationships", "Relationships"
    EDUCATION = "education", "Education and training"
    EMPLOYMENT = "employment", "Employment"
    ACCOMMODATION = "accommodation", "Accommodation"
    PARTICIPATION = "participation", "Participation in society"
    MONEY = "money", "Money"
    HOUSING = "housing", "Housing"


class Goal(TimeStampedModel):
    """A pathway plan goal, or an action towards one (``goal`` set), with its owner and deadline.

    Never deleted or changed once done: who added it and who marked it done (the young person or a
    member of staff) are kept with the dates.
    """

    class Owner(models.TextChoices):
        YOUNG_PERSON = "young_person", "Me"
        ADVISER = "adviser", "My personal adviser"
        SOMEONE_ELSE = "someone_else", "Someone else"

    person = models.ForeignKey("people.YoungPerson", on_delete=models.PROTECT, related_name="portal_goals")
    goal = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="actions")
    area = models.CharField(max_length=20, choices=LifeArea.choices)
    text = models.CharField(max_length=300)
    owner = models.CharField(max_length=20, choices=Owner.choices)
    owner_name = models.CharField(max_length=200, blank=True)
    deadline = models.DateField(null=True, blank=True)
    added_by_young_person = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by_young_person = models.BooleanField(default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "deadline", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def owner_label(self) -> str:
        if self.owner == self.Owner.SOMEONE_ELSE and self.owner_name:
            return self.owner_name
        return {"young_person": "You", "adviser": "Your personal adviser"}.get(self.owner, self.get_owner_display())


class Theme(TimeStampedModel):
    """'You said, we did': what young people said, grouped by staff, with the council's response. Once
    published, young people see it in their own page."""

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    you_said = models.TextField("you said", blank=True)
    we_did = models.TextField("we did", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Statement(TimeStampedModel):
    """Something a young person said through their service; what staff see of their voice.

    Some ask the adviser to act (``task_due_on`` is the time limit): "this is wrong" about their
    education, work or training (kept as a rectification request the data protection work can
    use), "I'm interested" in an opportunity, "I'd like help" at a check-in. ``resolved_at`` and
    ``resolved_by`` record who dealt with it; a statement is never deleted.
    """

    class Kind(models.TextChoices):
        EET_WRONG = "eet_wrong", "Says their education, work or training record is wrong"
        INTERESTED = "interested", "Interested in an opportunity"
        CHECK_IN = "check_in", "Monthly check-in"
        SERVICE_FEEDBACK = "service_feedback", "Feedback on a service"
        OFFER_COMMENT = "offer_comment", "Comment on the local offer"

    class Mood(models.TextChoices):
        GOOD = "good", "Good"
        OK = "ok", "OK"
        BAD = "bad", "Bad"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.YoungPerson", on_delete=models.PROTECT, related_name="portal_statements")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(blank=True)
    mood = models.CharField(max_length=4, choices=Mood.choices, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    wants_help = models.BooleanField(default=False)
    eet_spell = models.ForeignKey("people.EETSpell", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    send = models.ForeignKey("referrals.Send", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    local_offer = models.ForeignKey("LocalOffer", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="statements")
    # Feedback on a service: the young person agreed that the organisation providing it may read their words
    # (it sees the rating counted either way, never who gave it).
    shared_with_service = models.BooleanField("the service may read what they wrote", default=False)
    task_due_on = models.DateField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["council", "kind", "created_at"], name="statement_council_kind")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="statement_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%d/%m/%Y})"

    @property
    def is_task(self) -> bool:
        return self.task_due_on is not None

    @property
    def is_open_task(self) -> bool:
        return self.task_due_on is not None and self.resolved_at is None


class OfferHeading(models.TextChoices):
    """The statutory headings of a local offer for care leavers (Children and Social Work Act 2017 s2,
    and the Department's guidance), plus money and housing."""

    HEALTH = "health", "Health and well-being"
    RELATIONSHIPS = "relationships", "Relationships"
    EDUCATION = "education", "Education and training"
    EMPLOYMENT = "employment", "Employment"
    ACCOMMODATION = "accommodation", "Accommodation"
    PARTICIPATION = "participation", "Participation in society"
    MONEY = "money", "Money"
    HOUSING = "housing", "Housing"


class LocalOffer(TimeStampedModel):
    """One version of a council's local offer. A draft is edited; publishing dates it and it is then never
    changed: the next change is a new version. The one in force is the latest published."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField("version")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    introduction = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["council", "number"], name="local_offer_number_unique"),
            models.UniqueConstraint(
                fields=["council"], condition=models.Q(status="draft"), name="local_offer_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"Local offer version {self.number}"


class LocalOfferSection(models.Model):
    """What the council offers under one heading: what you can get, what you are entitled to, who to contact."""

    offer = models.ForeignKey(LocalOffer, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(max_length=20, choices=OfferHeading.choices)
    text = models.TextField("what we offer", blank=True)
    entitlements = models.TextField("what you are entitled to", blank=True)
    contacts = models.TextField("who to contact", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["offer", "heading"], name="local_offer_section_unique")]

    def __str__(self) -> str:
        return self.get_heading_display()


# The four ONS personal well-being questions (Office for National Statistics), each answered 0 to 10.
ONS4 = (
    ("ons_life_satisfaction", "Overall, how satisfied are you with your life nowadays?"),
    ("ons_worthwhile", "Overall, to what extent do you feel that the things you do in your life are worthwhile?"),
    ("ons_happy", "Overall, how happy did you feel yesterday?"),
    ("ons_anxious", "Overall, how anxious did you feel yesterday?"),
)


class SurveyQuestion(TimeStampedModel):
    """A question of the council's own in its well-being survey's question bank. Retired, never deleted,
    so earlier answers keep their question."""

    class Kind(models.TextChoices):
        SCALE = "scale", "A score from 0 to 10"
        YES_NO = "yes_no", "Yes or no"
        TEXT = "text", "Their own words"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


class Survey(TimeStampedModel):
    """A well-being survey the council schedules: open to its young people from ``opens_on`` to ``closes_on``,
    asking the four ONS questions and the council's chosen questions."""

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    opens_on = models.DateField()
    closes_on = models.DateField()
    questions = models.ManyToManyField(SurveyQuestion, blank=True, related_name="surveys")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="survey_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.title


class SurveyResponse(TimeStampedModel):
    """One young person's answers to one survey (``answers``: the ONS keys and ``q<question id>``)."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    person = models.ForeignKey("people.YoungPerson", on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "person"], name="survey_response_once")]

    def __str__(self) -> str:
        return f"Response to {self.survey}"


class Reminder(models.Model):
    """A reminder emailed to a young person by ``remind_portal``: at most one per account, kind and period, so
    running the command again in the same month (or for the same survey) sends nothing more."""

    class Kind(models.TextChoices):
        CHECK_IN = "check_in", "Monthly check-in"
        SURVEY = "survey", "Well-being survey"

    account = models.ForeignKey(PortalAccount, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The month ("2026-12") of a check-in reminder; "survey-<id>" for a survey's.
    period = models.CharField(max_length=20)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "kind", "period"], name="portal_reminder_once_a_period")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder ({self.period})"


class ReturnerEnquiry(TimeStampedModel):
    """A request from the public "ask for support again" form that did not match exactly one of the
    council's care leavers aged 21 to 24: a misspelt name, a record never brought into Onward, or
    someone outside the age range. It waits for the council to check who it is, then to match it to
    a record (which opens a request for support in the register) or to close it with what was done.

    The form's answer never says which happened; only staff who may see the council's young people
    read these (``access.returner_enquiries_for``)."""

    class Reason(models.TextChoices):
        NO_MATCH = "no_match", "No record with this name and date of birth"
        SEVERAL = "several", "More than one record with this name and date of birth"
        AGE = "age", "The record found is not aged 21 to 24"

    class Status(models.TextChoices):
        OPEN = "open", "To check"
        MATCHED = "matched", "Matched to a record"
        CLOSED = "closed", "Closed"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    contact = models.CharField("how to contact them", max_length=300)
    needs = models.TextField("what they would like help with")
    received_on = models.DateField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    person = models.ForeignKey("people.YoungPerson", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("what was done", blank=True)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name_plural = "returner enquiries"

    def __str__(self) -> str:
        return f"Request for support again received {self.received_on:%d/%m/%Y}"

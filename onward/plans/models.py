"""Improvement plans, scrutiny recommendations, their progress updates, measures and review rounds.

One model holds every shape in the councils' documents (see ADR 0011): a ``Plan`` has
``Section``s (themes, areas or objectives, nestable one level: theme > objective), each holding
``Item``s (recommendations, actions or milestones). Progress is a series of dated ``Update``s,
never overwritten. A ``Measure`` puts numbers to an item's success measure, by hand or bound to a
live indicator by code. A ``ReviewRound`` asks the leads for their updates and keeps a snapshot
when it closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from onward.core.models import ImportRunBase, TimeStampedModel
from onward.plans import schemes

if TYPE_CHECKING:
    from onward.plans.schemes import Scheme


class RatingScheme(TimeStampedModel):
    """A rating scheme an administrator defines for their council (beyond RAG and the 1 to 4 grading)."""

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="rating_scheme_name_unique_in_council")]

    def __str__(self) -> str:
        return self.name

    def as_scheme(self) -> Scheme:
        return schemes.Scheme(
            key=f"{schemes.CUSTOM}-{self.pk}",
            name=self.name,
            description=self.description,
            ratings=tuple(schemes.RatingOption(r.key, r.label, r.description, r.colour) for r in self.ratings.all()),
        )


class Rating(models.Model):
    scheme = models.ForeignKey(RatingScheme, on_delete=models.CASCADE, related_name="ratings")
    key = models.CharField(max_length=10, help_text="What is written in the rating column, for example G or 1")
    label = models.CharField(max_length=60)
    description = models.CharField(max_length=300)
    colour = models.CharField(max_length=20, choices=[(c, c.capitalize()) for c in schemes.TAG_COLOURS])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "key"], name="rating_key_unique_in_scheme")]

    def __str__(self) -> str:
        return f"{self.key} {self.label}"


class Plan(TimeStampedModel):
    class Kind(models.TextChoices):
        SCRUTINY_MONITORING = "scrutiny_monitoring", "Scrutiny monitoring progress update"
        QUALITY_MARK_WORK_PLAN = "quality_mark_work_plan", "Work plan against a quality mark"
        ACTION_PLAN = "action_plan", "Action plan"
        SCRUTINY_RESPONSE = "scrutiny_response", "Scrutiny action plan with responses"

    class ReviewCycle(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        SIX_MONTHLY = "six_monthly", "Every 6 months"
        ANNUAL = "annual", "12 months after agreement, then yearly"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    owning_body = models.CharField(
        max_length=200, help_text="The committee, board or panel the plan answers to, for example a scrutiny panel"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The officer who keeps the plan and chases the updates",
    )
    link_officers = models.CharField(max_length=300, blank=True, help_text="Named link officers, if not users")
    aim = models.TextField(blank=True, help_text="The overarching aim or introduction")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    agreed_on = models.DateField(null=True, blank=True)
    review_cycle = models.CharField(max_length=20, choices=ReviewCycle.choices, default=ReviewCycle.QUARTERLY)
    rating_scheme = models.CharField(max_length=20, choices=schemes.SCHEME_CHOICES, default=schemes.RAG)
    custom_scheme = models.ForeignKey(
        RatingScheme, on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text="The plan of the council this plan sits inside",
    )
    parent_strategy = models.CharField(
        max_length=300, blank=True, help_text="A plan or strategy outside Onward that this plan sits inside"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def scheme(self) -> Scheme:
        """The plan's rating scheme, built-in or custom: keys, labels, descriptions, colours and legend."""
        if self.rating_scheme == schemes.CUSTOM and self.custom_scheme is not None:
            return self.custom_scheme.as_scheme()
        return schemes.BUILT_IN.get(self.rating_scheme, schemes.BUILT_IN[schemes.RAG])


class Section(TimeStampedModel):
    """A theme, area or objective of a plan; an objective may sit inside a theme."""

    class Kind(models.TextChoices):
        THEME = "theme", "Theme"
        AREA = "area", "Area"
        OBJECTIVE = "objective", "Objective"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", help_text="The theme"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.AREA)
    reference = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=300)
    aim = models.TextField(blank=True)
    criteria = models.TextField(blank=True, help_text="What must be in place, one per line")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The officer who leads this objective",
    )
    lead_name = models.CharField(max_length=200, blank=True, help_text="A lead who is not a user, such as a partner")
    order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()

    @property
    def criteria_list(self) -> list[str]:
        return [line.strip() for line in self.criteria.splitlines() if line.strip()]

    @property
    def lead_display(self) -> str:
        """The objective's lead: the officer, the partner named, or both."""
        names = [self.lead.full_name if self.lead is not None else "", self.lead_name]
        return ", ".join(n for n in names if n)


class Item(TimeStampedModel):
    """A recommendation, action or milestone, with its leads, target dates and success measure."""

    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", "Recommendation"
        ACTION = "action", "Action"
        MILESTONE = "milestone", "Milestone"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACHIEVED = "achieved", "Achieved"
        SUPERSEDED = "superseded", "Superseded"
        WITHDRAWN = "withdrawn", "Withdrawn"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="items")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ACTION)
    reference = models.CharField(max_length=20)
    text = models.TextField()
    agreed_action = models.TextField(blank=True)
    success_measure = models.TextField(blank=True, help_text="How do we know if it is successful?")
    leads = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="plan_items")
    named_leads = models.CharField(max_length=300, blank=True, help_text="Leads who are not users, by name")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    status_reason = models.TextField(blank=True)
    status_changed_on = models.DateField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )
    order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.text[:60]}".strip()

    @property
    def is_struck_through(self) -> bool:
        """Superseded and withdrawn items stay visible, struck through."""
        return self.status in (self.Status.SUPERSEDED, self.Status.WITHDRAWN)


class TargetDate(models.Model):
    """One of an item's target dates ("3 by April 2022, 5 by April 2023")."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="target_dates")
    due_on = models.DateField()
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.due_on:%B %Y} {self.description}".strip()


class ReviewRound(TimeStampedModel):
    """A round of updates: opened with a due date, chased, then closed with a snapshot kept for good."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(max_length=100, help_text="For example September 2026 review")
    opened_on = models.DateField()
    due_on = models.DateField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    snapshot = models.JSONField(default=dict, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Update(TimeStampedModel):
    """A dated progress update on one item. Updates are never changed: a correction is a new update."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="updates")
    round = models.ForeignKey(ReviewRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="updates")
    dated = models.DateField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    achievements = models.JSONField(default=list, blank=True, help_text="Achieved so far (✓), one per entry")
    next_steps = models.JSONField(default=list, blank=True, help_text="Next steps (⇒), one per entry")
    rating = models.CharField(max_length=10, blank=True)
    rating_explanation = models.TextField(blank=True)
    evidence_of_progress = models.TextField(blank=True)
    evidence_of_impact = models.TextField(blank=True)
    initial_response = models.TextField(blank=True)
    second_response = models.TextField(blank=True)
    outstanding_actions = models.TextField(blank=True)

    class Meta:
        ordering = ["-dated", "-id"]

    def __str__(self) -> str:
        return f"Update on {self.item.reference} dated {self.dated:%d/%m/%Y}"


class Measure(TimeStampedModel):
    """A number behind an item's success measure: targets by date, and actuals by hand or from an indicator."""

    class Unit(models.TextChoices):
        PERCENT = "percent", "Percentage"
        COUNT = "count", "Number"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.PERCENT)
    baseline = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    baseline_on = models.DateField(null=True, blank=True)
    higher_is_better = models.BooleanField(default=True)
    indicator_code = models.CharField(
        max_length=100, blank=True, help_text="A live indicator that fills the actuals (onward.core.indicators)"
    )
    order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(
        default=1, help_text="Moves on with every change to the measure or its targets"
    )

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class MeasureTarget(models.Model):
    """A target by a date: an absolute value, or an offset from the national figure ("5 points above")."""

    class Kind(models.TextChoices):
        ABSOLUTE = "absolute", "A value"
        ABOVE_NATIONAL = "above_national", "Relative to the national figure"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="targets")
    due_on = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ABSOLUTE)
    value = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="The value, or the points above (or below, if negative) national"
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["measure", "due_on"], name="one_target_per_measure_date")]

    def __str__(self) -> str:
        return f"{self.value} by {self.due_on:%B %Y}"


class MeasureActual(TimeStampedModel):
    """A value recorded by hand, with the national figure on that date when one is quoted."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="actuals")
    on = models.DateField()
    value = models.DecimalField(max_digits=10, decimal_places=2)
    national = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="Where the figure came from")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.value} on {self.on:%d/%m/%Y}"


class Meeting(TimeStampedModel):
    """A meeting of the board or panel a plan answers to, often themed: who came, the agenda, what
    was discussed, and the decisions taken (each can create or update an item of the plan)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    theme = models.CharField(max_length=200, help_text="For example Education and training")
    attendance = models.TextField(help_text="Who attended, one per line")
    apologies = models.TextField(blank=True, help_text="Apologies, one per line")
    agenda = models.TextField(blank=True, help_text="The agenda, one item per line")
    discussion = models.TextField(blank=True, help_text="What was discussed")
    items_discussed = models.ManyToManyField(Item, blank=True, related_name="meetings")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.theme} meeting on {self.held_on:%d/%m/%Y}"

    @property
    def attendance_list(self) -> list[str]:
        return [line.strip() for line in self.attendance.splitlines() if line.strip()]

    @property
    def apologies_list(self) -> list[str]:
        return [line.strip() for line in self.apologies.splitlines() if line.strip()]

    @property
    def agenda_list(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class Decision(TimeStampedModel):
    """A decision taken at a meeting. It is never changed: a correction is a later decision.

    A decision to add an action creates the item; one about an existing item records a progress
    update on it, dated the day of the meeting; a decision noted only changes nothing else.
    """

    class Kind(models.TextChoices):
        NEW_ITEM = "new_item", "Adds a new action to the plan"
        UPDATE_ITEM = "update_item", "Updates an item of the plan"
        NOTED = "noted", "Noted: no change to the plan"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    item = models.ForeignKey(Item, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions")
    update = models.OneToOneField(Update, on_delete=models.SET_NULL, null=True, blank=True, related_name="decision")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Decision of {self.meeting}"

    @property
    def summary(self) -> str:
        """ "New action 4.2: ...", "Update to 1.3: ..." or "Noted: ..."."""
        if self.kind == self.Kind.NEW_ITEM and self.item is not None:
            return f"New action {self.item.reference}: {self.text}"
        if self.kind == self.Kind.UPDATE_ITEM and self.item is not None:
            return f"Update to {self.item.reference}: {self.text}"
        return f"Noted: {self.text}"


class PlanImport(ImportRunBase):
    """One spreadsheet imported into a new plan or added to ``plan`` (``plans.imports``, the core flow).

    It holds the rows as read from the file, so a check in the background and the save use exactly
    what was uploaded; after the save, ``plan`` is the plan it made or added to. A spreadsheet is
    saved as soon as every row passes (all or nothing): above the threshold, both in the background.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="imports")
    new_plan = models.JSONField(
        default=dict, blank=True, help_text="For a new plan: its title, kind, owning body and rating scheme"
    )
    file_name = models.CharField(max_length=200)
    rows = models.JSONField(default=list, blank=True, help_text="The file's numbered rows, as read")
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Plan import of {self.file_name}"


# Plan structure (issue 26, ADR 35): quality-mark criteria, objective leads, budgets, links between
# plans, the owning board's membership and terms of reference, and the report schedule. ------------


class Criterion(TimeStampedModel):
    """A quality-mark criterion ("must have in place") with its status and the evidence for it.

    Its status changes only through ``criterion_set_status``, which keeps each change, dated, as a
    ``CriterionStatusChange``: the history says when a criterion moved to "in place".
    """

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        WORKING_TOWARDS = "working_towards", "Working towards"
        IN_PLACE = "in_place", "In place"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="criteria")
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="quality_criteria"
    )
    reference = models.CharField(max_length=20, blank=True)
    text = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    status_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    evidence_items = models.ManyToManyField(Item, blank=True, related_name="evidence_for")
    evidence_measures = models.ManyToManyField(Measure, blank=True, related_name="evidence_for")
    evidence_documents = models.TextField(
        blank=True, help_text="Documents that show it: a title or web address, one per line"
    )
    order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.text[:60]}".strip()

    @property
    def document_list(self) -> list[str]:
        return [line.strip() for line in self.evidence_documents.splitlines() if line.strip()]


class CriterionStatusChange(models.Model):
    """One dated change of a criterion's status. Never changed: a correction is a later change."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=20, choices=Criterion.Status.choices)
    changed_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.changed_on:%d/%m/%Y}"


class Budget(TimeStampedModel):
    """The money for a plan, or for one of its objectives, in pence; spend is a series of dated entries."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budgets")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, null=True, blank=True, related_name="budgets")
    name = models.CharField(max_length=200, help_text="For example Guarantee fund 2026 to 2027")
    amount_pence = models.PositiveBigIntegerField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Spend(models.Model):
    """Money spent from a budget on a date. Never changed: a correction is a negative entry."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="spends")
    spent_on = models.DateField()
    amount_pence = models.BigIntegerField()
    description = models.CharField(max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-spent_on", "-id"]

    def __str__(self) -> str:
        return f"{self.description} on {self.spent_on:%d/%m/%Y}"


class BoardMember(TimeStampedModel):
    """A member of the board or panel that owns a plan (``Plan.owning_body``), for a term."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="board_members")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, help_text="For example Chair, or Member for housing")
    organisation = models.CharField(max_length=200, blank=True)
    from_on = models.DateField()
    to_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name}, {self.role}"


class TermsOfReference(models.Model):
    """One version of the board's terms of reference, from the date it was agreed. A change is a new version."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="terms_of_reference")
    agreed_on = models.DateField()
    text = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-agreed_on", "-id"]

    def __str__(self) -> str:
        return f"Terms of reference agreed {self.agreed_on:%d/%m/%Y}"


class ReportSchedule(TimeStampedModel):
    """Which committee gets which document, how often, and when next; its owner is reminded before it is due."""

    class Document(models.TextChoices):
        PLAN_DOCUMENT = "plan_document", "The plan's progress document"
        QUARTERLY_REPORT = "quarterly_report", "The quarterly performance report"

    class Frequency(models.TextChoices):
        ONCE = "once", "Once"
        QUARTERLY = "quarterly", "Every quarter"
        SIX_MONTHLY = "six_monthly", "Every 6 months"
        YEARLY = "yearly", "Every year"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="report_schedules")
    committee = models.CharField(max_length=200, help_text="For example Scrutiny panel")
    document = models.CharField(max_length=30, choices=Document.choices)
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    next_due_on = models.DateField(null=True, blank=True, help_text="Empty once a one-off report has gone")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    remind_days = models.PositiveSmallIntegerField(default=14)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["next_due_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_document_display()} to {self.committee}"


class ReportSent(models.Model):
    """A scheduled report sent to its committee: the due date it met and the day it went."""

    schedule = models.ForeignKey(ReportSchedule, on_delete=models.CASCADE, related_name="sendings")
    due_on = models.DateField()
    sent_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-sent_on", "-id"]

    def __str__(self) -> str:
        return f"Sent {self.sent_on:%d/%m/%Y}"


class ScheduleReminder(models.Model):
    """A reminder emailed by ``remind_report_schedule``: at most one per schedule and due date."""

    schedule = models.ForeignKey(ReportSchedule, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "due_on"], name="plans_schedule_reminder_once_a_due_date")
        ]

    def __str__(self) -> str:
        return f"Reminder for {self.due_on:%d/%m/%Y}"

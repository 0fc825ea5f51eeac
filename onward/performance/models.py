"""Stored indicator figures: one row per council, indicator, counting method, month end and breakdown.

Indicators are computed from the register as at any date (``indicators.py``); a snapshot keeps
the figure each month end had when it was taken, so trends are quick to draw and a past month
can be recomputed and compared with what was reported then.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from onward.core.models import ImportRunBase, TimeStampedModel


class Method(models.TextChoices):
    """The two ways of counting (ADR 10)."""

    SNAPSHOT = "snapshot", "Live snapshot"
    RETURN = "return", "Statutory return (birthday cohort)"


class IndicatorSnapshot(TimeStampedModel):
    """One indicator's figure for one council, method and month end; a breakdown row when ``breakdown`` is set.

    ``breakdown`` is empty for the council's headline figure; otherwise it names the dimension
    (``team``, ``worker``, ``age``, ``sex``, ``ethnicity``, ``send``, ``ehcp``, ``uasc``,
    ``out_of_area``) and ``breakdown_value`` the group (a team's id, an age, a code, ``yes``/``no``).
    ``denominator`` is empty for a count.
    """

    council = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    indicator = models.CharField(max_length=40)
    method = models.CharField(max_length=10, choices=Method.choices)
    month_end = models.DateField()
    breakdown = models.CharField(max_length=20, blank=True)
    breakdown_value = models.CharField(max_length=40, blank=True)
    numerator = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["council_id", "indicator", "method", "month_end", "breakdown", "breakdown_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "indicator", "method", "month_end", "breakdown", "breakdown_value"],
                name="snapshot_unique_figure",
            )
        ]
        indexes = [
            models.Index(fields=["council", "method", "month_end"], name="snapshot_council_month"),
            # The headline rows alone (a trend's, about 20 a month end among thousands of breakdown rows).
            models.Index(
                fields=["council", "method", "month_end"], condition=Q(breakdown=""), name="snapshot_headline_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} ({self.method}) at {self.month_end:%d/%m/%Y}: {self.numerator}/{self.denominator}"


# Benchmarks and targets ------------------------------------------------------------------------------


class BenchmarkSet(ImportRunBase):
    """One upload of published local-authority figures: the file as uploaded, its check, and its fate.

    A set is checked and previewed first (its problems listed, nothing counted; a large file in the
    background, ``core.imports``); saving it makes it the council's benchmark set in force and
    supersedes the one before. The file is kept so the save applies exactly what was previewed.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be checked"
        CHECKING = "checking", "Being checked"
        SAVING = "saving", "Being saved"
        FAILED = "failed", "Could not be completed"
        PREVIEWED = "previewed", "Ready to save"
        REJECTED = "rejected", "Has problems: nothing can be saved"
        SAVED = "saved", "In use"
        SUPERSEDED = "superseded", "Replaced by a later file"
        DISCARDED = "discarded", "Discarded"

    COMMITTED_STATUS = Status.SAVED
    COMMITTED_AT_FIELD = "saved_at"

    status = models.CharField(max_length=20, choices=Status.choices)
    file_name = models.CharField(max_length=200)
    content = models.TextField(help_text="The file as uploaded")
    saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Benchmark file {self.file_name}"


class BenchmarkValue(models.Model):
    """One local authority's published figure for one indicator and year, in a comparator group."""

    class Kind(models.TextChoices):
        NEIGHBOURS = "neighbours", "Statistical neighbours"
        REGION = "region", "Region"
        OTHER = "other", "Other comparator"

    benchmark_set = models.ForeignKey(BenchmarkSet, on_delete=models.CASCADE, related_name="values")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    comparator = models.CharField(max_length=100, help_text="The group's name as written in the file")
    year = models.PositiveSmallIntegerField(help_text="Year ending 31 March")
    la_code = models.CharField(max_length=20)
    la_name = models.CharField(max_length=100)
    indicator = models.CharField(max_length=60)
    value = models.DecimalField(
        max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
    )

    class Meta:
        ordering = ["indicator", "year", "comparator", "la_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["benchmark_set", "comparator", "indicator", "year", "la_code"], name="benchmark_value_unique"
            )
        ]
        indexes = [models.Index(fields=["benchmark_set", "indicator", "kind"])]

    def __str__(self) -> str:
        return f"{self.la_name} {self.indicator} {self.year}: {self.value}"


class Target(TimeStampedModel):
    """A council's target for one indicator: one or more dated steps, and how close counts as near."""

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(max_length=60)
    tolerance = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(50))],
        help_text="Percentage points within which a figure counts as near target; blank for the service default",
    )
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["indicator"]
        constraints = [models.UniqueConstraint(fields=["council", "indicator"], name="target_unique_per_indicator")]

    def __str__(self) -> str:
        return f"Target for {self.indicator}"


class TargetStep(models.Model):
    """One step of a target's trajectory: a value to reach by a date, absolute or relative to a benchmark."""

    class Kind(models.TextChoices):
        ABSOLUTE = "absolute", "A fixed figure"
        NATIONAL = "national", "Relative to the national figure"
        NEIGHBOURS = "neighbours", "Relative to the statistical neighbours' average"

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="steps")
    by_date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ABSOLUTE)
    value = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(-100)), MaxValueValidator(Decimal(100000))],
        help_text="The figure (absolute) or the offset in percentage points (relative)",
    )

    class Meta:
        ordering = ["by_date"]
        constraints = [models.UniqueConstraint(fields=["target", "by_date"], name="target_step_unique_date")]

    def __str__(self) -> str:
        return f"{self.value} by {self.by_date:%d/%m/%Y}"


# The quarterly report's commentary --------------------------------------------------------------------


class ReportCommentary(TimeStampedModel):
    """The performance officer's commentary on one section of a council's quarterly report.

    One per council, quarter and section. Changing it needs the ``version`` the editor opened; each
    change is audited with the text before and after, so earlier wording is never lost. The
    document prints it with who wrote it last and when.
    """

    class Section(models.TextChoices):
        NUMBERS = "numbers", "Number of care leavers"
        PATHWAY_PLANS = "pathway_plans", "Pathway plans"
        ACCOMMODATION = "accommodation", "Accommodation"
        EET = "eet", "Education, employment and training"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    quarter_end = models.DateField()
    section = models.CharField(max_length=20, choices=Section.choices)
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["quarter_end", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "quarter_end", "section"], name="report_commentary_unique_per_section"
            )
        ]

    def __str__(self) -> str:
        return f"Commentary on {self.get_section_display()} at {self.quarter_end:%d/%m/%Y}"


class PersonFacts(models.Model):
    """A young person's facts for the live indicators (``indicators.FACTS``) and the breakdowns'
    dimensions on ``day``, kept so a council's dashboard for today counts stored rows rather than
    reading every history (ADR 36). Only those aged 16 to 25 on the day have a row.

    Written by ``performance.services.keep_facts_current`` alone, through ``people.stored.keep_current``:
    the whole council on a new day or new rules, then only the young people whose records changed.
    """

    person = models.OneToOneField("people.YoungPerson", primary_key=True, on_delete=models.CASCADE, related_name="+")
    council = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    # The dimensions, as on the young person on the day (ids kept plain: a row is made again on any change).
    team_id = models.IntegerField(null=True)
    personal_adviser_id = models.IntegerField(null=True)
    age = models.SmallIntegerField()
    sex = models.CharField(max_length=1)
    ethnicity = models.CharField(max_length=4)
    send = models.BooleanField()
    ehcp = models.BooleanField()
    uasc = models.BooleanField()
    lives_out_of_area = models.BooleanField()
    # The facts, exactly as the live statement gives them (flags 0 or 1).
    cl = models.SmallIntegerField()
    band = models.CharField(max_length=5)
    eet_group = models.CharField(max_length=10)
    neet_reason = models.CharField(max_length=10)
    he = models.SmallIntegerField()
    suitable = models.SmallIntegerField()
    in_touch = models.SmallIntegerField()
    plan_cohort = models.SmallIntegerField()
    plan_in_date = models.SmallIntegerField()
    pep_cohort = models.SmallIntegerField()
    pep_recent = models.SmallIntegerField()
    pep_sw = models.SmallIntegerField()
    pep_good = models.SmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["council", "day"], name="person_facts_council_day")]

    def __str__(self) -> str:
        return f"Facts on {self.day:%d/%m/%Y}"

"""Stored indicator figures: one row per council, indicator, counting method, month end and breakdown.

Indicators are computed from the register as at any date (``indicators.py``); a snapshot keeps
the figure each month end had when it was taken, so trends are quick to draw and a past month
can be recomputed and compared with what was reported then.
"""

from __future__ import annotations

from django.db import models

from onward.core.models import TimeStampedModel


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
        ordering = ["council", "indicator", "method", "month_end", "breakdown", "breakdown_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "indicator", "method", "month_end", "breakdown", "breakdown_value"],
                name="snapshot_unique_figure",
            )
        ]
        indexes = [models.Index(fields=["council", "method", "month_end"], name="snapshot_council_month")]

    def __str__(self) -> str:
        return f"{self.indicator} ({self.method}) at {self.month_end:%d/%m/%Y}: {self.numerator}/{self.denominator}"

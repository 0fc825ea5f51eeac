"""What the participation app stores of its own: the careers service's returned feeds.

Everything else it shows (the cohort, activities, currency, the September Guarantee, intended
destinations) is read from the register (``onward.people``) as at a date, so nothing is copied.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from onward.core.models import TimeStampedModel


class CareersReturn(TimeStampedModel):
    """A feed the careers service sent back (the layout of Onward's monthly feed), matched to the
    young people Onward holds for the month, with every difference listed."""

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    month_end = models.DateField("the month the feed is for (its last day)")
    rows = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    discrepancies = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Careers service return for {self.month_end:%B %Y}"

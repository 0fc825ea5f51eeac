"""The choices on the performance pages: the date, the counting method and the breakdown."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils import timezone

from onward.core.forms import GovukDateField, GovukForm
from onward.performance.models import Method
from onward.performance.selectors import BREAKDOWNS


class FiguresForm(GovukForm):
    date = GovukDateField(name="date", required=False, label="Figures as at", help_text="For example, 31 3 2025")
    method = forms.ChoiceField(
        label="Counting method",
        required=False,
        choices=[(m.value, m.label) for m in Method],
        help_text="The live snapshot counts everyone in scope on the date; the statutory return counts young "
        "people around their 17th to 21st birthdays in the collection year, as the national statistics do",
    )
    by = forms.ChoiceField(label="Break down by", required=False, choices=list(BREAKDOWNS.items()))

    def clean_date(self) -> datetime.date | None:
        day: datetime.date | None = self.cleaned_data.get("date")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError("The date must be today or in the past")
        if day is not None and day.year < 2000:
            raise forms.ValidationError("The date must be in or after 2000")
        return day


def choices(form: FiguresForm, today: datetime.date) -> tuple[datetime.date, str, str]:
    """The date, method and breakdown chosen; today, the live snapshot and team when not (or not validly) chosen."""
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    return data.get("date") or today, data.get("method") or Method.SNAPSHOT, data.get("by") or "team"


def query(day: datetime.date, method: str, **extra: str) -> str:
    """The query string that chooses ``day`` and ``method`` (and anything else) on these pages."""
    return urlencode({"date_0": day.day, "date_1": day.month, "date_2": day.year, "method": method, **extra})

"""Registers the supporters' counts in ``onward.core.indicators`` so plan measures can bind to them.

Each is a pure function of (council, as-at date): matches and meetings are dated, so a measure
re-read for a past date gives the figure it gave then. Counts of young people from 1 to 5 are
shown as ``c`` (suppressed), as published figures are.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from onward.accounts.models import Organisation
from onward.core.indicators import COUNT, IndicatorReading, IndicatorSource, register_indicator
from onward.supporters import selectors

MENTORS_READY = "mentors_ready"
YOUNG_PEOPLE_MENTORED = "young_people_mentored"
MENTOR_MEETINGS = "mentor_meetings_last_year"


def count_reading(value: int, *, people: bool) -> IndicatorReading:
    shown = "c" if people and 1 <= value <= 5 else str(value)
    return IndicatorReading(value=Decimal(value), numerator=value, denominator=None, unit=COUNT, shown=shown)


def _reader(field: str, *, people: bool) -> Callable[[Organisation, datetime.date], IndicatorReading | None]:
    def read(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
        counts = selectors.council_mentoring_counts(council, as_at)
        return count_reading(getattr(counts, field), people=people)

    return read


INDICATORS = (
    (MENTORS_READY, "Mentors with checks and training complete", "mentors_ready", False),
    (YOUNG_PEOPLE_MENTORED, "Young people with a mentor", "young_people_mentored", True),
    (MENTOR_MEETINGS, "Mentor meetings in the last 12 months", "meetings_last_year", False),
)


TRAINING_COMPLETIONS = "training_completions_last_year"


def training_completions(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    return count_reading(selectors.completions_in_year(council, as_at), people=False)


def register_all() -> None:
    for code, name, field, people in INDICATORS:
        register_indicator(IndicatorSource(code=code, name=name, read=_reader(field, people=people), unit=COUNT))
    register_indicator(
        IndicatorSource(
            code=TRAINING_COMPLETIONS,
            name="Training courses completed in the last 12 months (staff, carers, partners, mentors)",
            read=training_completions,
            unit=COUNT,
        )
    )

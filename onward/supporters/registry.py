"""Registers the supporters' counts in ``onward.core.indicators`` so plan measures can bind to them.

Each is a pure function of (council, as-at date): matches, meetings and EHC plans are dated, so a
measure re-read for a past date gives the figure it gave then. Counts of young people from 1 to 5 are
shown as ``c`` (suppressed), as published figures are.

- ``ehc_plan_in_care_or_care_leavers`` (Cambridgeshire 3.1, "the percentage of young people who are in
  care/care leavers [who] have a current EHCP"): of the council's children in care and care leavers on the
  date (looked after, eligible, relevant, former relevant to 25, qualifying: ``people.selectors.
  in_care_or_care_leavers``), the share with an EHC plan in force on it (issued by then and not ceased:
  ``selectors.ehc_plan_in_force``; both read by ``selectors.in_care_with_ehc_plan``, as the list of the young
  people behind the figure is, ``supporters:ehc-plans-in-force``). Each young person counts once, however many plans (a plan replaced by
  a new one, or two overlapping); a plan corrected in place counts with its corrected dates. Who is in
  care or a care leaver is read from the care summary, as every register indicator reads it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from onward.accounts.models import Organisation
from onward.core.indicators import COUNT, PERCENT, IndicatorReading, IndicatorSource, register_indicator
from onward.people.models import YoungPerson
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


EHC_PLANS = "ehc_plan_in_care_or_care_leavers"


def ehc_plans(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    cohort, with_plan = selectors.in_care_with_ehc_plan(YoungPerson.objects.filter(council=council), as_at)
    numerator, denominator = with_plan.count(), cohort.count()
    if not denominator:
        return None
    value = (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    small = 1 <= numerator <= 5 or 1 <= denominator <= 5
    shown = "c" if small else f"{value.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"
    return IndicatorReading(value=value, numerator=numerator, denominator=denominator, unit=PERCENT, shown=shown)


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
    register_indicator(
        IndicatorSource(
            code=EHC_PLANS,
            name="Children in care and care leavers with an EHC plan in force",
            read=ehc_plans,
        )
    )

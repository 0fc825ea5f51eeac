"""Registers the counts improvement plans quote from the employer network in ``onward.core.indicators``,
so a plan measure binds to them instead of a figure typed in before a committee (Stockton: "3
apprenticeships within the council ... across at least 4 areas", "at least 5 external employers
engaged", "2 major employers to champion care leavers", "increased numbers of interviews"; Doncaster: guaranteed interviews).

Each is the same figure the counts page shows (``selectors``) for the 12 months up to and including
the date asked (champions: on that date), from dated records only, so a measure re-read for a past
review date gives the figure it gave then. Counts of young people from 1 to 5 are shown as ``c``, as
published figures are; counts of employers and service areas are shown as they are. Each is read only
when a measure bound to it, a target or the indicators API asks: the dashboard and the monthly
snapshot never read them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from onward.accounts.models import Organisation
from onward.core.indicators import COUNT, PERCENT, IndicatorReading, IndicatorSource, register_indicator
from onward.opportunities import selectors
from onward.opportunities.models import Application

Reader = Callable[[Organisation, datetime.date], IndicatorReading | None]


def year_to(as_at: datetime.date) -> datetime.date:
    """The first day of the 12 months up to and including ``as_at``."""
    try:
        return as_at.replace(year=as_at.year - 1) + datetime.timedelta(days=1)
    except ValueError:  # 29 February
        return as_at.replace(year=as_at.year - 1, day=28) + datetime.timedelta(days=1)


def count_reading(value: int, *, people: bool) -> IndicatorReading:
    shown = "c" if people and 1 <= value <= 5 else str(value)
    return IndicatorReading(value=Decimal(value), numerator=value, denominator=None, unit=COUNT, shown=shown)


def _in_year(count: Callable[[Organisation, datetime.date, datetime.date], int], *, people: bool) -> Reader:
    def read(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
        return count_reading(count(council, year_to(as_at), as_at), people=people)

    return read


def _champions(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    return count_reading(selectors.employer_champions(council, as_at), people=False)


def _apprenticeships(*, inside: bool) -> Callable[[Organisation, datetime.date, datetime.date], int]:
    return lambda council, start, end: selectors.apprenticeship_starts(council, start, end, inside_council=inside)


def _work_experience(*, inside: bool) -> Callable[[Organisation, datetime.date, datetime.date], int]:
    return lambda council, start, end: selectors.work_experience_starts(council, start, end, inside_council=inside)


INDICATORS: tuple[tuple[str, str, Reader], ...] = (
    (
        "apprenticeships_started_inside_council",
        "Apprenticeships started with the council (last 12 months)",
        _in_year(_apprenticeships(inside=True), people=True),
    ),
    (
        "apprenticeships_started_outside_council",
        "Apprenticeships started with other employers (last 12 months)",
        _in_year(_apprenticeships(inside=False), people=True),
    ),
    (
        "council_service_areas_offering",
        "Council service areas offering opportunities (last 12 months)",
        _in_year(selectors.council_service_areas, people=False),
    ),
    (
        "employers_engaged_last_year",
        "Employers engaged: an engagement logged or an opportunity added (last 12 months)",
        _in_year(selectors.employers_with_engagement, people=False),
    ),
    ("employer_champions", "Employers championing care leavers", _champions),
    (
        "guaranteed_interviews_offered",
        "Guaranteed interviews offered: young people put forward (last 12 months)",
        _in_year(selectors.guaranteed_interviews_offered, people=True),
    ),
    (
        "interviews_last_year",
        "Interviews for young people put forward, guaranteed or not (last 12 months)",
        _in_year(selectors.interviews_taken, people=True),
    ),
    (
        "guaranteed_interviews_taken",
        "Guaranteed interviews taken (last 12 months)",
        _in_year(selectors.guaranteed_interviews_taken, people=True),
    ),
    (
        "work_experience_placements",
        "Work experience placements started (last 12 months)",
        _in_year(_work_experience(inside=False), people=True),
    ),
    (
        "employment_programme_starts",
        "Employment programme starts (last 12 months)",
        _in_year(selectors.employment_programme_starts, people=True),
    ),
    (
        "work_experience_inside_council",
        "Work experience placements started with the council (last 12 months)",
        _in_year(_work_experience(inside=True), people=True),
    ),
)


OPPORTUNITY_STARTERS_EET = "opportunity_starters_eet_6_months"


def starters_eet_6_months(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    """Of the young people of ``council`` who started an opportunity and whose date 6 months on fell in the
    12 months up to ``as_at``, the share in EET on that date (``performance.impact``): each young person
    once an opportunity. Suppressed (``c``) when made from 1 to 5."""
    from decimal import ROUND_HALF_UP

    from onward.people.selectors import months_after
    from onward.performance.impact import EET, eet_statuses

    first = year_to(as_at)
    points = []
    for person_id, started_on in Application.objects.filter(
        opportunity__council=council, started_on__lte=as_at
    ).values_list("person_id", "started_on"):
        point = months_after(started_on, 6) if started_on is not None else as_at + datetime.timedelta(days=1)
        if first <= point <= as_at:
            points.append((person_id, point))
    if not points:
        return None
    statuses = eet_statuses(points)
    eet = sum(statuses[point] == EET for point in points)
    value = (Decimal(100) * eet / len(points)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    small = 1 <= len(points) <= 5 or 1 <= eet <= 5
    shown = "c" if small else f"{value.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"
    return IndicatorReading(value=value, numerator=eet, denominator=len(points), unit=PERCENT, shown=shown)


def register_all() -> None:
    for code, name, read in INDICATORS:
        register_indicator(IndicatorSource(code=code, name=name, read=read, unit=COUNT))
    register_indicator(
        IndicatorSource(
            code=OPPORTUNITY_STARTERS_EET,
            name="Young people in EET 6 months after starting an opportunity (last 12 months)",
            read=starters_eet_6_months,
        )
    )

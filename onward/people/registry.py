"""Registers the EET outcome indicators in ``onward.core.indicators`` so plan measures can bind to them
(Stockton rec 1 "move into and remain in EET"; Cambridgeshire area 2 "sustain post-16 provision and
achieve their qualifications").

Each counts the young people on the council's register and is a pure function of (council, as-at
date), read only when a measure bound to it, a target or the indicators API asks: nothing here runs
in the dashboard or the monthly snapshot. Figures of 1 to 5 are shown as ``c`` (suppressed), as the
national statistics publish them; this app sits below the performance app, so it applies that rule
itself.

- **EET sustained at 6 months**: of the EET starts in the 12 months ending 6 months before the date
  (each start judged once, on the day 6 months on, which has passed), the share still in EET then
  without a day's break (``selectors.eet_starts``).
- **Qualifications gained**: qualifications recorded on the EET history dated in the 12 months up to
  and including the date, all and by RQF level.
- **Course and apprenticeship completion**: of the courses (further and higher education,
  traineeships, supported internships), and of the apprenticeships, that ended in the 12 months up
  to the date with a known outcome, the share completed (with or without a qualification).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from onward.accounts.models import Organisation
from onward.core.codelists import EETActivity
from onward.core.indicators import COUNT, PERCENT, IndicatorReading, IndicatorSource, register_indicator
from onward.people import selectors
from onward.people.models import EETSpell, YoungPerson

EET_SUSTAINED_6 = "eet_sustained_6_months"
QUALIFICATIONS = "qualifications_gained_last_year"
COURSE_COMPLETION = "courses_completed"
APPRENTICESHIP_COMPLETION = "apprenticeships_completed"

# Qualification levels counted on their own, and the higher levels together (RQF).
LEVEL_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("entry", "entry level", (EETSpell.QualificationLevel.ENTRY,)),
    ("level_1", "level 1", (EETSpell.QualificationLevel.LEVEL_1,)),
    ("level_2", "level 2", (EETSpell.QualificationLevel.LEVEL_2,)),
    ("level_3", "level 3", (EETSpell.QualificationLevel.LEVEL_3,)),
    (
        "level_4_plus",
        "level 4 or above",
        tuple(str(level) for level in range(4, 9)),
    ),
)


def year_to(as_at: datetime.date) -> datetime.date:
    """The first day of the 12 months up to and including ``as_at``."""
    return selectors.months_after(as_at, -12) + datetime.timedelta(days=1)


def _people(council: Organisation) -> QuerySet[YoungPerson]:
    return YoungPerson.objects.filter(council=council)


def count_reading(value: int) -> IndicatorReading:
    shown = "c" if 1 <= value <= 5 else str(value)
    return IndicatorReading(value=Decimal(value), numerator=value, denominator=None, unit=COUNT, shown=shown)


def share_reading(numerator: int, denominator: int) -> IndicatorReading | None:
    if not denominator:
        return None
    value = (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    small = 1 <= denominator <= 5 or 1 <= numerator <= 5
    shown = "c" if small else f"{value.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"
    return IndicatorReading(value=value, numerator=numerator, denominator=denominator, unit=PERCENT, shown=shown)


def eet_sustained(months: int) -> Callable[[Organisation, datetime.date], IndicatorReading | None]:
    def read(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
        due_by = selectors.months_after(as_at, -months)
        first = year_to(due_by)
        starts = [
            start
            for start in selectors.eet_starts(_people(council), as_at=as_at)
            if first <= start.start and selectors.months_after(start.start, months) <= as_at
        ]
        return share_reading(sum(1 for start in starts if start.sustained[months]), len(starts))

    return read


def qualifications(levels: Iterable[str] | None) -> Callable[[Organisation, datetime.date], IndicatorReading | None]:
    chosen = list(levels) if levels is not None else None

    def read(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
        found = selectors.qualifications_gained(_people(council), start=year_to(as_at), end=as_at)
        if chosen is not None:
            found = found.filter(qualification_level__in=chosen)
        return count_reading(found.count())

    return read


def completion(activities: frozenset[str]) -> Callable[[Organisation, datetime.date], IndicatorReading | None]:
    def read(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
        ended = selectors.activities_ended(_people(council), activities=activities, start=year_to(as_at), end=as_at)
        total = ended.count()
        done = ended.filter(outcome__in=selectors.COMPLETED_OUTCOMES).count()
        return share_reading(done, total)

    return read


def sources() -> list[IndicatorSource]:
    found = [
        IndicatorSource(
            code=EET_SUSTAINED_6,
            name="EET starts sustained at 6 months (starts in the year ending 6 months ago)",
            read=eet_sustained(6),
        ),
        IndicatorSource(
            code=QUALIFICATIONS,
            name="Qualifications gained in the last 12 months",
            read=qualifications(None),
            unit=COUNT,
        ),
        IndicatorSource(
            code=COURSE_COMPLETION,
            name="Courses completed, of those ended in the last 12 months",
            read=completion(selectors.COURSE_ACTIVITIES),
        ),
        IndicatorSource(
            code=APPRENTICESHIP_COMPLETION,
            name="Apprenticeships completed, of those ended in the last 12 months",
            read=completion(frozenset({EETActivity.APPRENTICESHIP})),
        ),
    ]
    for suffix, label, levels in LEVEL_GROUPS:
        found.append(
            IndicatorSource(
                code=f"{QUALIFICATIONS}_{suffix}",
                name=f"Qualifications gained in the last 12 months at {label}",
                read=qualifications(levels),
                unit=COUNT,
            )
        )
    return found


def register_all() -> None:
    for source in sources():
        register_indicator(source)

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
- **Careers guidance in Year 11** (Cambridgeshire 1.2): of the young people in Year 11 and looked after on
  the date, the share with a careers guidance appointment attended since 1 September.
- **Pathway plans for children in care from 15 years 6 months** (Stockton rec 5): of those looked after on
  the date and aged 15 years 6 months or more, the share with a pathway plan (a review recorded by then).
- **Pathway plan audits graded Good or better** (Cambridgeshire 2.1): of the audits dated in the 12 months
  up to the date, the share graded Good or Outstanding.
- **Higher education applications and starts** (Cambridgeshire 2.3): applications made, and courses
  started, in the 12 months up to the date.
- **Placement moves in the academic year**: care episodes that began with a new placement from
  1 September to the date.
- **Workers per young person** (Stockton rec 2, "fewer workers"): for the young people with a worker
  allocated in the 12 months up to the date, the mean number of different workers in any role.
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
from onward.people.models import GOOD_OR_BETTER, EETSpell, YoungPerson

EET_SUSTAINED_6 = "eet_sustained_6_months"
QUALIFICATIONS = "qualifications_gained_last_year"
COURSE_COMPLETION = "courses_completed"
APPRENTICESHIP_COMPLETION = "apprenticeships_completed"
YEAR_11_GUIDANCE = "careers_guidance_year_11"
CARE_PATHWAY_PLANS = "pathway_plans_in_care_15_and_a_half"
PLAN_AUDITS_GOOD = "pathway_plan_audits_good"
HE_APPLICATIONS = "he_applications_last_year"
HE_STARTS = "he_starts_last_year"
PLACEMENT_MOVES = "placement_moves_academic_year"
WORKERS_PER_PERSON = "workers_per_young_person"

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


def year_11_guidance(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    return share_reading(*selectors.year_11_guidance(_people(council), as_at))


def care_pathway_plans(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    return share_reading(*selectors.children_in_care_with_pathway_plans(_people(council), as_at))


def plan_audits_good(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    audits = selectors.pathway_audits_between(_people(council), start=year_to(as_at), end=as_at)
    return share_reading(audits.filter(grade__in=GOOD_OR_BETTER).count(), audits.count())


def he_applications(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    return count_reading(selectors.he_applications_between(_people(council), start=year_to(as_at), end=as_at).count())


def he_starts(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    return count_reading(selectors.he_starts_between(_people(council), start=year_to(as_at), end=as_at).count())


def placement_moves(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    first = selectors.academic_year_first(as_at)
    return count_reading(selectors.placement_moves_between(_people(council), start=first, end=as_at).count())


def workers_per_person(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    """The mean, to one decimal place; suppressed (``c``) when 1 to 5 young people are counted."""
    found = selectors.workers_per_person(_people(council), start=year_to(as_at), end=as_at)
    if not found:
        return None
    workers, people = sum(found.values()), len(found)
    value = (Decimal(workers) / people).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    shown = "c" if people <= 5 else str(value)
    return IndicatorReading(value=value, numerator=workers, denominator=people, unit=COUNT, shown=shown)


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
        IndicatorSource(
            code=YEAR_11_GUIDANCE,
            name="Year 11 children in care with a careers guidance appointment attended this academic year",
            read=year_11_guidance,
        ),
        IndicatorSource(
            code=CARE_PATHWAY_PLANS,
            name="Children in care aged 15 years 6 months or more with a pathway plan",
            read=care_pathway_plans,
        ),
        IndicatorSource(
            code=PLAN_AUDITS_GOOD,
            name="Pathway plans audited in the last 12 months graded Good or Outstanding",
            read=plan_audits_good,
        ),
        IndicatorSource(
            code=HE_APPLICATIONS,
            name="Higher education applications made in the last 12 months",
            read=he_applications,
            unit=COUNT,
        ),
        IndicatorSource(
            code=HE_STARTS,
            name="Higher education courses started in the last 12 months",
            read=he_starts,
            unit=COUNT,
        ),
        IndicatorSource(
            code=PLACEMENT_MOVES,
            name="Placement moves of children in care since 1 September (this academic year)",
            read=placement_moves,
            unit=COUNT,
        ),
        IndicatorSource(
            code=WORKERS_PER_PERSON,
            name="Workers per young person in the last 12 months (mean, any role)",
            read=workers_per_person,
            unit=COUNT,
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

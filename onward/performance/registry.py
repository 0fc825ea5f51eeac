"""Registers the headline indicators in ``onward.core.indicators`` so plan measures can bind to them.

A plan measure stores only the indicator's code and reads it through
``core.indicators.read_indicator(code, council=..., as_at=...)``: the live snapshot on that date.
National figures come from the versioned data file (``benchmarks.national_reader``), for every
indicator that has one. A reading carries its published text (``display``, as councillors see
it): plans go to committees, so they quote live figures rounded with small numbers suppressed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import QuerySet

from onward.accounts.models import Organisation
from onward.core.indicators import (
    IndicatorReading,
    IndicatorSource,
    TargetStepReading,
    read_national,
    register_indicator,
    register_target_reader,
)
from onward.people.cohort import NEET_INDICATOR, register_neet_cohort
from onward.people.models import YoungPerson
from onward.performance import benchmarks, comparisons, display, indicators, live
from onward.performance.models import Method


def read(
    code: str, council: Organisation, as_at: datetime.date, method: str = Method.SNAPSHOT
) -> IndicatorReading | None:
    """The indicator's reading for a council on a date; ``None`` for an empty denominator."""
    from onward.performance import selectors

    figure = selectors.figure(council, as_at, method, code)
    if figure is None or figure.value is None:
        return None
    return IndicatorReading(
        value=figure.value,
        numerator=figure.numerator,
        denominator=figure.denominator,
        unit=figure.unit,
        shown=display.show(figure, aggregate=True).value,
    )


def _reader(code: str) -> Callable[[Organisation, datetime.date], IndicatorReading | None]:
    def reader(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
        return read(code, council, as_at)

    return reader


def council_target(council: Organisation, code: str, as_at: datetime.date) -> list[TargetStepReading] | None:
    """The council's target for ``code`` as set on the targets page, each step resolved on ``as_at``.

    ``None`` when the council has set no target for the indicator. A step relative to the national
    figure or the neighbours' average asks for that benchmark on ``as_at`` plus its offset.
    """
    from onward.performance import targets as rating
    from onward.performance.models import Target

    target = Target.objects.filter(council=council, indicator=code).prefetch_related("steps").first()
    if target is None:
        return None
    steps = sorted(target.steps.all(), key=lambda step: step.by_date)
    national = read_national(code, as_at=as_at)
    neighbours = None
    if any(step.kind == "neighbours" for step in steps):
        neighbours = comparisons.benchmarks_for_all(council, [code], as_at)[code].neighbours
    return [
        TargetStepReading(
            due_on=step.by_date,
            value=rating.step_value(step, national=national, neighbours=neighbours),
            describe=rating.describe_step(step, code),
            relative=step.kind != "absolute",
        )
        for step in steps
    ]


def neet_cohort(people: QuerySet[YoungPerson], day: datetime.date) -> QuerySet[YoungPerson]:
    """Those of ``people`` counted by the dashboard's ``neet_cohort_size`` on ``day`` (``people.cohort``)."""

    condition = indicators.numerator_condition(indicators.get(NEET_INDICATOR))
    return people.filter(pk__in=live.live_ids(people, day, condition))


def register_all() -> None:
    register_target_reader(council_target)
    register_neet_cohort(neet_cohort)
    for indicator in indicators.INDICATORS:
        register_indicator(
            IndicatorSource(
                code=indicator.code,
                name=indicator.name,
                read=_reader(indicator.code),
                unit=indicator.unit,
                national=benchmarks.national_reader(indicator.code),
            )
        )

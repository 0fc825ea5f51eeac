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

from onward.accounts.models import Organisation
from onward.core.indicators import IndicatorReading, IndicatorSource, register_indicator
from onward.performance import benchmarks, display, indicators
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


def register_all() -> None:
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

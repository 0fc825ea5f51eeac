"""Registers the headline indicators in ``onward.core.indicators`` so plan measures can bind to them.

A plan measure stores only the indicator's code and reads it through
``core.indicators.read_indicator(code, council=..., as_at=...)``: the live snapshot on that date.
National figures: set ``NATIONAL`` (or pass ``national=``) once the benchmark data are loaded.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from onward.accounts.models import Organisation
from onward.core.indicators import IndicatorReading, IndicatorSource, register_indicator
from onward.performance import indicators
from onward.performance.models import Method

NationalReader = Callable[[str, datetime.date], Decimal | None]
NATIONAL: NationalReader | None = None
"""``(code, as_at) -> national figure``: the benchmark module sets this; until then no national figure."""


def read(
    code: str, council: Organisation, as_at: datetime.date, method: str = Method.SNAPSHOT
) -> IndicatorReading | None:
    """The indicator's reading for a council on a date; ``None`` for an empty denominator."""
    from onward.performance import selectors

    figure = selectors.figure(council, as_at, method, code)
    if figure is None or figure.value is None:
        return None
    return IndicatorReading(
        value=figure.value, numerator=figure.numerator, denominator=figure.denominator, unit=figure.unit
    )


def _reader(code: str) -> Callable[[Organisation, datetime.date], IndicatorReading | None]:
    def reader(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
        return read(code, council, as_at)

    return reader


def _national(code: str) -> Callable[[datetime.date], Decimal | None]:
    def national(as_at: datetime.date) -> Decimal | None:
        return NATIONAL(code, as_at) if NATIONAL is not None else None

    return national


def register_all() -> None:
    for indicator in indicators.INDICATORS:
        register_indicator(
            IndicatorSource(
                code=indicator.code,
                name=indicator.name,
                read=_reader(indicator.code),
                unit=indicator.unit,
                national=_national(indicator.code),
            )
        )

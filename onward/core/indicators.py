"""The binding point between live indicators and the things that quote them.

The performance app computes indicators from the register; improvement plans bind a success
measure to one so that its evidence of progress fills itself. Neither imports the other: the
performance app registers each indicator here (in its ``AppConfig.ready``), and a plan measure
stores only the indicator's ``code`` and reads it through :func:`read_indicator`.

A reading is a value *as at a date* for one council, so a committee document re-run for a past
review date quotes the same figure it quoted then.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from onward.accounts.models import Organisation


PERCENT = "percent"
COUNT = "count"


@dataclass(frozen=True)
class IndicatorReading:
    """One indicator's value for one council on one date.

    ``value`` is a percentage (0 to 100) for a rate and a whole number for a count;
    ``numerator`` and ``denominator`` say what the percentage was made from (the denominator is
    ``None`` for a count). ``value`` is for comparing with targets; what is shown is ``shown``.
    """

    value: Decimal
    numerator: int
    denominator: int | None
    unit: str = PERCENT
    shown: str = ""
    """The reading as published, with its unit: counts rounded to 10, 1 to 5 shown as ``c``, whole
    percentages (set by the app that registers the indicator). Plans quote this, not ``value``."""


@dataclass(frozen=True)
class IndicatorSource:
    """An indicator that plans and reports may quote.

    ``read(council, as_at)`` returns the reading, or ``None`` when there is nothing to count (an
    empty cohort). ``national(as_at)`` returns the latest published national figure on that
    date, when there is one.
    """

    code: str
    name: str
    read: Callable[[Organisation, datetime.date], IndicatorReading | None]
    unit: str = PERCENT
    national: Callable[[datetime.date], Decimal | None] | None = None


_REGISTRY: dict[str, IndicatorSource] = {}


def register_indicator(source: IndicatorSource) -> None:
    """Make an indicator available to bind to. Registering the same code again replaces it."""
    _REGISTRY[source.code] = source


def unregister_indicator(code: str) -> None:
    _REGISTRY.pop(code, None)


def registered_indicators() -> list[IndicatorSource]:
    """Every registered indicator, in name order (for choice lists)."""
    return sorted(_REGISTRY.values(), key=lambda source: source.name)


def indicator_source(code: str) -> IndicatorSource | None:
    return _REGISTRY.get(code)


def read_indicator(code: str, *, council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    """The reading of indicator ``code`` for ``council`` on ``as_at``; ``None`` for an unknown code."""
    source = _REGISTRY.get(code)
    if source is None:
        return None
    return source.read(council, as_at)


def read_national(code: str, *, as_at: datetime.date) -> Decimal | None:
    """The national figure in force on ``as_at`` for indicator ``code``, when one is published."""
    source = _REGISTRY.get(code)
    if source is None or source.national is None:
        return None
    return source.national(as_at)


# Targets ------------------------------------------------------------------------------------------
#
# A council sets one target per indicator, on the targets page (the performance app). A plan measure
# bound to an indicator quotes that target rather than figures typed into the plan, so the targets
# page, the dashboard and the committee documents can never disagree.


@dataclass(frozen=True)
class TargetStepReading:
    """One dated step of a council's target for an indicator, as asked for on a date.

    ``value`` is the figure the step asks for (for a step relative to a benchmark, the benchmark on
    that date plus the offset); ``None`` while that benchmark is not available.
    """

    due_on: datetime.date
    value: Decimal | None
    describe: str
    relative: bool = False


TargetReader = Callable[["Organisation", str, datetime.date], list[TargetStepReading] | None]
_TARGET_READERS: list[TargetReader] = []


def register_target_reader(reader: TargetReader) -> None:
    """Name the function that reads a council's target for an indicator (one for the whole service)."""
    _TARGET_READERS[:] = [reader]


def read_council_target(code: str, *, council: Organisation, as_at: datetime.date) -> list[TargetStepReading] | None:
    """The council's target for indicator ``code``, step by step, on ``as_at``; ``None`` when it has set none."""
    if not _TARGET_READERS or not code:
        return None
    return _TARGET_READERS[0](council, code, as_at)

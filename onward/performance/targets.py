"""Rating a figure against a target: pure functions, no database.

A target has dated steps (a stepped trajectory). The step *in force* on a date is the latest step
whose date has come (the milestone already due); before the first step's date, the first step is
the one being worked towards. A step's value is a fixed figure, or a benchmark (national, or the
statistical neighbours' average) plus an offset in percentage points.

A figure is *on target* when it is at least as good as the target, *near target* when it misses by
no more than the tolerance (percentage points), and *off target* otherwise. "Good" depends on the
indicator: for NEET and "not known" figures lower is better.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, TypeVar

from django.conf import settings

LOWER_IS_BETTER_PREFIXES = ("neet", "not_known")


class Rating(StrEnum):
    ON = "on"
    NEAR = "near"
    OFF = "off"

    @property
    def label(self) -> str:
        return {"on": "On target", "near": "Near target", "off": "Off target"}[self.value]

    @property
    def tag_class(self) -> str:
        """The GOV.UK tag colour for this rating."""
        return {"on": "govuk-tag--green", "near": "govuk-tag--yellow", "off": "govuk-tag--red"}[self.value]


def lower_is_better(code: str) -> bool:
    """Whether a lower figure is the better one (NEET, not known and the NEET cohort's size).

    The indicator catalogue says so; a code it does not hold is judged by its name.
    """
    from onward.performance.indicators import BY_CODE

    indicator = BY_CODE.get(code)
    if indicator is not None:
        return not indicator.higher_is_better
    return code.startswith(LOWER_IS_BETTER_PREFIXES)


def default_tolerance() -> Decimal:
    return Decimal(str(settings.ONWARD_TARGET_TOLERANCE_POINTS))


def rate(value: Decimal, target: Decimal, tolerance: Decimal, *, lower_better: bool = False) -> Rating:
    """On target, near target (missed by no more than ``tolerance``) or off target."""
    shortfall = (value - target) if lower_better else (target - value)
    if shortfall <= 0:
        return Rating.ON
    if shortfall <= tolerance:
        return Rating.NEAR
    return Rating.OFF


class StepLike(Protocol):
    by_date: datetime.date
    kind: str
    value: Decimal


S = TypeVar("S", bound=StepLike)


def step_in_force(steps: Sequence[S], as_at: datetime.date) -> S | None:
    """The step in force on ``as_at``: the latest already due, or the first while none is due yet."""
    ordered = sorted(steps, key=lambda step: step.by_date)
    if not ordered:
        return None
    due = [step for step in ordered if step.by_date <= as_at]
    return due[-1] if due else ordered[0]


def step_value(step: StepLike, *, national: Decimal | None, neighbours: Decimal | None) -> Decimal | None:
    """The figure a step asks for; ``None`` for a relative step whose benchmark is not available."""
    if step.kind == "absolute":
        return Decimal(step.value)
    base = national if step.kind == "national" else neighbours
    if base is None:
        return None
    return max(Decimal(0), min(Decimal(100), base + Decimal(step.value)))


def describe_step(step: StepLike, code: str = "") -> str:
    """A step in words, for pages and reports ("National figure plus 5 points by 1 April 2023")."""
    unit = "" if code and indicator_unit(code) != "percent" else "%"
    when = f"by {step.by_date:%-d %B %Y}"
    value = Decimal(step.value)
    if step.kind == "absolute":
        return f"{value.normalize():f}{unit} {when}"
    base = "National figure" if step.kind == "national" else "Statistical neighbours' average"
    sign = "plus" if value >= 0 else "minus"
    points = abs(value).normalize()
    return f"{base} {sign} {points:f} point{'' if points == 1 else 's'} {when}"


@dataclass(frozen=True)
class TargetStatus:
    """A figure against the target in force on a date."""

    target: Decimal | None
    rating: Rating | None
    step_text: str
    tolerance: Decimal


def indicator_names() -> dict[str, str]:
    """Every indicator a target or benchmark may name: code to name, in name order."""
    from onward.core.indicators import registered_indicators
    from onward.performance.indicators import INDICATORS

    registered = {source.code: source.name for source in registered_indicators()}
    return registered or {indicator.code: indicator.name for indicator in INDICATORS}


def indicator_unit(code: str) -> str:
    from onward.core.indicators import PERCENT, indicator_source

    source = indicator_source(code)
    return source.unit if source is not None else PERCENT

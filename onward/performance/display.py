"""How a figure is shown: exact for those who may see the young people, rounded and suppressed for the rest.

Councillors and others who see aggregates only (``Perm.VIEW_AGGREGATES`` without
``Perm.VIEW_DRILLDOWN``) get the national statistics' conventions (REFERENCE.md §3, ADR 10):

- a count of 1 to 5 is shown as ``c`` (suppressed); 0 is shown as 0;
- other counts are rounded to the nearest 10, as the national statistics round both national and
  council figures (so a council's figures can be set beside the published ones);
- a percentage is worked out from the unrounded figures and shown as a whole number; it is
  suppressed (``c``) when its numerator or its denominator is suppressed, and shown as ``k`` when
  it is above 0 but below 0.5%.

Everyone else sees exact counts and percentages to one decimal place.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.performance.indicators import Figure

SUPPRESSED = "c"
LESS_THAN_HALF = "k"
SMALL_MAX = 5
ROUND_TO = 10


def aggregates_only(user: User) -> bool:
    """Whether the user sees aggregate figures only (rounded, small numbers suppressed, no lists)."""
    return not user.can(Perm.VIEW_DRILLDOWN)


def count_text(value: int | None, *, aggregate: bool) -> str:
    if value is None:
        return ""
    if not aggregate:
        return f"{value:,}"
    if 1 <= value <= SMALL_MAX:
        return SUPPRESSED
    rounded = int((Decimal(value) / ROUND_TO).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * ROUND_TO
    return f"{rounded:,}"


def percentage_text(figure: Figure, *, aggregate: bool) -> str:
    value = figure.percentage
    if value is None:
        return "No one to count"
    if not aggregate:
        return f"{value}%"
    if 1 <= figure.numerator <= SMALL_MAX or (figure.denominator is not None and 1 <= figure.denominator <= SMALL_MAX):
        return SUPPRESSED
    if figure.numerator and value < Decimal("0.5"):
        return LESS_THAN_HALF
    return f"{value.quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def chart_value(figure: Figure, *, aggregate: bool) -> float | None:
    """The number to plot: the percentage (whole for aggregates) or the count; ``None`` when not shown."""
    if figure.unit != "percent":
        if aggregate and 1 <= figure.numerator <= SMALL_MAX:
            return None
        text = count_text(figure.numerator, aggregate=aggregate).replace(",", "")
        return float(text)
    value = figure.percentage
    if value is None:
        return None
    text = percentage_text(figure, aggregate=aggregate)
    if text == SUPPRESSED:
        return None
    if text == LESS_THAN_HALF:
        return 0.0
    return float(text.rstrip("%"))


@dataclass(frozen=True)
class Shown:
    """A figure as the user sees it."""

    value: str
    numerator: str
    denominator: str
    suppressed: bool


def show(figure: Figure, *, aggregate: bool) -> Shown:
    numerator = count_text(figure.numerator, aggregate=aggregate)
    denominator = count_text(figure.denominator, aggregate=aggregate)
    value = percentage_text(figure, aggregate=aggregate) if figure.unit == "percent" else numerator
    return Shown(value=value, numerator=numerator, denominator=denominator, suppressed=value == SUPPRESSED)

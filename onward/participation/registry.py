"""Registers the participation indicators in ``onward.core.indicators`` so plan measures can bind to them.

Each is a pure function of (council, as-at date): a measure re-read for a past date gives the figure it
gave then, because the activities, contacts and intended destinations are effective-dated.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from onward.accounts.models import Organisation
from onward.core.indicators import IndicatorReading, IndicatorSource, register_indicator
from onward.participation import rules, selectors

PARTICIPATION = "participation_16_17"
NEET_NOT_KNOWN = "neet_not_known_16_17"
GUARANTEE_OFFERS = "september_guarantee_offers"
ASPIRATIONS = "aspiration_recorded_9_11"


def reading(numerator: int, denominator: int, sums: tuple[int, int] | None = None) -> IndicatorReading | None:
    """A percentage reading; ``sums`` (numerator and denominator totals) when it is an average of months."""
    top, bottom = sums or (numerator, denominator)
    if not bottom:
        return None
    value = (Decimal(100) * top / bottom).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    shown = f"{value.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"
    return IndicatorReading(value=value, numerator=numerator, denominator=denominator, shown=shown)


def participation(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    """Academic age 16 and 17 participating in education or training on ``as_at``."""
    figure = selectors.participation_figure(selectors.council_activities(council, as_at))
    return reading(figure.numerator, figure.denominator)


def neet_not_known(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    """NEET or not known, the Department's way: the average of the December, January and February month
    ends, the latest such three on or before ``as_at``. The numerator and denominator shown are the
    averages, rounded; the percentage is made from the three months' totals."""
    figures = [
        selectors.neet_not_known_figure(selectors.council_activities(council, day))
        for day in rules.headline_months(as_at)
    ]
    top = sum(f.numerator for f in figures)
    bottom = sum(f.denominator for f in figures)
    return reading(round(top / 3), round(bottom / 3), (top, bottom))


def guarantee_offers(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    """Year 11 and 12 young people with a September Guarantee offer made, in the round tracked on ``as_at``."""
    found = selectors.guarantees(selectors.council_people(council), as_at)
    made = sum(1 for g in found if g.status == rules.GuaranteeStatus.OFFER_MADE)
    return reading(made, len(found))


def aspirations(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    """Young people in Years 9 to 11 on ``as_at`` with an aspiration recorded by then (Cambridgeshire 1.1)."""
    recorded, total = selectors.aspiration_indicator_counts(selectors.council_people(council), as_at)
    return reading(recorded, total)


INDICATORS = (
    (PARTICIPATION, "16 and 17 year olds participating in education or training", participation),
    (NEET_NOT_KNOWN, "16 and 17 year olds NEET or whose activity is not known (December to February)", neet_not_known),
    (GUARANTEE_OFFERS, "Year 11 and 12 young people with a September Guarantee offer", guarantee_offers),
    (ASPIRATIONS, "Young people in Years 9 to 11 with an aspiration recorded", aspirations),
)


def register_all() -> None:
    for code, name, read in INDICATORS:
        register_indicator(IndicatorSource(code=code, name=name, read=read))

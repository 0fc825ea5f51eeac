"""Registers the network's indicators in ``onward.core.indicators`` so plan measures can bind to them.

Each is a pure function of (council, as-at date), read from effective-dated histories, so a measure
re-read for a past date gives the figure it gave then.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from onward.accounts.models import Organisation
from onward.core.indicators import IndicatorReading, IndicatorSource, register_indicator
from onward.network import selectors
from onward.network.models import BenefitSpell
from onward.people import selectors as people_selectors
from onward.people.models import YoungPerson

SETTING_RECORDED = "network_setting_recorded"
BENEFITS_CLAIMED = "network_neet_claiming_benefits"
CLAIMING = (BenefitSpell.Status.APPLIED, BenefitSpell.Status.RECEIVING)


def reading(numerator: int, denominator: int) -> IndicatorReading | None:
    """A percentage reading (none when nobody is counted)."""
    if not denominator:
        return None
    value = (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    shown = f"{value.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"
    return IndicatorReading(value=value, numerator=numerator, denominator=denominator, shown=shown)


def setting_recorded(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    """Children in care and care leavers of school age (Years 1 to 13) with a school or college recorded."""
    people = selectors.in_care_or_care_leavers(YoungPerson.objects.filter(council=council), as_at)
    pupils = [p.pk for p in people if 1 <= people_selectors.school_year_on(p.date_of_birth, as_at) <= 13]
    recorded = selectors.settings_on(YoungPerson.objects.filter(pk__in=pupils), as_at)
    return reading(len(recorded), len(pupils))


def neet_claiming(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    """Care leavers aged 18 and over who are NEET and have a benefit claimed or received."""
    adults = selectors.in_care_or_care_leavers(YoungPerson.objects.filter(council=council), as_at).filter(
        date_of_birth__lte=people_selectors.years_before(as_at, 18)
    )
    neet = people_selectors.neet_on(adults, as_at)
    claims = selectors.benefits_on(neet, as_at)
    claiming = sum(1 for s in claims.values() if s.status in CLAIMING and s.benefit != BenefitSpell.Benefit.NONE)
    return reading(claiming, neet.count())


INDICATORS = (
    (
        SETTING_RECORDED,
        "Children in care and care leavers of school age with a school or college recorded",
        setting_recorded,
    ),
    (BENEFITS_CLAIMED, "NEET care leavers aged 18 and over claiming or receiving a benefit", neet_claiming),
)


def register_all() -> None:
    for code, name, read in INDICATORS:
        register_indicator(IndicatorSource(code=code, name=name, read=read))

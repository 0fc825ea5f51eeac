"""Registers "NEET young people referred in time" in ``onward.core.indicators`` for plan measures (Derby
4.14: everyone who becomes NEET referred to the NEET offer at once).

**In time** is within ``ONWARD_NEET_REFERRAL_WORKING_DAYS`` working days (default 10) of becoming NEET,
counted Monday to Friday exactly as the triage deadline is (``services.working_days_after``). Working
days rather than 14 calendar days because the referral is work done by advisers, and the service
already counts its other referral deadline that way, so a team reads the two alike; bank holidays are
not held, so a fortnight with one gives a day less than it seems.

The figure, as at a date: of the times a young person on the council's register became NEET (the
first day of an unbroken stretch of NEET activities, ``selectors.neet_starts``) whose deadline has
passed by the date and fell in the 12 months up to it, the share with a referral made from the day
they became NEET to the deadline. Referrals are dated when made, so a past date gives the figure it
gave then. Read only when a measure bound to it, a target or the indicators API asks.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models.functions import TruncDate

from onward.accounts.models import Organisation
from onward.core.indicators import PERCENT, IndicatorReading, IndicatorSource, register_indicator
from onward.people.models import YoungPerson
from onward.referrals import selectors
from onward.referrals.models import Referral

NEET_REFERRED_IN_TIME = "neet_referred_in_time"


def year_to(as_at: datetime.date) -> datetime.date:
    try:
        return as_at.replace(year=as_at.year - 1) + datetime.timedelta(days=1)
    except ValueError:  # 29 February
        return as_at.replace(year=as_at.year - 1, day=28) + datetime.timedelta(days=1)


def referred_in_time(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    people = YoungPerson.objects.filter(council=council).values("pk")
    first = year_to(as_at)
    # Look back far enough to catch every start whose deadline falls in the year.
    lookback = 2 * selectors.neet_referral_days() + 14
    starts = [
        (person_id, day, selectors.referral_due(day))
        for person_id, day in selectors.neet_starts(people, first - datetime.timedelta(days=lookback), as_at)
    ]
    starts = [(person_id, day, due) for person_id, day, due in starts if first <= due <= as_at]
    if not starts:
        return None
    made: dict[int, list[datetime.date]] = {}
    for person_id, day in (
        Referral.objects.filter(person_id__in={person_id for person_id, _day, _due in starts})
        .annotate(made_on=TruncDate("created_at"))
        .values_list("person_id", "made_on")
    ):
        made.setdefault(person_id, []).append(day)
    referred = sum(any(day <= made_on <= due for made_on in made.get(person_id, [])) for person_id, day, due in starts)
    total = len(starts)
    value = (Decimal(100) * referred / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    small = 1 <= total <= 5 or 1 <= referred <= 5
    shown = "c" if small else f"{value.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"
    return IndicatorReading(value=value, numerator=referred, denominator=total, unit=PERCENT, shown=shown)


def register_all() -> None:
    register_indicator(
        IndicatorSource(
            code=NEET_REFERRED_IN_TIME,
            name=f"Young people referred within {selectors.neet_referral_days()} working days of becoming NEET"
            " (last 12 months)",
            read=referred_in_time,
        )
    )

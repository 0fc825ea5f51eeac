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

**Needs referred with a service with places** (Leeds quality mark objective 9; Cambridgeshire 4.1,
4.3): of the needs recorded on the council's referrals made in the 12 months up to the date (each need
of each referral once), the share for which the council's directory has a service meeting the need,
active on the date, with places recorded (more than none). It is read from the needs against provision
report's own selector (``selectors.needs_against_provision``, summed by ``selectors.needs_with_places``),
so the report and the figure cannot disagree. Services' places are as recorded now (not dated).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models.functions import TruncDate

from onward.accounts.models import Organisation
from onward.core.indicators import PERCENT, IndicatorReading, IndicatorSource, register_indicator
from onward.people.models import YoungPerson
from onward.referrals import selectors
from onward.referrals.models import Referral, Send

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


# Impact: starters of a directory service in EET N months on (Cambridgeshire 2.5; Derby 4.12; Leeds 2e) --

STARTERS_EET = "service_starters_eet_{months}_months"
STARTERS_EET_KIND = "service_starters_eet_6_months_{kind}"


def starters_eet_reading(eet: int, reached: int) -> IndicatorReading | None:
    """A share of starters in EET, with the published conventions (1 to 5 suppressed, whole percentages)."""
    if not reached:
        return None
    value = (Decimal(100) * eet / reached).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    small = 1 <= reached <= 5 or 1 <= eet <= 5
    shown = "c" if small else f"{value.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"
    return IndicatorReading(value=value, numerator=eet, denominator=reached, unit=PERCENT, shown=shown)


def starters_eet(
    council: Organisation, as_at: datetime.date, *, months: int, kind: str | None = None
) -> IndicatorReading | None:
    """Of the young people of ``council`` who started a directory service (of ``kind``, if given) and
    whose date ``months`` on fell in the 12 months up to ``as_at``, the share in EET on that date. Each
    young person counts once a service, from their first start there."""
    from onward.people.selectors import months_after
    from onward.performance.impact import EET, eet_statuses, first_days

    sends = Send.objects.filter(referral__council=council, started_on__lte=as_at)
    if kind is not None:
        sends = sends.filter(service__kind=kind)
    by_service: dict[int, list[tuple[int, datetime.date | None]]] = {}
    for service_id, person_id, started_on in sends.order_by().values_list(
        "service_id", "referral__person_id", "started_on"
    ):
        by_service.setdefault(service_id, []).append((person_id, started_on))
    first = year_to(as_at)
    points = [
        (person_id, months_after(day, months))
        for rows in by_service.values()
        for person_id, day in first_days(rows).items()
        if first <= months_after(day, months) <= as_at
    ]
    statuses = eet_statuses(points)
    return starters_eet_reading(sum(statuses[point] == EET for point in points), len(points))


def _starters_reader(
    *, months: int, kind: str | None = None
) -> Callable[[Organisation, datetime.date], IndicatorReading | None]:
    def read(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
        return starters_eet(council, as_at, months=months, kind=kind)

    return read


# Needs against provision (Leeds quality mark objective 9; Cambridgeshire 4.1, 4.3) -------------------------

NEEDS_WITH_PLACES = "needs_referred_with_places"


def needs_provision_rows(council: Organisation, as_at: datetime.date) -> list[selectors.ProvisionRow]:
    """The by-need rows of the needs against provision report for ``council``: the referrals made in the 12
    months up to ``as_at`` against the council's directory (its services and its live partners') active
    on ``as_at``, read by the report's own selector."""
    referrals = selectors.made_between(Referral.objects.filter(council=council), year_to(as_at), as_at)
    sends = Send.objects.filter(referral__in=referrals)
    by_need, _by_area = selectors.needs_against_provision(referrals, sends, selectors.council_directory(council), as_at)
    return by_need


def needs_with_places(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    """Of the needs recorded on the council's referrals made in the 12 months up to ``as_at`` (each need of
    each referral once), the share for which the directory has a service meeting it with places."""
    met, total = selectors.needs_with_places(needs_provision_rows(council, as_at))
    if not total:
        return None
    value = (Decimal(100) * met / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    small = 1 <= total <= 5 or 1 <= met <= 5
    shown = "c" if small else f"{value.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"
    return IndicatorReading(value=value, numerator=met, denominator=total, unit=PERCENT, shown=shown)


def register_all() -> None:
    from onward.referrals.models import Service

    for months in (6, 12):
        register_indicator(
            IndicatorSource(
                code=STARTERS_EET.format(months=months),
                name=f"Young people in EET {months} months after starting a directory service (last 12 months)",
                read=_starters_reader(months=months),
            )
        )
    for kind, label in Service.Kind.choices:
        register_indicator(
            IndicatorSource(
                code=STARTERS_EET_KIND.format(kind=kind),
                name=f"Young people in EET 6 months after starting a service: {str(label).lower()} (last 12 months)",
                read=_starters_reader(months=6, kind=kind),
            )
        )
    register_indicator(
        IndicatorSource(
            code=NEET_REFERRED_IN_TIME,
            name=f"Young people referred within {selectors.neet_referral_days()} working days of becoming NEET"
            " (last 12 months)",
            read=referred_in_time,
        )
    )
    register_indicator(
        IndicatorSource(
            code=NEEDS_WITH_PLACES,
            name="Needs referred with a directory service with places (referrals in the last 12 months)",
            read=needs_with_places,
        )
    )

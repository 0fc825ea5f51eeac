"""The rules of 16-17 participation, as pure functions: academic age, the cohort, currency and lapse,
what a record counts as, the September Guarantee round and the Annual Activity Survey year.

Nothing here touches the database, so the selectors, the feed, the indicators and the tests all
share one definition (ADR 21).
"""

from __future__ import annotations

import calendar
import datetime
from enum import StrEnum

from django.conf import settings
from django.db import models

from onward.core.codelists import NCCIS_PARTICIPATING, NCCISGroup, nccis_group

COHORT_AGES = (16, 17)
"""Academic ages the council must track (Years 12 and 13)."""
SEND_UP_TO = 24
"""Young people with an education, health and care plan are tracked up to this academic age."""

LAPSE_DAYS_BY_GROUP: dict[NCCISGroup, int | None] = {
    NCCISGroup.PRE_16: 365,
    NCCISGroup.EDUCATION: 365,
    NCCISGroup.TRAINING: 183,
    NCCISGroup.EMPLOYMENT: 183,
    NCCISGroup.RE_ENGAGEMENT: 92,
    NCCISGroup.NEET: 92,
    NCCISGroup.OTHER: 183,
    NCCISGroup.NOT_KNOWN: None,
}
"""Onward's default currency, in days from the date an activity was ascertained to the day it lapses:
a year for education, six months for employment, training and custody, three months for re-engagement
and NEET. Not known never lapses (it is already not known). A council changes any code with the
``ONWARD_NCCIS_LAPSE_DAYS`` setting (from the environment, ``230=300;619=61``); docs/nccis-feed.md
lists them."""


def lapse_days(code: str) -> int | None:
    """Days an activity with NCCIS ``code`` stays current once ascertained; ``None`` if it never lapses."""
    overrides: dict[str, int] = settings.ONWARD_NCCIS_LAPSE_DAYS or {}
    if code in overrides:
        return int(overrides[code])
    return LAPSE_DAYS_BY_GROUP[nccis_group(code)]


def due_to_lapse(code: str, ascertained: datetime.date | None) -> datetime.date | None:
    """The last day the activity is current: ascertained plus its currency (``None`` if it never lapses)."""
    days = lapse_days(code)
    if days is None or ascertained is None:
        return None
    return ascertained + datetime.timedelta(days=days)


def is_lapsed(due: datetime.date | None, day: datetime.date) -> bool:
    """Lapsed on ``day``: the day is after the last day of its currency."""
    return due is not None and day > due


def academic_year_start(day: datetime.date) -> datetime.date:
    """The 31 August just before the academic year (1 September to 31 August) ``day`` falls in."""
    year = day.year if day.month >= 9 else day.year - 1
    return datetime.date(year, 8, 31)


def age_on(dob: datetime.date, day: datetime.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def academic_age(dob: datetime.date, day: datetime.date) -> int:
    """Age on the 31 August that starts the academic year ``day`` falls in."""
    return age_on(dob, academic_year_start(day))


def in_cohort(dob: datetime.date, ehcp: bool, day: datetime.date) -> bool:
    """In the NCCIS cohort on ``day``: academic age 16 or 17, or 18 to 24 with an EHC plan."""
    age = academic_age(dob, day)
    return COHORT_AGES[0] <= age <= COHORT_AGES[1] or (ehcp and COHORT_AGES[1] < age <= SEND_UP_TO)


def born_between(day: datetime.date, low: int, high: int) -> tuple[datetime.date, datetime.date]:
    """Dates of birth (first, last inclusive) of academic ages ``low`` to ``high`` on ``day``."""
    start = academic_year_start(day)
    last = start.replace(year=start.year - low)
    first = start.replace(year=start.year - high - 1) + datetime.timedelta(days=1)
    return first, last


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str) -> datetime.date:
    """The last day of the month written ``YYYY-MM``; ``ValueError`` for anything else."""
    parts = text.strip().split("-")
    if len(parts) != 2 or len(parts[0]) != 4 or len(parts[1]) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError("Enter the month as YYYY-MM, for example 2026-11")
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12 or year < 1900:
        raise ValueError("Enter a real month, for example 2026-11")
    return month_end(year, month)


class Counted(StrEnum):
    """What a record counts as in the Department's figures."""

    PARTICIPATING = "participating"
    NOT_PARTICIPATING = "not_participating"
    """Known, not NEET, but not participating (employment without regulated study, gap year, re-engagement)."""
    NEET = "neet"
    NOT_KNOWN = "not_known"
    OTHER = "other"
    """Custody: outside the NEET and not known denominator."""


COUNTED_LABELS = {
    Counted.PARTICIPATING: "Participating in education or training",
    Counted.NOT_PARTICIPATING: "Not participating, not NEET",
    Counted.NEET: "NEET",
    Counted.NOT_KNOWN: "Not known",
    Counted.OTHER: "Custody (outside the measure)",
}


def counted_as(code: str, lapsed: bool) -> Counted:
    """A lapsed activity counts as not known, whatever it was."""
    group = nccis_group(code)
    if lapsed or group == NCCISGroup.NOT_KNOWN:
        return Counted.NOT_KNOWN
    if code in NCCIS_PARTICIPATING:
        return Counted.PARTICIPATING
    if group == NCCISGroup.NEET:
        return Counted.NEET
    if group == NCCISGroup.OTHER:
        return Counted.OTHER
    return Counted.NOT_PARTICIPATING


def headline_months(day: datetime.date) -> list[datetime.date]:
    """The month ends of the latest December, January and February all on or before ``day``
    (the Department's NEET and not known measure is their average)."""
    year = day.year if day >= month_end(day.year, 2) else day.year - 1
    return [datetime.date(year - 1, 12, 31), month_end(year, 1), month_end(year, 2)]


# The September Guarantee ---------------------------------------------------------------------------


class GuaranteeStatus(models.TextChoices):
    """The published outcome categories of the September Guarantee."""

    OFFER_MADE = "offer_made", "Offer made"
    NO_OFFER = "no_offer", "No offer"
    NOT_APPROPRIATE = "not_appropriate", "Offer not appropriate"
    NOT_RECORDED = "not_recorded", "Not recorded"


FEED_GUARANTEE = {
    GuaranteeStatus.OFFER_MADE: "OM",
    GuaranteeStatus.NO_OFFER: "NO",
    GuaranteeStatus.NOT_APPROPRIATE: "NA",
    GuaranteeStatus.NOT_RECORDED: "NR",
}
"""How the feed writes a status (the Department's own codes are not published with the categories)."""


def guarantee_round(day: datetime.date) -> int:
    """The September whose Guarantee is tracked on ``day``: this year's from June, last year's before."""
    return day.year if day.month >= 6 else day.year - 1


def guarantee_window(round_year: int) -> tuple[datetime.date, datetime.date]:
    """Offers for a round are those dated from 1 September of the year before to 30 September."""
    return datetime.date(round_year - 1, 9, 1), datetime.date(round_year, 9, 30)


def guarantee_year_group(dob: datetime.date, round_year: int) -> int | None:
    """11 or 12 if the young person was in Year 11 or 12 in the academic year that ends the round."""
    age = age_on(dob, datetime.date(round_year - 1, 8, 31))
    return {15: 11, 16: 12}.get(age)


def is_tracking_period(day: datetime.date) -> bool:
    """June to the end of September, when offers are chased."""
    return 6 <= day.month <= 9


def survey_year(day: datetime.date) -> int:
    """The latest Annual Activity Survey whose 1 November is on or before ``day``."""
    return day.year if day >= datetime.date(day.year, 11, 1) else day.year - 1


def survey_leavers_born(year: int) -> tuple[datetime.date, datetime.date]:
    """Dates of birth of the Year 11 leavers of summer ``year`` (academic age 15 in the year they left)."""
    return datetime.date(year - 17, 9, 1), datetime.date(year - 16, 8, 31)


# Aspirations (Cambridgeshire 1.1, Leeds 3h) ------------------------------------------------------------

ASPIRATION_YEARS = (9, 10, 11, 12, 13)
"""School years whose aspirations are followed: the Year 9 audit onwards, to the end of Year 13."""
INDICATOR_YEARS = (9, 10, 11)
"""The Year 9 to 11 cohort of the aspiration indicator."""
DESTINATION_YEARS = (11, 12, 13)
"""School years whose intended destination is compared with their aspiration."""


def school_year(dob: datetime.date, day: datetime.date) -> int:
    """The national curriculum year on ``day``: academic age 13 is Year 9, academic age 17 is Year 13."""
    return academic_age(dob, day) - 4


def born_in_years(day: datetime.date, low: int, high: int) -> tuple[datetime.date, datetime.date]:
    """Dates of birth (first, last inclusive) of school years ``low`` to ``high`` on ``day``."""
    return born_between(day, low + 4, high + 4)


OTHER_SECTOR = "other"


class Match(models.TextChoices):
    """An intended destination against the aspiration: the same sector, another, or one of them missing."""

    MATCHED = "matched", "Matches the aspiration"
    DIFFERS = "differs", "Differs from the aspiration"
    MISSING = "missing", "Cannot be compared"


def destination_match(aspired: str | None, intended: str | None) -> tuple[Match, str]:
    """Compare the sector aspired to with the intended destination's: ``None`` when there is no record,
    ``""`` when the record has no sector. Returns the match and, when missing, what is missing."""
    if aspired is None:
        return Match.MISSING, "No aspiration recorded"
    if intended is None:
        return Match.MISSING, "No intended destination recorded"
    if not aspired:
        return Match.MISSING, "The aspiration has no sector"
    if not intended:
        return Match.MISSING, "The intended destination has no sector"
    if OTHER_SECTOR in (aspired, intended):
        return Match.MISSING, "A sector outside the list cannot be compared"
    if aspired == intended:
        return Match.MATCHED, ""
    return Match.DIFFERS, ""

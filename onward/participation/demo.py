"""Demo data for 16-17 participation: September Guarantee offers for the round being tracked, and a
return from the careers service for last month, matched with a few differences to settle.

Idempotent: does nothing once the demo council has a careers service return. Called by ``load_demo``.
Every provider name is made up.
"""

from __future__ import annotations

import datetime
import random

from onward.accounts.models import Organisation, User
from onward.core import exports
from onward.participation import feed, rules, selectors, services
from onward.participation.models import CareersReturn
from onward.people import services as people_services
from onward.people.models import IntendedDestination
from onward.people.selectors import today

PROVIDERS = ("Wexbridge College", "Northgate Sixth Form", "Riverside Training", "Eastfield Apprenticeships")
DESTINATIONS = ("further_education", "further_education", "apprenticeship", "traineeship")
STATUSES = (["offered"] * 16) + ["no_offer", "no_offer", "not_applicable"]


def load_participation_demo(council: Organisation) -> None:
    if CareersReturn.objects.filter(council=council).exists():
        return
    rng = random.Random(20261205)  # noqa: S311 - synthetic data, not security
    day = today()
    officer = User.objects.filter(organisation=council, email__startswith="performance@").first()
    recorder = User.objects.filter(organisation=council, email__startswith="virtualschool@").first() or officer
    _guarantee_offers(council, day, rng, recorder)
    if officer is not None:
        _careers_return(council, day, officer)


def _guarantee_offers(council: Organisation, day: datetime.date, rng: random.Random, recorder: User | None) -> None:
    """An offer (or its absence) for most Year 11s and 12s of the round, dated in its spring and summer."""
    round_year = rules.guarantee_round(day)
    start, end = rules.guarantee_window(round_year)
    latest = min(end, day)
    people = selectors.guarantee_cohort(selectors.council_people(council), round_year).order_by("child_id")
    for person in people:
        year_group = rules.guarantee_year_group(person.date_of_birth, round_year)
        if year_group is None or rng.random() < 0.06:
            continue  # not recorded
        if IntendedDestination.objects.filter(
            person=person, school_year=year_group, date__gte=start, superseded_at__isnull=True
        ).exists():
            continue
        offset = rng.randint(0, max(0, (latest - start).days))
        dated = max(start, latest - datetime.timedelta(days=offset % 200))
        provider = rng.choice(PROVIDERS)
        people_services.destination_record(
            acting_user=recorder,
            person=person,
            date=dated,
            school_year=year_group,
            destination=rng.choice(DESTINATIONS),
            provider=provider,
            september_guarantee=rng.choice(STATUSES),
            offer_provider=provider,
        )


def _careers_return(council: Organisation, day: datetime.date, officer: User) -> None:
    """Last month's feed as the careers service sends it back, with three differences."""
    month_end = day.replace(day=1) - datetime.timedelta(days=1)
    people = selectors.council_people(council)
    rows = [list(row) for row in selectors.feed_rows(people, month_end)]
    if len(rows) > 3:
        code = feed.COLUMNS.index("ActivityCode")
        rows[0][code] = "830" if rows[0][code] != "830" else "810"
        rows[1][feed.COLUMNS.index("UPN")] = ""
        del rows[2]
    services.careers_return_import(
        acting_user=officer,
        council=council,
        people=people,
        month_end=month_end,
        name=f"careers-service-return-{month_end:%Y-%m}.csv",
        content=exports.csv_bytes(rows, header=feed.COLUMNS).decode("utf-8-sig"),
    )

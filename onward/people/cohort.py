"""The NEET cohort: one definition for every page that counts or lists it.

"How many are NEET?" has one answer in Onward: the care leavers aged 16 to 25 not in education,
employment or training on the day, after the national exclusions, exactly as the dashboard's
indicator ``neet_cohort_size`` counts them (``performance.indicators``). The home page, the NEET
cohort list and referral monitoring read it here, so each shows the number the dashboard shows for
the same young people, and each says which population it counts (``NEET_POPULATION``). Young people
who are not care leavers, and those still looked after, are never in it.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from onward.people.models import YoungPerson

NEET_INDICATOR = "neet_cohort_size"
NEET_POPULATION = "care leavers aged 16 to 25 not in education, employment or training"


def neet_cohort(people: QuerySet[YoungPerson], day: datetime.date) -> QuerySet[YoungPerson]:
    """Those of ``people`` (already scoped by the access module) in the NEET cohort on ``day``."""
    # The indicator engine builds on this app, so it is imported when asked for, not at import time.
    from onward.performance import indicators
    from onward.performance import selectors as figures

    condition = indicators.numerator_condition(indicators.get(NEET_INDICATOR))
    return people.filter(pk__in=figures.live_ids(people, day, condition))

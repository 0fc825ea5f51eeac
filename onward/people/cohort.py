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
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from onward.people.models import YoungPerson

NEET_INDICATOR = "neet_cohort_size"
NEET_POPULATION = "care leavers aged 16 to 25 not in education, employment or training"


NeetCohort = Callable[[QuerySet[YoungPerson], datetime.date], QuerySet[YoungPerson]]

# The indicator engine (onward.performance) builds on this app, so it registers how it counts the
# cohort in its AppConfig.ready(); this app never imports it.
_COUNTER: dict[str, NeetCohort] = {}


def register_neet_cohort(counter: NeetCohort) -> None:
    """Set how the NEET cohort is found: the indicator engine's ``neet_cohort_size`` condition."""
    _COUNTER["neet"] = counter


def neet_cohort(people: QuerySet[YoungPerson], day: datetime.date) -> QuerySet[YoungPerson]:
    """Those of ``people`` (already scoped by the access module) in the NEET cohort on ``day``."""
    if "neet" not in _COUNTER:
        raise ImproperlyConfigured("The NEET cohort is counted by the indicator engine: install onward.performance.")
    return _COUNTER["neet"](people, day)

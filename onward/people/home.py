"""What the cohort register adds to the home page and the demo (registered in ``PeopleConfig.ready``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from onward.accounts.models import User
from onward.core.contributions import HomeTask
from onward.people import access as people_access
from onward.people import selectors as people_selectors
from onward.people.cohort import NEET_POPULATION, neet_cohort


def caseload_summary(user: User, day: datetime.date) -> dict[str, Any] | None:
    """The figures at the top of the home page for those who work with young people."""
    if not user.can_any(people_access.PEOPLE_PERMS):
        return None
    scope = people_selectors.default_scope(user)
    in_scope = people_selectors.people_in_scope(user, scope)
    return {
        "scope": scope,
        "label": people_selectors.SCOPES[scope],
        **people_selectors.caseload_summary(in_scope, day),
        "neet": neet_cohort(in_scope, day).count(),
        "neet_population": NEET_POPULATION,
    }


def support_request_tasks(user: User, day: datetime.date) -> list[HomeTask]:
    """Requests for support from returners waiting to be assessed."""
    if not user.can_any(people_access.PEOPLE_PERMS):
        return []
    waiting, late = people_selectors.open_support_request_counts(people_access.people_visible_to(user), day)
    if not waiting:
        return []
    return [
        HomeTask(
            f"{waiting} request{'s' if waiting != 1 else ''} for support from returners to assess"
            + (f" ({late} late)" if late else ""),
            reverse("people:support-requests"),
            waiting,
            bool(late),
        )
    ]

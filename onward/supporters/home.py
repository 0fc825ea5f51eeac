"""What the supporters app adds to the young person's page (registered in ``SupportersConfig.ready``)."""

from __future__ import annotations

import datetime

from onward.accounts.models import User
from onward.core.contributions import PageSection
from onward.people.models import YoungPerson
from onward.supporters import access as policy


def person_supporters(user: User, person: YoungPerson, day: datetime.date) -> PageSection | None:
    """A link to the young person's mentors, carers and plans, for those who may open it."""
    if not user.can_any(policy.PEOPLE_PERMS):
        return None
    return PageSection("supporters/_person_section.html", {})

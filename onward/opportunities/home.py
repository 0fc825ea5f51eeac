"""What employers and opportunities add to the home page (registered in ``OpportunitiesConfig.ready``)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.core.contributions import HomeTask, PageSection
from onward.opportunities import access as opportunity_access
from onward.opportunities import selectors as opportunity_selectors
from onward.people.models import YoungPerson


def sustainment_tasks(user: User, day: datetime.date) -> list[HomeTask]:
    """Sustainment checks due, for those who manage opportunities."""
    if not user.can(Perm.MANAGE_OPPORTUNITIES):
        return []
    due = opportunity_selectors.checks_due(opportunity_access.applications_visible_to(user), day).count()
    if not due:
        return []
    return [
        HomeTask(f"{due} sustainment check{'s' if due != 1 else ''} due", reverse("opportunities:checks"), due, True)
    ]


def person_opportunities(user: User, person: YoungPerson, day: datetime.date) -> PageSection | None:
    """The young person's page: "Find opportunities", for those who put young people forward."""
    if not user.can(Perm.PUT_FORWARD):
        return None
    return PageSection("opportunities/_person_section.html", {"person": person})

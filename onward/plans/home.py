"""What improvement plans add to the home page (registered in ``PlansConfig.ready``)."""

from __future__ import annotations

import datetime

from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.core.contributions import HomeTask
from onward.plans import access as plan_access
from onward.plans import selectors as plan_selectors


def plan_tasks(user: User, day: datetime.date) -> list[HomeTask]:
    """A lead's updates due; a plan owner's open rounds with items not yet updated; the reports the user
    owns that are due to a committee within their reminder days, or overdue."""
    if not user.can(Perm.VIEW_PLANS):
        return []
    plans = plan_access.plans_visible_to(user)
    return plan_selectors.tasks_for(user, plans, day) + plan_selectors.schedule_tasks(user, plans, day)

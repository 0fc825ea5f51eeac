"""What accounts add to the home page (registered in ``AccountsConfig.ready``)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.core.contributions import HomeTask


def invitation_tasks(user: User, day: datetime.date) -> list[HomeTask]:
    """Councils' invitations waiting for a partner administrator's answer."""
    if not user.can(Perm.ANSWER_PARTNERSHIPS):
        return []
    invited = access.partnerships_visible_to(user).filter(status="invited").count()
    if not invited:
        return []
    return [
        HomeTask(
            f"{invited} council invitation{'s' if invited != 1 else ''} waiting for your answer",
            reverse("accounts:partnership-list"),
            invited,
            True,
        )
    ]

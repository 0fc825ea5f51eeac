"""What the young people's own service adds to staff pages and the demo (registered in ``PortalConfig.ready``)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from onward.accounts.models import User
from onward.core.contributions import HomeTask, PageSection
from onward.people import access as people_access
from onward.people.models import YoungPerson
from onward.portal import selectors


def portal_tasks(user: User, day: datetime.date) -> list[HomeTask]:
    """Requests from young people (help asked for, "this is wrong", interest in an opportunity) not yet
    dealt with, for the young people the user sees; urgent once one is past its time limit."""
    if not user.can_any(people_access.PEOPLE_PERMS):
        return []
    open_tasks = selectors.open_tasks_for(people_access.people_visible_to(user))
    waiting = open_tasks.count()
    if not waiting:
        return []
    late = open_tasks.filter(task_due_on__lt=day).count()
    return [
        HomeTask(
            f"{waiting} request{'s' if waiting != 1 else ''} from young people to answer"
            + (f" ({late} past the time limit)" if late else ""),
            reverse("portal:tasks"),
            waiting,
            bool(late),
        )
    ]


def returner_tasks(user: User, day: datetime.date) -> list[HomeTask]:
    """Requests for support again from the public form that matched no record, for those who check them;
    urgent once one has waited longer than the needs assessment's time limit."""
    from onward.people.selectors import SUPPORT_REQUEST_DAYS
    from onward.portal.access import returner_enquiries_for
    from onward.portal.models import ReturnerEnquiry

    waiting = returner_enquiries_for(user).filter(status=ReturnerEnquiry.Status.OPEN)
    count = waiting.count()
    if not count:
        return []
    late = waiting.filter(received_on__lt=day - datetime.timedelta(days=SUPPORT_REQUEST_DAYS)).exists()
    return [
        HomeTask(
            f"{count} request{'s' if count != 1 else ''} for support again to check",
            reverse("portal:returner-enquiries"),
            count,
            late,
        )
    ]


def person_voice(user: User, person: YoungPerson, day: datetime.date) -> PageSection | None:
    """The young person's page: their own service, what they said in it, their goals and requests."""
    return PageSection("portal/staff/_person_section.html", {})

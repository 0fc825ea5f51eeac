"""What waits for the data protection officer on the home page: open requests against their time limit."""

from __future__ import annotations

import datetime

from django.urls import reverse

from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.core.contributions import HomeTask, PageSection
from onward.people.models import YoungPerson
from onward.privacy import access
from onward.privacy.models import RectificationRequest, SubjectAccessRequest


def privacy_tasks(user: User, day: datetime.date) -> list[HomeTask]:
    """Open subject access requests and requests to correct a record; urgent once one is past its date."""
    if not user.can(Perm.HANDLE_SUBJECT_ACCESS):
        return []
    tasks = []
    sars = access.requests_visible_to(user).filter(
        status__in=(
            SubjectAccessRequest.Status.OPEN,
            SubjectAccessRequest.Status.IN_REVIEW,
            SubjectAccessRequest.Status.APPROVED,
        )
    )
    corrections = access.rectification_requests_visible_to(user).filter(status=RectificationRequest.Status.OPEN)
    for found, what, url in (
        (sars, "subject access request", "privacy:request-list"),
        (corrections, "request to correct a record", "privacy:correction-list"),
    ):
        waiting = found.count()
        if waiting:
            late = found.filter(due_on__lt=day).count()
            plural = what.replace("request", "requests", 1) if waiting != 1 else what
            tasks.append(
                HomeTask(
                    f"{waiting} {plural} open" + (f" ({late} late)" if late else ""), reverse(url), waiting, bool(late)
                )
            )
    return tasks


def person_corrections(user: User, person: YoungPerson, day: datetime.date) -> PageSection | None:
    """The young person's page (already authorised): the way to correct the record at their request (the old
    values kept, with who and why), for staff who may change it. No query: the page's budget is pinned
    (tests/people/test_pages.py); their open requests are in the queue, and "this is wrong" in their voice."""
    if not user.can(Perm.CHANGE_PEOPLE):
        return None
    return PageSection("privacy/_person_section.html", {"person": person})

"""What referrals add to the home page (registered in ``ReferralsConfig.ready``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.core.compiled import PERSON_PROBES, OncePerProcess
from onward.core.contributions import HomeTask, PageSection
from onward.people import access as people_access
from onward.people import selectors as people_selectors
from onward.people.models import YoungPerson
from onward.referrals import access as referral_access
from onward.referrals import selectors as referral_selectors
from onward.referrals.models import Referral


def referral_tasks(user: User, day: datetime.date) -> list[HomeTask]:
    """Triage, starts to confirm, more information asked for, new referrals to accept."""
    return referral_selectors.tasks_for(
        user, referral_access.referrals_visible_to(user), referral_access.sends_received_by(user), day
    )


def person_referrals(user: User, person: YoungPerson, day: datetime.date) -> PageSection | None:
    """The young person's page: their referrals the user may see, and "Make a referral"."""
    referrals = REFERRALS_OF.instances({"person": person.pk}, referral_access.referrals_visible_to(user))
    can_refer = user.can(Perm.CREATE_REFERRALS)
    if not can_refer and not referrals:
        return None
    return PageSection(
        "referrals/_person_section.html", {"person": person, "referrals": referrals, "can_refer": can_refer}
    )


def _referrals_of(visible: QuerySet[Referral], person: int) -> QuerySet[Referral]:
    # Each is listed by its date and status: nothing related is read with it.
    return visible.filter(person_id=person).select_related(None).order_by("-created_at")


REFERRALS_OF = OncePerProcess(lambda person, scope: _referrals_of(scope, person), PERSON_PROBES, model=Referral)
"""A young person's referrals among those a user may see, compiled once a process (``core.compiled``)."""


def open_referrals() -> QuerySet[Referral]:
    """Referrals in progress, for the at-risk rules (``people.open_work``): ``selectors.open_referrals``."""
    return referral_selectors.open_referrals()


def referrals_changed_since(since: datetime.datetime) -> QuerySet[Any]:
    """The young people whose referrals, or their sends to providers, changed after ``since``
    (``people.open_work``): a referral opened, triaged or closed, or a provider's answer."""
    return referral_selectors.people_with_referrals_changed_since(since)


def neet_referral_tasks(user: User, day: datetime.date) -> list[HomeTask]:
    """For someone who makes referrals: the young people on their own caseload who have become NEET and
    have no active referral (urgent once a referral is overdue)."""
    if not user.can(Perm.CREATE_REFERRALS) or not user.can_any(people_access.PEOPLE_PERMS):
        return []
    rows = referral_selectors.neet_without_referral(people_selectors.people_in_scope(user, "mine"), day)
    if not rows:
        return []
    count = len(rows)
    overdue = sum(row.overdue for row in rows)
    text = f"{count} young {'people' if count != 1 else 'person'} on your caseload NEET with no referral"
    return [
        HomeTask(
            text + (f", {overdue} overdue" if overdue else ""),
            reverse("referrals:neet-without-referral") + "?scope=mine",
            count,
            bool(overdue),
        )
    ]

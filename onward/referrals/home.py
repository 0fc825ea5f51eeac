"""What referrals add to the home page (registered in ``ReferralsConfig.ready``)."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.core.contributions import HomeTask, PageSection
from onward.people.models import YoungPerson
from onward.referrals import access as referral_access
from onward.referrals import selectors as referral_selectors
from onward.referrals.models import Referral, Send


def referral_tasks(user: User, day: datetime.date) -> list[HomeTask]:
    """Triage, starts to confirm, more information asked for, new referrals to accept."""
    return referral_selectors.tasks_for(
        user, referral_access.referrals_visible_to(user), referral_access.sends_received_by(user), day
    )


def person_referrals(user: User, person: YoungPerson, day: datetime.date) -> PageSection | None:
    """The young person's page: their referrals the user may see, and "Make a referral"."""
    referrals = list(referral_access.referrals_visible_to(user).filter(person=person).order_by("-created_at"))
    can_refer = user.can(Perm.CREATE_REFERRALS)
    if not can_refer and not referrals:
        return None
    return PageSection(
        "referrals/_person_section.html", {"person": person, "referrals": referrals, "can_refer": can_refer}
    )


def open_referrals() -> QuerySet[Referral]:
    """Referrals in progress, for the at-risk rules (``people.open_work``): waiting for triage or more
    information, or with a provider that has not yet finished with them."""
    return Referral.objects.filter(
        Q(status__in=[Referral.Status.AWAITING_TRIAGE, Referral.Status.MORE_INFO])
        | Q(
            Exists(
                Send.objects.filter(
                    referral=OuterRef("pk"),
                    status__in=[Send.Status.SENT, Send.Status.ACCEPTED, Send.Status.IN_CONTACT, Send.Status.STARTED],
                )
            )
        )
    )

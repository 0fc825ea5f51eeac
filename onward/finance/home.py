"""What the finance app adds to the young person's page (registered in ``FinanceConfig.ready``)."""

from __future__ import annotations

import datetime

from onward.accounts.models import User
from onward.core.contributions import PageSection
from onward.finance import access as policy
from onward.finance import selectors
from onward.people.models import YoungPerson


def person_payments(user: User, person: YoungPerson, day: datetime.date) -> PageSection | None:
    """The young person's financial support for EET: totals paid and planned, and the latest payments,
    for those who see the young person (the page has already fetched them through the people policy)."""
    if not user.can_any(policy.PEOPLE_PERMS):
        return None
    payments = policy.payments_visible_to(user).filter(person=person)
    latest = list(payments.select_related(None)[:3])  # the page has the young person already
    return PageSection(
        "finance/_person_section.html",
        {
            # Totalled only when there is something to total: most young people have no payments.
            "payment_totals": selectors.payment_totals(payments) if latest else None,
            "latest_payments": latest,
            "can_record_payments": policy.can_record(user),
        },
    )

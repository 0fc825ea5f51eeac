"""The finance app's access policy, built on the kernel in ``onward.accounts.access`` and the people
policy: a payment is seen by whoever sees its young person (``people_visible_to``: an adviser their
caseload's, a team manager their teams', council-wide roles the council's), changed by those who also
record young people's records (``CHANGE_PEOPLE``), and counted in the council's totals by its staff who
see aggregate figures. Partners and councillors never see a young person's payments.
``access_payment(user, pk)`` fetches and authorises in one call: missing and not yours are both 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from onward.accounts import access as kernel
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.finance.models import SupportPayment
from onward.people import access as people_access

PEOPLE_PERMS = people_access.PEOPLE_PERMS


def can_record(user: User) -> bool:
    """May record and change payments for the young people the user sees: council staff with ``CHANGE_PEOPLE``."""
    return kernel.council_of(user) is not None and user.can(Perm.CHANGE_PEOPLE)


def payments_visible_to(user: User) -> QuerySet[SupportPayment]:
    """Payments of the young people the user may see (``people_visible_to``): an adviser their caseload's,
    a manager their teams', council-wide roles the council's; partners and councillors none."""
    return SupportPayment.objects.filter(person__in=people_access.people_visible_to(user)).select_related("person")


def access_payment(user: User, pk: object, *, for_change: bool = False) -> SupportPayment:
    if for_change and not can_record(user):
        raise Http404
    result: SupportPayment = kernel.get_or_404(payments_visible_to(user), pk)
    return result


def payments_counted_for(user: User) -> QuerySet[SupportPayment]:
    """Payments counted in the council's totals (never listed): every payment of the council's young
    people for its staff who see aggregate figures (``VIEW_AGGREGATES``); none for anyone else."""
    council = kernel.council_of(user)
    if council is None or not user.can(Perm.VIEW_AGGREGATES):
        return SupportPayment.objects.none()
    return SupportPayment.objects.filter(person__council=council)

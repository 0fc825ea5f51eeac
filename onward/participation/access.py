"""The careers service's returned feeds: who sees them.

This app's access policy, built on the tenancy and permission kernel in :mod:`onward.accounts.access`.

``<things>_visible_to(user)`` is everything of that kind in the user's scope (empty when their roles
give them no business with it); ``access_<thing>(user, pk)`` fetches one record and authorises it in
one call, raising ``Http404`` for "missing" and "not yours" alike.
"""

from __future__ import annotations

from django.db.models import QuerySet

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.participation.models import CareersReturn


def careers_returns_visible_to(user: User) -> QuerySet[CareersReturn]:
    """The careers service's returned feeds of the user's council, for those who import data."""
    council = access.council_of(user)
    if council is None or not user.can(Perm.IMPORT_DATA):
        return CareersReturn.objects.none()
    return CareersReturn.objects.filter(council=council)


def access_careers_return(user: User, pk: object) -> CareersReturn:
    result: CareersReturn = access.get_or_404(careers_returns_visible_to(user), pk)
    return result

"""Who may see a council's imports and saved column mappings.

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
from onward.returns.models import ColumnMapping, ImportRun


def import_runs_visible_to(user: User) -> QuerySet[ImportRun]:
    """The council's imports, for those who import data."""
    council = access.council_of(user)
    if council is None or not user.can(Perm.IMPORT_DATA):
        return ImportRun.objects.none()
    return ImportRun.objects.filter(council=council).select_related("created_by").defer("files")


def access_import_run(user: User, pk: object) -> ImportRun:
    result: ImportRun = access.get_or_404(import_runs_visible_to(user), pk)
    return result


def mappings_visible_to(user: User) -> QuerySet[ColumnMapping]:
    council = access.council_of(user)
    if council is None or not user.can(Perm.IMPORT_DATA):
        return ColumnMapping.objects.none()
    return ColumnMapping.objects.filter(council=council)


def access_mapping(user: User, pk: object) -> ColumnMapping:
    result: ColumnMapping = access.get_or_404(mappings_visible_to(user), pk)
    return result

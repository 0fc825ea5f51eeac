"""Benchmark files and targets: who sees and sets them.

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
from onward.performance.models import BenchmarkSet, Target


def benchmark_sets_visible_to(user: User) -> QuerySet[BenchmarkSet]:
    """The council's benchmark files, for those who set targets and load benchmarks."""
    council = access.council_of(user)
    if council is None or not user.can(Perm.MANAGE_TARGETS):
        return BenchmarkSet.objects.none()
    return BenchmarkSet.objects.filter(council=council)


def access_benchmark_set(user: User, pk: object) -> BenchmarkSet:
    result: BenchmarkSet = access.get_or_404(benchmark_sets_visible_to(user), pk)
    return result


def targets_visible_to(user: User) -> QuerySet[Target]:
    """The council's targets, for those who set them."""
    council = access.council_of(user)
    if council is None or not user.can(Perm.MANAGE_TARGETS):
        return Target.objects.none()
    return Target.objects.filter(council=council).prefetch_related("steps")


def access_target(user: User, pk: object) -> Target:
    result: Target = access.get_or_404(targets_visible_to(user), pk)
    return result

"""Improvement plans and scrutiny: who reads and changes which.

This app's access policy, built on the tenancy and permission kernel in :mod:`onward.accounts.access`.

``<things>_visible_to(user)`` is everything of that kind in the user's scope (empty when their roles
give them no business with it); ``access_<thing>(user, pk)`` fetches one record and authorises it in
one call, raising ``Http404`` for "missing" and "not yours" alike.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.plans.models import (
    BoardMember,
    Budget,
    Criterion,
    Item,
    Measure,
    Plan,
    PlanImport,
    RatingScheme,
    ReportSchedule,
    ReviewRound,
)


def plans_visible_to(user: User) -> QuerySet[Plan]:
    """The plans of the user's council, for anyone who may read plans."""
    council = access.council_of(user)
    if council is None or not user.can(Perm.VIEW_PLANS):
        return Plan.objects.none()
    return Plan.objects.filter(council=council)


def access_plan(user: User, pk: object, *, for_change: bool = False) -> Plan:
    """One plan of the user's council; ``for_change`` also needs MANAGE_PLANS (404 otherwise)."""
    if for_change and not user.can(Perm.MANAGE_PLANS):
        raise Http404
    result: Plan = access.get_or_404(plans_visible_to(user), pk)
    return result


def plan_items_visible_to(user: User) -> QuerySet[Item]:
    return Item.objects.filter(plan__in=plans_visible_to(user)).select_related("plan", "section")


def access_plan_item(user: User, pk: object, *, for_change: bool = False) -> Item:
    if for_change and not user.can(Perm.MANAGE_PLANS):
        raise Http404
    result: Item = access.get_or_404(plan_items_visible_to(user), pk)
    return result


def access_plan_measure(user: User, pk: object, *, for_change: bool = False) -> Measure:
    if for_change and not user.can(Perm.MANAGE_PLANS):
        raise Http404
    result: Measure = access.get_or_404(
        Measure.objects.filter(item__plan__in=plans_visible_to(user)).select_related("item__plan"), pk
    )
    return result


def can_update_item(user: User, item: Item) -> bool:
    """A manager of plans may record an update on any item; a lead only on the items they lead."""
    if access.council_of(user) is None or item.plan.council_id != user.organisation_id:
        return False
    if user.can(Perm.MANAGE_PLANS):
        return True
    return user.can(Perm.UPDATE_PROGRESS) and item.leads.filter(pk=user.pk).exists()


def access_review_round(user: User, pk: object, *, for_change: bool = False) -> ReviewRound:
    if for_change and not user.can(Perm.MANAGE_PLANS):
        raise Http404
    result: ReviewRound = access.get_or_404(
        ReviewRound.objects.filter(plan__in=plans_visible_to(user)).select_related("plan"), pk
    )
    return result


def rating_schemes_visible_to(user: User) -> QuerySet[RatingScheme]:
    council = access.council_of(user)
    if council is None or not user.can_any((Perm.VIEW_PLANS, Perm.MANAGE_RATING_SCHEMES)):
        return RatingScheme.objects.none()
    return RatingScheme.objects.filter(council=council)


def access_rating_scheme(user: User, pk: object, *, for_change: bool = False) -> RatingScheme:
    if for_change and not user.can(Perm.MANAGE_RATING_SCHEMES):
        raise Http404
    result: RatingScheme = access.get_or_404(rating_schemes_visible_to(user), pk)
    return result


def plan_officers(user: User) -> QuerySet[User]:
    """The council's active staff a manager of plans may name as plan owner or item lead."""
    council = access.council_of(user)
    if council is None or not user.can(Perm.MANAGE_PLANS):
        return User.objects.none()
    return User.objects.filter(organisation=council, is_active=True).order_by("given_name", "family_name")


def plan_imports_visible_to(user: User) -> QuerySet[PlanImport]:
    """The council's spreadsheet imports, for those who manage plans."""
    council = access.council_of(user)
    if council is None or not user.can(Perm.MANAGE_PLANS):
        return PlanImport.objects.none()
    return PlanImport.objects.filter(council=council).select_related("plan", "created_by")


def access_plan_import(user: User, pk: object) -> PlanImport:
    result: PlanImport = access.get_or_404(plan_imports_visible_to(user), pk)
    return result


# Plan structure (ADR 35): each record belongs to one plan and is read and changed with it.


def access_criterion(user: User, pk: object, *, for_change: bool = False) -> Criterion:
    """A quality-mark criterion of a plan the user may read; ``for_change`` also needs MANAGE_PLANS."""
    if for_change and not user.can(Perm.MANAGE_PLANS):
        raise Http404
    result: Criterion = access.get_or_404(
        Criterion.objects.filter(plan__in=plans_visible_to(user)).select_related("plan", "section"), pk
    )
    return result


def access_budget(user: User, pk: object, *, for_change: bool = False) -> Budget:
    """A budget of a plan the user may read; ``for_change`` also needs MANAGE_PLANS."""
    if for_change and not user.can(Perm.MANAGE_PLANS):
        raise Http404
    result: Budget = access.get_or_404(
        Budget.objects.filter(plan__in=plans_visible_to(user)).select_related("plan", "section"), pk
    )
    return result


def access_board_member(user: User, pk: object, *, for_change: bool = False) -> BoardMember:
    """A member of the board of a plan the user may read; ``for_change`` also needs MANAGE_PLANS."""
    if for_change and not user.can(Perm.MANAGE_PLANS):
        raise Http404
    result: BoardMember = access.get_or_404(
        BoardMember.objects.filter(plan__in=plans_visible_to(user)).select_related("plan"), pk
    )
    return result


def access_report_schedule(user: User, pk: object, *, for_change: bool = False) -> ReportSchedule:
    """A report schedule of a plan the user may read; ``for_change`` also needs MANAGE_PLANS."""
    if for_change and not user.can(Perm.MANAGE_PLANS):
        raise Http404
    result: ReportSchedule = access.get_or_404(
        ReportSchedule.objects.filter(plan__in=plans_visible_to(user)).select_related("plan", "owner"), pk
    )
    return result

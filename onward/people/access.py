"""Which young people a user may see, count and change.

This app's access policy, built on the tenancy and permission kernel in :mod:`onward.accounts.access`.

``<things>_visible_to(user)`` is everything of that kind in the user's scope (empty when their roles
give them no business with it); ``access_<thing>(user, pk)`` fetches one record and authorises it in
one call, raising ``Http404`` for "missing" and "not yours" alike.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.people import restriction
from onward.people.models import Allocation, YoungPerson

# Those who work with young people's records: their own caseload, their teams' or the whole council's.
PEOPLE_PERMS = (Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)


def people_visible_to(user: User) -> QuerySet[YoungPerson]:
    """Young people whose records the user may see.

    Council-wide roles see every young person in the council; team managers the young people
    allocated to their teams (and their own); personal advisers and others with a caseload the
    young people allocated to them in any role. Partner organisations' users and councillors see
    none here (partners see what referrals share with them).
    """
    council = access.council_of(user)
    if council is None:
        return YoungPerson.objects.none()
    people = without_hidden(YoungPerson.objects.filter(council=council), user)
    if user.can(Perm.VIEW_COUNCIL_PEOPLE):
        return people
    allocated = Q(
        Exists(
            Allocation.objects.filter(person=OuterRef("pk"), worker=user, end__isnull=True, superseded_at__isnull=True)
        )
    ) | Q(personal_adviser=user)
    if user.can(Perm.VIEW_TEAM_PEOPLE):
        return people.filter(allocated | Q(team__in=user.teams.all()))
    if user.can(Perm.VIEW_CASELOAD):
        return people.filter(allocated)
    return YoungPerson.objects.none()


MONITORING_PERMS = (Perm.TRIAGE_REFERRALS, Perm.VIEW_AGGREGATES)


def people_counted_for(user: User) -> QuerySet[YoungPerson]:
    """Young people a user may count in aggregate figures (never list): every young person of their
    council for those who see aggregates or work the triage queue; otherwise those they may see."""
    council = access.council_of(user)
    if council is None:
        return YoungPerson.objects.none()
    if user.can_any(MONITORING_PERMS):
        return YoungPerson.objects.filter(council=council)
    return people_visible_to(user)


def access_person(user: User, pk: object) -> YoungPerson:
    """One young person the user may see, or 404."""
    result: YoungPerson = access.get_or_404(
        people_visible_to(user).select_related("council", "personal_adviser", "team"), pk
    )
    return result


def can_change_person(user: User) -> bool:
    return user.can(Perm.CHANGE_PEOPLE)


def can_change_education(user: User) -> bool:
    return user.can_any((Perm.CHANGE_PEOPLE, Perm.CHANGE_EDUCATION))


def can_audit_pathway_plans(user: User) -> bool:
    """A manager's power: audit and grade pathway plans of the young people they can see. Only a role that
    both sees its teams' young people and records their histories (the team manager) holds both."""
    return user.can(Perm.VIEW_TEAM_PEOPLE) and user.can(Perm.CHANGE_PEOPLE)


def without_hidden(records: QuerySet[Any], user: User, person_field: str = "pk") -> QuerySet[Any]:
    """``records`` without those of young people hidden from ``user`` by a restriction of processing
    (``people.restriction``): applied to the young people a user sees, and to records reached without
    going through them (referrals, sends, applications). Aggregate counts still count them."""
    hidden = restriction.hidden_from(user, person_field)
    return records if hidden is None else records.exclude(hidden)

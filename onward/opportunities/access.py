"""Employers, opportunities and applications: who sees which.

This app's access policy, built on the tenancy and permission kernel in :mod:`onward.accounts.access`.

``<things>_visible_to(user)`` is everything of that kind in the user's scope (empty when their roles
give them no business with it); ``access_<thing>(user, pk)`` fetches one record and authorises it in
one call, raising ``Http404`` for "missing" and "not yours" alike.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from onward.accounts import access
from onward.accounts.models import Organisation, User
from onward.accounts.permissions import Perm
from onward.opportunities.models import Application, Employer, Opportunity
from onward.people import access as people_access

EMPLOYMENT_PERMS = (Perm.MANAGE_EMPLOYERS, Perm.MANAGE_OPPORTUNITIES, Perm.PUT_FORWARD)


def employers_visible_to(user: User) -> QuerySet[Employer]:
    council = access.council_of(user)
    if council is None or not user.can_any(EMPLOYMENT_PERMS):
        return Employer.objects.none()
    return Employer.objects.filter(council=council)


def access_employer(user: User, pk: object, *, for_change: bool = False) -> Employer:
    if for_change and not user.can(Perm.MANAGE_EMPLOYERS):
        raise Http404
    result: Employer = access.get_or_404(employers_visible_to(user), pk)
    return result


def opportunities_visible_to(user: User) -> QuerySet[Opportunity]:
    council = access.council_of(user)
    if council is None or not user.can_any(EMPLOYMENT_PERMS):
        return Opportunity.objects.none()
    return Opportunity.objects.filter(council=council).select_related("employer")


def access_opportunity(user: User, pk: object, *, for_change: bool = False) -> Opportunity:
    if for_change and not user.can(Perm.MANAGE_OPPORTUNITIES):
        raise Http404
    result: Opportunity = access.get_or_404(opportunities_visible_to(user), pk)
    return result


def applications_visible_to(user: User) -> QuerySet[Application]:
    """Engagement workers see the council's applications; advisers those of the young people they see."""
    council = access.council_of(user)
    if council is None:
        return Application.objects.none()
    applications = people_access.without_hidden(
        Application.objects.filter(opportunity__council=council), user, "person_id"
    ).select_related("opportunity__employer", "person")
    if user.can(Perm.MANAGE_OPPORTUNITIES):
        return applications
    if user.can(Perm.PUT_FORWARD):
        return applications.filter(person__in=people_access.people_visible_to(user))
    return Application.objects.none()


def access_application(user: User, pk: object) -> Application:
    result: Application = access.get_or_404(applications_visible_to(user), pk)
    return result


def applications_for_employer(user: User) -> QuerySet[Application]:
    """An employer's own users see the young people put forward to it, while consent stands."""
    if not user.can(Perm.RECEIVE_REFERRALS) or user.organisation.kind != Organisation.Kind.EMPLOYER:
        return Application.objects.none()
    applications = Application.objects.filter(
        opportunity__employer__organisation=user.organisation,
        opportunity__council__in=access.councils_for(user),
        consent_withdrawn_at__isnull=True,
    )
    return people_access.without_hidden(applications, user, "person_id").select_related("opportunity", "person")

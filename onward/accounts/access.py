"""The tenancy and permission kernel: whose data a user works with, and the checks every policy uses.

Each capability app owns its access policy in ``onward/<app>/access.py`` (which young people, referrals,
plans... a user may see), built on this kernel; this module imports no capability app. Two kinds of
function, here and in every policy:

- ``<things>_visible_to(user)`` returns a queryset of everything in the user's scope (empty if
  their roles give them no business with that kind of record);
- ``access_<thing>(user, pk)`` fetches one record and authorises it in a single call (with
  :func:`get_or_404`), raising ``Http404`` both when it does not exist and when it is outside the
  user's scope, so "missing" and "not yours" look the same.

Scope rules: council staff see their own council's records only (the council is the tenant,
:func:`council_of`); a partner organisation's users see only what was shared with their organisation
by a council whose link it accepted (:func:`live_links`, :func:`councils_for`, :func:`network_of`);
nobody sees another council's records, whatever their roles; administrators manage only their own
organisation's users and directory entries (ADR 14). Page-level checks ("may this role use this page
at all?") use :func:`require_perm`, which answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from onward.accounts.models import Organisation, Partnership, Team, User
from onward.accounts.permissions import Perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


def council_of(user: User | AnonymousUser) -> Organisation | None:
    """The council a staff user works for; None for partner users and anonymous visitors."""
    if not user.is_authenticated or not user.is_active:
        return None
    organisation = user.organisation
    return organisation if organisation.is_council else None


def own_council(user: User | AnonymousUser) -> Organisation:
    """The council a staff member works for, for pages only council staff use; 403 for anyone else."""
    council = council_of(user)
    if council is None:
        raise PermissionDenied
    return council


def councils_for(user: User | AnonymousUser) -> QuerySet[Organisation]:
    """The councils whose data the user may work with at all."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    organisation = user.organisation
    if organisation.is_council:
        return Organisation.objects.filter(pk=organisation.pk)
    return Organisation.objects.filter(
        pk__in=live_links().filter(partner=organisation).values_list("council_id", flat=True)
    )


@dataclass(frozen=True)
class PageRule:
    """Who may use a page at all: signed in, holding every one of ``all_of`` and at least one of
    ``any_of`` (when given), and working for a council when ``council_staff``."""

    all_of: tuple[Perm, ...] = ()
    any_of: tuple[Perm, ...] = ()
    council_staff: bool = False

    def allows(self, user: User | AnonymousUser) -> bool:
        if not user.is_authenticated or not user.is_active:
            return False
        if not user.can(*self.all_of):
            return False
        if self.any_of and not user.can_any(self.any_of):
            return False
        return not self.council_staff or council_of(user) is not None


def require_perm(
    *perms: Perm, any_of: tuple[Perm, ...] = (), council_staff: bool = False
) -> Callable[[ViewFunc], ViewFunc]:
    """The one page-level check, a view decorator: the signed-in user must hold all of ``perms``, at
    least one of ``any_of`` when given, and work for a council when ``council_staff``; otherwise the
    page answers 403. With no arguments, any signed-in user may use the page. Every page carries it
    (or is public, ``login_not_required``): ``tests/test_url_access.py`` fails on a page without it."""
    rule = PageRule(all_of=perms, any_of=tuple(any_of), council_staff=council_staff)

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not rule.allows(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.page_rule = rule  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def live_links() -> QuerySet[Partnership]:
    """Partnerships that count: accepted by the partner, not ended, and never a council as partner (ADR 14)."""
    return Partnership.objects.filter(status=Partnership.Status.ACCEPTED).exclude(
        partner__kind=Organisation.Kind.COUNCIL
    )


def triage_councils_for(user: User | AnonymousUser) -> QuerySet[Organisation]:
    """The councils whose referrals a partner organisation's user may triage: those whose live link with
    the user's organisation carries the triage power (``Partnership.can_triage``). None for council staff
    (their own council's triage is theirs by role), for anyone without ``TRIAGE_REFERRALS``, and at once
    when the council removes the power or either side ends the link."""
    if not user.is_authenticated or not user.is_active or not user.can(Perm.TRIAGE_REFERRALS):
        return Organisation.objects.none()
    organisation = user.organisation
    if organisation.is_council:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk__in=live_links().filter(partner=organisation, can_triage=True).values_list("council_id", flat=True)
    )


def partner_ids(council: Organisation) -> QuerySet[Partnership, int]:
    """A subquery of the ids of the organisations that work with ``council`` (live links only)."""
    return live_links().filter(council=council).values_list("partner_id", flat=True)


def get_or_404(queryset: QuerySet[Any], pk: object) -> Any:
    """The record ``pk`` of ``queryset`` (a policy's scope), or 404: a malformed id is "missing" too."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# Users ---------------------------------------------------------------------------------------


def users_visible_to(user: User) -> QuerySet[User]:
    """Users an administrator manages: those of their own organisation, never another's (ADR 14).

    A council's administrator manages the council's staff; a partner administrator their partner
    organisation's users. A partnership gives neither side any hold on the other's users.
    """
    if not user.is_authenticated or not user.is_active or not user.can(Perm.MANAGE_USERS):
        return User.objects.none()
    return User.objects.filter(organisation_id=user.organisation_id).select_related("organisation")


def access_user(user: User, pk: object) -> User:
    result: User = get_or_404(users_visible_to(user), pk)
    return result


# Teams ---------------------------------------------------------------------------------------


def teams_visible_to(user: User) -> QuerySet[Team]:
    """Teams of the user's council (any council staff may see their council's teams)."""
    council = council_of(user)
    if council is None:
        return Team.objects.none()
    return Team.objects.filter(council=council)


def access_team(user: User, pk: object, *, for_change: bool = False) -> Team:
    if for_change and not user.can(Perm.MANAGE_TEAMS):
        raise Http404
    result: Team = get_or_404(teams_visible_to(user), pk)
    return result


# Organisations -------------------------------------------------------------------------------


def partner_organisations_visible_to(user: User) -> QuerySet[Organisation]:
    """Organisations the administrator's council has invited, in any state of the link (to show its history)."""
    council = council_of(user)
    if council is None or not user.can(Perm.MANAGE_ORGANISATIONS):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk__in=Partnership.objects.filter(council=council).values_list("partner_id", flat=True)
    )


def assignable_organisations(user: User) -> QuerySet[Organisation]:
    """Organisations an administrator may add users to: only their own (ADR 14)."""
    if not user.is_authenticated or not user.is_active or not user.can(Perm.MANAGE_USERS):
        return Organisation.objects.none()
    return Organisation.objects.filter(pk=user.organisation_id)


def access_partner_organisation(user: User, pk: object) -> Organisation:
    result: Organisation = get_or_404(partner_organisations_visible_to(user), pk)
    return result


def partnerships_visible_to(user: User) -> QuerySet[Partnership]:
    """Links a user may act on: a council administrator their council's invitations; a partner
    administrator the links to their own organisation. Nobody sees another organisation's links."""
    if not user.is_authenticated or not user.is_active:
        return Partnership.objects.none()
    organisation = user.organisation
    if organisation.is_council and user.can(Perm.MANAGE_ORGANISATIONS):
        links = Partnership.objects.filter(council=organisation)
    elif not organisation.is_council and user.can(Perm.ANSWER_PARTNERSHIPS):
        links = Partnership.objects.filter(partner=organisation)
    else:
        return Partnership.objects.none()
    return links.select_related("council", "partner", "invited_by", "accepted_by", "ended_by")


def access_partnership(user: User, pk: object) -> Partnership:
    result: Partnership = get_or_404(partnerships_visible_to(user), pk)
    return result


def colleagues(user: User) -> QuerySet[User]:
    """The active staff of the user's council (to allocate work to, or name on a record); none for others."""
    council = council_of(user)
    if council is None:
        return User.objects.none()
    return User.objects.filter(organisation=council, is_active=True)


def partners_of(council: Organisation) -> QuerySet[Organisation]:
    """The organisations that work with ``council`` (live links only)."""
    return Organisation.objects.filter(pk__in=partner_ids(council))


def network_of(user: User) -> QuerySet[Organisation]:
    """The organisations in the user's councils' networks: the councils and their partners."""
    councils = councils_for(user)
    return Organisation.objects.filter(
        Q(pk__in=councils.values("pk")) | Q(pk__in=live_links().filter(council__in=councils).values("partner_id"))
    )

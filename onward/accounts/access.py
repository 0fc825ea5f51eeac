"""The one access module: which records a user may see, and fetching one record with its check.

Every view and selector that reads a protected record starts here; no view queries a protected
model directly. Two kinds of function:

- ``<things>_visible_to(user)`` returns a queryset of everything in the user's scope (empty if
  their roles give them no business with that kind of record);
- ``access_<thing>(user, pk)`` fetches one record and authorises it in a single call, raising
  ``Http404`` both when it does not exist and when it is outside the user's scope, so "missing"
  and "not yours" look the same.

Scope rules: council staff see their own council's records only (the council is the tenant);
a partner organisation's users see only what was shared with their organisation by a council
whose link it accepted (:func:`live_links`); nobody sees another council's records, whatever their
roles; administrators manage only their own organisation's users and directory entries (ADR 14). Page-level checks ("may this role use this
page at all?") use :func:`require_perm`, which answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone

from onward.accounts.models import Organisation, Partnership, Team, User
from onward.accounts.permissions import Perm
from onward.audit.models import AuditEvent
from onward.opportunities.models import Application, Employer, Opportunity
from onward.participation.models import CareersReturn
from onward.people.models import Allocation, EETSpell, YoungPerson
from onward.performance.models import BenchmarkSet, Target
from onward.plans.models import Item, Measure, Plan, RatingScheme, ReviewRound
from onward.privacy.models import Restriction
from onward.referrals.models import Feedback, Referral, Send, Service
from onward.returns.models import ColumnMapping, ImportRun

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


def council_of(user: User | AnonymousUser) -> Organisation | None:
    """The council a staff user works for; None for partner users and anonymous visitors."""
    if not user.is_authenticated or not user.is_active:
        return None
    organisation = user.organisation  # type: ignore[union-attr]
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
    organisation = user.organisation  # type: ignore[union-attr]
    if organisation.is_council:
        return Organisation.objects.filter(pk=organisation.pk)
    return Organisation.objects.filter(
        pk__in=live_links().filter(partner=organisation).values_list("council_id", flat=True)
    )


def require_perm(*perms: Perm) -> Callable[[ViewFunc], ViewFunc]:
    """A view decorator: the signed-in user must hold all of ``perms``, or the page answers 403."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated or not user.can(*perms):  # type: ignore[union-attr]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_perms = perms  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def live_links() -> QuerySet[Partnership]:
    """Partnerships that count: accepted by the partner, not ended, and never a council as partner (ADR 14)."""
    return Partnership.objects.filter(status=Partnership.Status.ACCEPTED).exclude(
        partner__kind=Organisation.Kind.COUNCIL
    )


def partner_ids(council: Organisation) -> QuerySet[Partnership, int]:
    """A subquery of the ids of the organisations that work with ``council`` (live links only)."""
    return live_links().filter(council=council).values_list("partner_id", flat=True)


def _get_or_404(queryset: QuerySet[Any], pk: object) -> Any:
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
    result: User = _get_or_404(users_visible_to(user), pk)
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
    result: Team = _get_or_404(teams_visible_to(user), pk)
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
    result: Organisation = _get_or_404(partner_organisations_visible_to(user), pk)
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
    result: Partnership = _get_or_404(partnerships_visible_to(user), pk)
    return result


# Audit ---------------------------------------------------------------------------------------


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """The audit trail of the user's own organisation (a council's, or a partner organisation's), for
    those allowed to read it. ``AuditEvent.council`` names the organisation whose trail holds the event."""
    if not user.is_authenticated or not user.is_active or not user.can(Perm.VIEW_AUDIT):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(council_id=user.organisation_id)


# Young people ----------------------------------------------------------------------------------


def people_visible_to(user: User) -> QuerySet[YoungPerson]:
    """Young people whose records the user may see.

    Council-wide roles see every young person in the council; team managers the young people
    allocated to their teams (and their own); personal advisers and others with a caseload the
    young people allocated to them in any role. Partner organisations' users and councillors see
    none here (partners see what referrals share with them).
    """
    council = council_of(user)
    if council is None:
        return YoungPerson.objects.none()
    people = YoungPerson.objects.filter(council=council).exclude(restricted_hidden_from(user))
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


# Restriction of processing (issue 22, onward/privacy) ---------------------------------------------
# A restricted young person's record stays, but only users holding a role the restriction names see it.
# This one condition is applied to the young people a user sees (above), and to the records reached
# without going through them (referrals, sends, applications below); aggregate counts still count them.


def restricted_hidden_from(user: User, person_field: str = "pk") -> Exists:
    """True for a young person (``OuterRef(person_field)``) under a live restriction naming none of ``user``'s roles."""
    live = Restriction.objects.filter(person=OuterRef(person_field), lifted_at__isnull=True)
    for key in user.role_keys:
        live = live.exclude(allowed_roles__contains=f",{key},")
    return Exists(live)


MONITORING_PERMS = (Perm.TRIAGE_REFERRALS, Perm.VIEW_AGGREGATES)


def people_counted_for(user: User) -> QuerySet[YoungPerson]:
    """Young people a user may count in aggregate figures (never list): every young person of their
    council for those who see aggregates or work the triage queue; otherwise those they may see."""
    council = council_of(user)
    if council is None:
        return YoungPerson.objects.none()
    if user.can_any(MONITORING_PERMS):
        return YoungPerson.objects.filter(council=council)
    return people_visible_to(user)


def access_person(user: User, pk: object) -> YoungPerson:
    """One young person the user may see, or 404."""
    result: YoungPerson = _get_or_404(people_visible_to(user).select_related("council", "personal_adviser", "team"), pk)
    return result


def can_change_person(user: User) -> bool:
    return user.can(Perm.CHANGE_PEOPLE)


def can_change_education(user: User) -> bool:
    return user.can_any((Perm.CHANGE_PEOPLE, Perm.CHANGE_EDUCATION))


# Imports and returns ---------------------------------------------------------------------------


def import_runs_visible_to(user: User) -> QuerySet[ImportRun]:
    """The council's imports, for those who import data."""
    council = council_of(user)
    if council is None or not user.can(Perm.IMPORT_DATA):
        return ImportRun.objects.none()
    return ImportRun.objects.filter(council=council).select_related("created_by").defer("files")


def access_import_run(user: User, pk: object) -> ImportRun:
    result: ImportRun = _get_or_404(import_runs_visible_to(user), pk)
    return result


def mappings_visible_to(user: User) -> QuerySet[ColumnMapping]:
    council = council_of(user)
    if council is None or not user.can(Perm.IMPORT_DATA):
        return ColumnMapping.objects.none()
    return ColumnMapping.objects.filter(council=council)


def access_mapping(user: User, pk: object) -> ColumnMapping:
    result: ColumnMapping = _get_or_404(mappings_visible_to(user), pk)
    return result


# Referrals and the provision directory ------------------------------------------------------------


def _network(user: User) -> QuerySet[Organisation]:
    """The organisations in the user's councils' networks: the councils and their partners."""
    councils = councils_for(user)
    return Organisation.objects.filter(
        Q(pk__in=councils.values("pk")) | Q(pk__in=live_links().filter(council__in=councils).values("partner_id"))
    )


def services_visible_to(user: User) -> QuerySet[Service]:
    """The directory: every service offered in the user's councils' networks."""
    if not user.is_authenticated or not user.is_active:
        return Service.objects.none()
    return Service.objects.filter(provider__in=_network(user)).select_related("provider")


def services_editable_by(user: User) -> QuerySet[Service]:
    """Entries are kept only by the organisation that provides them (ADR 14): a council's triage
    coordinators keep the council's own services, a partner's users their organisation's."""
    if not user.is_authenticated or not user.is_active or not user.can(Perm.MANAGE_DIRECTORY):
        return Service.objects.none()
    return Service.objects.filter(provider_id=user.organisation_id).select_related("provider")


def service_providers_for(user: User) -> QuerySet[Organisation]:
    """The providers a user may add a directory entry for: their own organisation only."""
    if not user.is_authenticated or not user.is_active or not user.can(Perm.MANAGE_DIRECTORY):
        return Organisation.objects.none()
    return Organisation.objects.filter(pk=user.organisation_id)


def access_service(user: User, pk: object, *, for_change: bool = False) -> Service:
    result: Service = _get_or_404(services_editable_by(user) if for_change else services_visible_to(user), pk)
    return result


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    """Council staff: triage sees every referral of the council; others those of the young people they see."""
    council = council_of(user)
    if council is None:
        return Referral.objects.none()
    referrals = (
        Referral.objects.filter(council=council)
        .exclude(restricted_hidden_from(user, "person_id"))  # issue 22: restriction
        .select_related("person", "made_by", "consent")
    )
    if user.can(Perm.TRIAGE_REFERRALS):
        return referrals
    if user.can_any((Perm.CREATE_REFERRALS, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)):
        return referrals.filter(person__in=people_visible_to(user))
    return Referral.objects.none()


def referrals_counted_for(user: User) -> QuerySet[Referral]:
    """Referrals counted on referral monitoring: the council's, for those who may see monitoring."""
    council = council_of(user)
    if council is None or not user.can_any(MONITORING_PERMS):
        return Referral.objects.none()
    return Referral.objects.filter(council=council)


def sends_counted_for(user: User) -> QuerySet[Send]:
    """Sends of the council's referrals, counted on referral monitoring."""
    return Send.objects.filter(referral__in=referrals_counted_for(user))


def feedback_counted_for(user: User) -> QuerySet[Feedback]:
    """Feedback from the council's own young people on the services of its network, for monitoring."""
    council = council_of(user)
    if council is None or not user.can_any(MONITORING_PERMS):
        return Feedback.objects.none()
    return Feedback.objects.filter(person__council=council, service__in=services_visible_to(user))


def access_referral(user: User, pk: object) -> Referral:
    result: Referral = _get_or_404(referrals_visible_to(user), pk)
    return result


def sends_received_by(user: User) -> QuerySet[Send]:
    """Referrals sent to the user's organisation that its consent still covers (or that were sent
    with a recorded override); withdrawn or expired consent removes them at once."""
    if not user.can(Perm.RECEIVE_REFERRALS):
        return Send.objects.none()
    organisation = user.organisation
    today = timezone.localdate()
    return (
        Send.objects.filter(
            service__provider=organisation,
            referral__consent__withdrawn_at__isnull=True,
            referral__council__in=councils_for(user),
        )
        .exclude(restricted_hidden_from(user, "referral__person_id"))  # issue 22: restriction
        .filter(
            Q(referral__consent__organisations=organisation, referral__consent__expires_on__gte=today)
            | ~Q(consent_override_reason="")
        )
        .distinct()
        .select_related("referral__person", "referral__consent", "service")
    )


def access_received_send(user: User, pk: object) -> Send:
    result: Send = _get_or_404(sends_received_by(user), pk)
    return result


def eet_history_shared_with(user: User, send: Send) -> QuerySet[EETSpell]:
    """The young person's education, employment and training history (current records, latest first)
    for a partner who received ``send``, while its consent lists that history among what may be
    shared; nothing otherwise."""
    received = sends_received_by(user).filter(pk=send.pk).first()
    if received is None or "eet_history" not in received.referral.consent.shared_fields:
        return EETSpell.objects.none()
    return EETSpell.objects.filter(person_id=received.referral.person_id, superseded_at__isnull=True).order_by(
        "-start", "-id"
    )


# Employers and opportunities -----------------------------------------------------------------------

EMPLOYMENT_PERMS = (Perm.MANAGE_EMPLOYERS, Perm.MANAGE_OPPORTUNITIES, Perm.PUT_FORWARD)


def employers_visible_to(user: User) -> QuerySet[Employer]:
    council = council_of(user)
    if council is None or not user.can_any(EMPLOYMENT_PERMS):
        return Employer.objects.none()
    return Employer.objects.filter(council=council)


def access_employer(user: User, pk: object, *, for_change: bool = False) -> Employer:
    if for_change and not user.can(Perm.MANAGE_EMPLOYERS):
        raise Http404
    result: Employer = _get_or_404(employers_visible_to(user), pk)
    return result


def opportunities_visible_to(user: User) -> QuerySet[Opportunity]:
    council = council_of(user)
    if council is None or not user.can_any(EMPLOYMENT_PERMS):
        return Opportunity.objects.none()
    return Opportunity.objects.filter(council=council).select_related("employer")


def access_opportunity(user: User, pk: object, *, for_change: bool = False) -> Opportunity:
    if for_change and not user.can(Perm.MANAGE_OPPORTUNITIES):
        raise Http404
    result: Opportunity = _get_or_404(opportunities_visible_to(user), pk)
    return result


def applications_visible_to(user: User) -> QuerySet[Application]:
    """Engagement workers see the council's applications; advisers those of the young people they see."""
    council = council_of(user)
    if council is None:
        return Application.objects.none()
    applications = (
        Application.objects.filter(opportunity__council=council)
        .exclude(restricted_hidden_from(user, "person_id"))  # issue 22: restriction
        .select_related("opportunity__employer", "person")
    )
    if user.can(Perm.MANAGE_OPPORTUNITIES):
        return applications
    if user.can(Perm.PUT_FORWARD):
        return applications.filter(person__in=people_visible_to(user))
    return Application.objects.none()


def access_application(user: User, pk: object) -> Application:
    result: Application = _get_or_404(applications_visible_to(user), pk)
    return result


def applications_for_employer(user: User) -> QuerySet[Application]:
    """An employer's own users see the young people put forward to it, while consent stands."""
    if not user.can(Perm.RECEIVE_REFERRALS) or user.organisation.kind != Organisation.Kind.EMPLOYER:
        return Application.objects.none()
    return (
        Application.objects.filter(
            opportunity__employer__organisation=user.organisation,
            opportunity__council__in=councils_for(user),
            consent_withdrawn_at__isnull=True,
        )
        .exclude(restricted_hidden_from(user, "person_id"))
        .select_related("opportunity", "person")
    )  # issue 22


# Improvement plans and scrutiny ---------------------------------------------------------------------


def plans_visible_to(user: User) -> QuerySet[Plan]:
    """The plans of the user's council, for anyone who may read plans."""
    council = council_of(user)
    if council is None or not user.can(Perm.VIEW_PLANS):
        return Plan.objects.none()
    return Plan.objects.filter(council=council)


def access_plan(user: User, pk: object, *, for_change: bool = False) -> Plan:
    """One plan of the user's council; ``for_change`` also needs MANAGE_PLANS (404 otherwise)."""
    if for_change and not user.can(Perm.MANAGE_PLANS):
        raise Http404
    result: Plan = _get_or_404(plans_visible_to(user), pk)
    return result


def plan_items_visible_to(user: User) -> QuerySet[Item]:
    return Item.objects.filter(plan__in=plans_visible_to(user)).select_related("plan", "section")


def access_plan_item(user: User, pk: object, *, for_change: bool = False) -> Item:
    if for_change and not user.can(Perm.MANAGE_PLANS):
        raise Http404
    result: Item = _get_or_404(plan_items_visible_to(user), pk)
    return result


def access_plan_measure(user: User, pk: object, *, for_change: bool = False) -> Measure:
    if for_change and not user.can(Perm.MANAGE_PLANS):
        raise Http404
    result: Measure = _get_or_404(
        Measure.objects.filter(item__plan__in=plans_visible_to(user)).select_related("item__plan"), pk
    )
    return result


def can_update_item(user: User, item: Item) -> bool:
    """A manager of plans may record an update on any item; a lead only on the items they lead."""
    if council_of(user) is None or item.plan.council_id != user.organisation_id:
        return False
    if user.can(Perm.MANAGE_PLANS):
        return True
    return user.can(Perm.UPDATE_PROGRESS) and item.leads.filter(pk=user.pk).exists()


def access_review_round(user: User, pk: object, *, for_change: bool = False) -> ReviewRound:
    if for_change and not user.can(Perm.MANAGE_PLANS):
        raise Http404
    result: ReviewRound = _get_or_404(
        ReviewRound.objects.filter(plan__in=plans_visible_to(user)).select_related("plan"), pk
    )
    return result


def rating_schemes_visible_to(user: User) -> QuerySet[RatingScheme]:
    council = council_of(user)
    if council is None or not user.can_any((Perm.VIEW_PLANS, Perm.MANAGE_RATING_SCHEMES)):
        return RatingScheme.objects.none()
    return RatingScheme.objects.filter(council=council)


def access_rating_scheme(user: User, pk: object, *, for_change: bool = False) -> RatingScheme:
    if for_change and not user.can(Perm.MANAGE_RATING_SCHEMES):
        raise Http404
    result: RatingScheme = _get_or_404(rating_schemes_visible_to(user), pk)
    return result


def plan_officers(user: User) -> QuerySet[User]:
    """The council's active staff a manager of plans may name as plan owner or item lead."""
    council = council_of(user)
    if council is None or not user.can(Perm.MANAGE_PLANS):
        return User.objects.none()
    return User.objects.filter(organisation=council, is_active=True).order_by("given_name", "family_name")


def benchmark_sets_visible_to(user: User) -> QuerySet[BenchmarkSet]:
    """The council's benchmark files, for those who set targets and load benchmarks."""
    council = council_of(user)
    if council is None or not user.can(Perm.MANAGE_TARGETS):
        return BenchmarkSet.objects.none()
    return BenchmarkSet.objects.filter(council=council)


def access_benchmark_set(user: User, pk: object) -> BenchmarkSet:
    result: BenchmarkSet = _get_or_404(benchmark_sets_visible_to(user), pk)
    return result


def targets_visible_to(user: User) -> QuerySet[Target]:
    """The council's targets, for those who set them."""
    council = council_of(user)
    if council is None or not user.can(Perm.MANAGE_TARGETS):
        return Target.objects.none()
    return Target.objects.filter(council=council).prefetch_related("steps")


def access_target(user: User, pk: object) -> Target:
    result: Target = _get_or_404(targets_visible_to(user), pk)
    return result


# 16-17 participation ---------------------------------------------------------------------------------


def careers_returns_visible_to(user: User) -> QuerySet[CareersReturn]:
    """The careers service's returned feeds of the user's council, for those who import data."""
    council = council_of(user)
    if council is None or not user.can(Perm.IMPORT_DATA):
        return CareersReturn.objects.none()
    return CareersReturn.objects.filter(council=council)


def access_careers_return(user: User, pk: object) -> CareersReturn:
    result: CareersReturn = _get_or_404(careers_returns_visible_to(user), pk)
    return result

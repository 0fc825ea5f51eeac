"""The portal's access policy: a young person sees only their own records.

A young person is not a staff user (ADR 29). Their sign-in lives in the session
(:data:`SESSION_ACCOUNT`, :data:`SESSION_EPOCH`, :data:`SESSION_STARTED`); :func:`portal_account`
reads it back and refuses it when the adviser has ended access (the account's ``session_epoch``
moved on), when it is older than ``ONWARD_PORTAL_SESSION_MAX_MINUTES``, or when a staff user is
signed in in the same browser. Every young person's page is wrapped in :func:`young_person_required`
(which marks it ``login_not_required`` for Django's staff sign-in and sends anyone without a portal
sign-in to the portal's own sign-in page).

Records are fetched through the ``<things>_of(account)`` and ``access_<thing>(account, pk)``
functions below; each starts from the account's own young person, so another young person's
record, or one that does not exist, answers 404 alike.

Staff reach the portal's records of a young person only through
:func:`onward.accounts.access.access_person` (the staff policy, unchanged), in
:func:`access_person_for_staff`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache

from onward.accounts import access as staff_access
from onward.accounts.models import Organisation, User
from onward.accounts.permissions import Perm
from onward.opportunities.models import Application, Opportunity
from onward.people import access as people_access
from onward.people.models import YoungPerson
from onward.portal.models import (
    Goal,
    LocalOffer,
    PortalAccount,
    ReturnerEnquiry,
    Statement,
    Survey,
    SurveyQuestion,
    SurveyResponse,
    Theme,
)
from onward.referrals.models import Referral, Send, Service

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])

SESSION_ACCOUNT = "portal_account"
SESSION_EPOCH = "portal_epoch"
SESSION_STARTED = "portal_started"


def portal_account(request: HttpRequest) -> PortalAccount | None:
    """The young person signed in to the portal in this session, or None."""
    if request.user.is_authenticated:
        return None  # a staff session is never a young person's
    pk = request.session.get(SESSION_ACCOUNT)
    if pk is None:
        return None
    account = PortalAccount.objects.select_related("person", "person__council").filter(pk=pk).first()
    started = request.session.get(SESSION_STARTED, 0)
    too_old = timezone.now().timestamp() - float(started) > settings.ONWARD_PORTAL_SESSION_MAX_MINUTES * 60
    if (
        account is None
        or account.status == PortalAccount.Status.ENDED
        or request.session.get(SESSION_EPOCH) != account.session_epoch
        or too_old
    ):
        request.session.flush()
        return None
    return account


def young_person_required(view: ViewFunc) -> ViewFunc:
    """A young person's page: signed in to the portal, or sent to the portal's sign-in page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        account = portal_account(request)
        if account is None:
            return redirect("my:sign-in")
        request.portal_account = account  # type: ignore[attr-defined]
        # Short sessions: idle time out, renewed with each request (the session is saved every request).
        request.session.set_expiry(settings.ONWARD_PORTAL_SESSION_IDLE_MINUTES * 60)
        return view(request, *args, **kwargs)

    # The young person is not ``request.user``, so core's NoStoreMiddleware would not see a signed-in
    # user: every portal page says no-store itself.
    page = never_cache(wrapped)
    page.young_person_page = True  # type: ignore[attr-defined]
    return login_not_required(page)  # type: ignore[return-value]


# The young person's own records ---------------------------------------------------------------


def goals_of(account: PortalAccount) -> QuerySet[Goal]:
    return Goal.objects.filter(person_id=account.person_id)


def access_goal(account: PortalAccount, pk: object) -> Goal:
    result: Goal = staff_access.get_or_404(goals_of(account), pk)
    return result


def statements_of(account: PortalAccount) -> QuerySet[Statement]:
    return Statement.objects.filter(person_id=account.person_id)


def referrals_of(account: PortalAccount) -> QuerySet[Referral]:
    """The referrals made with the young person (in their own council, the only one that holds them)."""
    return Referral.objects.filter(person_id=account.person_id, council_id=account.person.council_id)


def access_referral(account: PortalAccount, pk: object) -> Referral:
    result: Referral = staff_access.get_or_404(referrals_of(account), pk)
    return result


def sends_of(account: PortalAccount) -> QuerySet[Send]:
    return Send.objects.filter(referral__in=referrals_of(account))


def access_send(account: PortalAccount, pk: object) -> Send:
    result: Send = staff_access.get_or_404(sends_of(account).select_related("service__provider"), pk)
    return result


def opportunities_for(account: PortalAccount) -> QuerySet[Opportunity]:
    """Opportunities of the young person's council; eligibility is narrowed by the opportunities selectors."""
    return Opportunity.objects.filter(council_id=account.person.council_id).select_related("employer")


def access_opportunity(account: PortalAccount, pk: object, *, day: datetime.date) -> Opportunity:
    """An opportunity the young person is eligible for today; any other answers 404."""
    from onward.opportunities.selectors import suggested_opportunities

    eligible = {o.pk: o for o in suggested_opportunities(account.person, opportunities_for(account), day)}
    try:
        return eligible[int(str(pk))]
    except (KeyError, ValueError):
        raise Http404 from None


# Staff ----------------------------------------------------------------------------------------


def access_person_for_staff(user: User, pk: object, *, for_change: bool = False) -> YoungPerson:
    """A young person a staff member may see (the staff policy); to change their portal access they must
    also be allowed to change people's records (403 otherwise)."""
    person = people_access.access_person(user, pk)
    if for_change and not user.can(Perm.CHANGE_PEOPLE):
        raise PermissionDenied
    return person


def access_statement_for_staff(user: User, person: YoungPerson, pk: object) -> Statement:
    result: Statement = staff_access.get_or_404(Statement.objects.filter(person=person), pk)
    return result


def applications_of(account: PortalAccount) -> QuerySet[Application]:
    return Application.objects.filter(
        person_id=account.person_id, opportunity__council_id=account.person.council_id
    ).select_related("opportunity__employer")


# The local offer (public: no personal data) ---------------------------------------------------


def directory_of(council_id: int) -> QuerySet[Service]:
    """The directory of a council's network (the council and its partners with a live link), for the
    public local offer: the same services its staff see in the directory."""
    from django.db.models import Q

    network = Organisation.objects.filter(
        Q(pk=council_id) | Q(pk__in=staff_access.live_links().filter(council_id=council_id).values("partner_id"))
    )
    return Service.objects.filter(provider__in=network).select_related("provider")


def offers_managed_by(user: User) -> QuerySet[LocalOffer]:
    """The versions of the local offer of the user's own council, for those who write it."""
    council = staff_access.council_of(user)
    if council is None or not user.can(Perm.MANAGE_PORTAL):
        return LocalOffer.objects.none()
    return LocalOffer.objects.filter(council=council)


def access_offer_for_change(user: User, pk: object) -> LocalOffer:
    result: LocalOffer = staff_access.get_or_404(offers_managed_by(user), pk)
    return result


# The well-being survey ------------------------------------------------------------------------


def questions_managed_by(user: User) -> QuerySet[SurveyQuestion]:
    council = staff_access.council_of(user)
    if council is None or not user.can(Perm.MANAGE_PORTAL):
        return SurveyQuestion.objects.none()
    return SurveyQuestion.objects.filter(council=council)


def access_question_for_change(user: User, pk: object) -> SurveyQuestion:
    result: SurveyQuestion = staff_access.get_or_404(questions_managed_by(user), pk)
    return result


def surveys_managed_by(user: User) -> QuerySet[Survey]:
    council = staff_access.council_of(user)
    if council is None or not user.can(Perm.MANAGE_PORTAL):
        return Survey.objects.none()
    return Survey.objects.filter(council=council)


def surveys_for(account: PortalAccount) -> QuerySet[Survey]:
    """The surveys of the young person's council."""
    return Survey.objects.filter(council_id=account.person.council_id)


# "You said, we did" and the feedback counts ---------------------------------------------------


def council_statements(council_id: int) -> QuerySet[Statement]:
    """Everything a council's young people said: for its indicators (counts only, never text)."""
    return Statement.objects.filter(council_id=council_id)


def council_survey_responses(council_id: int) -> QuerySet[SurveyResponse]:
    """Every answer to a council's well-being surveys: for its indicators (counted, never read)."""
    return SurveyResponse.objects.filter(survey__council_id=council_id)


def statements_counted_for(user: User) -> QuerySet[Statement]:
    """What young people said, for counting only, for council staff who see aggregates."""
    council = staff_access.council_of(user)
    if council is None or not user.can(Perm.VIEW_AGGREGATES):
        return Statement.objects.none()
    return council_statements(council.pk)


def feedback_for_themes(user: User) -> QuerySet[Statement]:
    """What the council's young people said in their own words, for staff grouping it into themes."""
    council = staff_access.council_of(user)
    if council is None or not user.can(Perm.MANAGE_PORTAL):
        return Statement.objects.none()
    return council_statements(council.pk).exclude(text="")


def service_feedback_counted_for(user: User) -> QuerySet[Statement]:
    """Young people's own ratings of services, for referral monitoring: the council's, for those who may see
    monitoring (``people.access.MONITORING_PERMS``, as ``referrals.access.feedback_counted_for``). Counted
    only; the counting page suppresses small numbers for councillors and never shows anyone's words."""
    council = staff_access.council_of(user)
    if council is None or not user.can_any(people_access.MONITORING_PERMS):
        return Statement.objects.none()
    return council_statements(council.pk).filter(
        kind=Statement.Kind.SERVICE_FEEDBACK, send__isnull=False, rating__isnull=False
    )


def service_feedback_received_by(user: User) -> QuerySet[Statement]:
    """Young people's own feedback on the user's organisation's services, for the referrals it received and
    may still see (``referrals.access.sends_received_by``: consent in force and covering it, or a recorded
    override; its councils only). A partner counts these; it reads the words only of :func:`words_shared`."""
    from onward.referrals.access import sends_received_by

    received = sends_received_by(user)
    return Statement.objects.filter(
        kind=Statement.Kind.SERVICE_FEEDBACK,
        send__in=Send.objects.filter(pk__in=received.values("pk")),
        council__in=staff_access.councils_for(user),
    )


def words_shared(feedback: QuerySet[Statement]) -> QuerySet[Statement]:
    """Of feedback on a service, what the young person agreed the service may read."""
    return feedback.filter(shared_with_service=True).exclude(text="")


def themes_managed_by(user: User) -> QuerySet[Theme]:
    council = staff_access.council_of(user)
    if council is None or not user.can(Perm.MANAGE_PORTAL):
        return Theme.objects.none()
    return Theme.objects.filter(council=council)


def access_theme_for_change(user: User, pk: object) -> Theme:
    result: Theme = staff_access.get_or_404(themes_managed_by(user), pk)
    return result


def themes_published_for(account: PortalAccount) -> QuerySet[Theme]:
    return Theme.objects.filter(council_id=account.person.council_id, published_at__isnull=False)


# Returners ------------------------------------------------------------------------------------


def register_matches(
    council_id: int, *, given_name: str, family_name: str, date_of_birth: datetime.date
) -> list[YoungPerson]:
    """The council's young people with this name (legal or preferred given name) and date of birth. For the
    public "ask for support again" form only: its page says the same whether or not anyone matches."""
    from django.db.models import Q

    return list(
        YoungPerson.objects.filter(
            Q(legal_given_name__iexact=given_name.strip()) | Q(preferred_name__iexact=given_name.strip()),
            council_id=council_id,
            legal_family_name__iexact=family_name.strip(),
            date_of_birth=date_of_birth,
        )[:2]
    )


def offer_comments_for(user: User) -> QuerySet[Statement]:
    """Young people's comments on the council's local offer, for those who write it (shown without names)."""
    council = staff_access.council_of(user)
    if council is None or not user.can(Perm.MANAGE_PORTAL):
        return Statement.objects.none()
    return (
        council_statements(council.pk)
        .filter(kind=Statement.Kind.OFFER_COMMENT)
        .select_related("local_offer")
        .order_by("-created_at")
    )


def council_or_404(council_id: object) -> Organisation:
    """A council, for its public pages (the local offer, asking for support again); 404 for anything else."""
    found: Organisation = staff_access.get_or_404(
        Organisation.objects.filter(kind=Organisation.Kind.COUNCIL), council_id
    )
    return found


def returner_enquiries_for(user: User) -> QuerySet[ReturnerEnquiry]:
    """Requests for support again that matched no record, for the council staff who may see young people
    beyond their own caseload (team managers, the council-wide roles): they check who it is."""
    council = staff_access.council_of(user)
    if council is None or not user.can_any((Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)):
        return ReturnerEnquiry.objects.none()
    return ReturnerEnquiry.objects.filter(council=council)


def access_returner_enquiry(user: User, pk: object) -> ReturnerEnquiry:
    """One request for support again to check, of the user's own council; 404 for anything else."""
    found: ReturnerEnquiry = staff_access.get_or_404(returner_enquiries_for(user), pk)
    return found


def returner_candidates(user: User, enquiry: ReturnerEnquiry, search: str = "") -> list[YoungPerson]:
    """Young people the user may see who could be the one asking: the same date of birth or family name,
    or a name searched for; at most 20."""
    from django.db.models import Q

    people = people_access.people_visible_to(user).filter(council_id=enquiry.council_id)
    if search.strip():
        words = search.split()
        query = Q()
        for word in words:
            query &= (
                Q(legal_given_name__icontains=word)
                | Q(preferred_name__icontains=word)
                | Q(legal_family_name__icontains=word)
            )
        people = people.filter(query)
    else:
        people = people.filter(
            Q(date_of_birth=enquiry.date_of_birth) | Q(legal_family_name__iexact=enquiry.family_name)
        )
    return list(people.order_by("legal_family_name", "legal_given_name", "pk")[:20])

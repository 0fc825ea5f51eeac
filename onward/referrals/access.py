"""The provision directory, referrals and what a partner receives.

This app's access policy, built on the tenancy and permission kernel in :mod:`onward.accounts.access`.

``<things>_visible_to(user)`` is everything of that kind in the user's scope (empty when their roles
give them no business with it); ``access_<thing>(user, pk)`` fetches one record and authorises it in
one call, raising ``Http404`` for "missing" and "not yours" alike.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from onward.accounts import access
from onward.accounts.models import Organisation, User
from onward.accounts.permissions import Perm
from onward.people import access as people_access
from onward.people.models import EETSpell
from onward.referrals.models import Feedback, PartnerListReturn, Referral, Send, Service


def services_visible_to(user: User) -> QuerySet[Service]:
    """The directory: every service offered in the user's councils' networks."""
    if not user.is_authenticated or not user.is_active:
        return Service.objects.none()
    return Service.objects.filter(provider__in=access.network_of(user)).select_related("provider")


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
    result: Service = access.get_or_404(services_editable_by(user) if for_change else services_visible_to(user), pk)
    return result


TRIAGE_STATUSES = (Referral.Status.AWAITING_TRIAGE, Referral.Status.MORE_INFO)


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    """Council staff: triage sees every referral of the council; others those of the young people they see.
    A partner's triage coordinator: :func:`referrals_triaged_by_partner`."""
    council = access.council_of(user)
    if council is None:
        return referrals_triaged_by_partner(user)
    referrals = people_access.without_hidden(
        Referral.objects.filter(council=council), user, "person_id"
    ).select_related("person", "made_by", "consent")
    if user.can(Perm.TRIAGE_REFERRALS):
        return referrals
    if user.can_any((Perm.CREATE_REFERRALS, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)):
        return referrals.filter(person__in=people_access.people_visible_to(user))
    return Referral.objects.none()


def referrals_triaged_by_partner(user: User) -> QuerySet[Referral]:
    """A partner organisation's triage coordinator: the referrals waiting for triage (or for more
    information) of the councils whose live link with their organisation carries the triage power
    (``access.triage_councils_for``), with consent not withdrawn, restricted records left out. Nothing
    else: once triaged, a referral leaves their view; removing the power or ending the link removes all
    of it at once. None for council staff (see :func:`referrals_visible_to`)."""
    if not user.is_authenticated or not user.is_active or access.council_of(user) is not None:
        return Referral.objects.none()
    referrals = Referral.objects.filter(
        council__in=access.triage_councils_for(user),
        status__in=TRIAGE_STATUSES,
        consent__withdrawn_at__isnull=True,
    )
    return people_access.without_hidden(referrals, user, "person_id").select_related("person", "made_by", "consent")


def services_to_triage_to(user: User, referral: Referral) -> QuerySet[Service]:
    """The services a triager may send ``referral`` to: the directory of the referral's own council's
    network (the council's services and its live partners'), never another council's network, even for
    a partner working with several councils."""
    network = Organisation.objects.filter(Q(pk=referral.council_id) | Q(pk__in=access.partner_ids(referral.council)))
    return services_visible_to(user).filter(provider__in=network)


def referrals_counted_for(user: User) -> QuerySet[Referral]:
    """Referrals counted on referral monitoring: the council's, for those who may see monitoring."""
    council = access.council_of(user)
    if council is None or not user.can_any(people_access.MONITORING_PERMS):
        return Referral.objects.none()
    return Referral.objects.filter(council=council)


def sends_counted_for(user: User) -> QuerySet[Send]:
    """Sends of the council's referrals, counted on referral monitoring."""
    return Send.objects.filter(referral__in=referrals_counted_for(user))


def feedback_counted_for(user: User) -> QuerySet[Feedback]:
    """Feedback from the council's own young people on the services of its network, for monitoring."""
    council = access.council_of(user)
    if council is None or not user.can_any(people_access.MONITORING_PERMS):
        return Feedback.objects.none()
    return Feedback.objects.filter(person__council=council, service__in=services_visible_to(user))


def impact_sends_for(user: User) -> QuerySet[Send]:
    """The sends whose young people's later EET status a user may count for a service's impact: council
    staff who see referral monitoring, their council's (:func:`sends_counted_for`); a partner's user who
    receives referrals, those received by their organisation (:func:`sends_received_by`) whose consent
    shares the EET history (as :func:`eet_history_shared_with`); nobody else."""
    if access.council_of(user) is not None:
        return sends_counted_for(user)
    shared = [send.pk for send in sends_received_by(user) if "eet_history" in send.referral.consent.shared_fields]
    return Send.objects.filter(pk__in=shared)


def access_referral(user: User, pk: object) -> Referral:
    result: Referral = access.get_or_404(referrals_visible_to(user), pk)
    return result


def sends_received_by(user: User) -> QuerySet[Send]:
    """Referrals sent to the user's organisation that its consent still covers (or that were sent
    with a recorded override); withdrawn or expired consent removes them at once."""
    if not user.can(Perm.RECEIVE_REFERRALS):
        return Send.objects.none()
    organisation = user.organisation
    today = timezone.localdate()
    sends = Send.objects.filter(
        service__provider=organisation,
        referral__consent__withdrawn_at__isnull=True,
        referral__council__in=access.councils_for(user),
    )
    return (
        people_access.without_hidden(sends, user, "referral__person_id")
        .filter(
            Q(referral__consent__organisations=organisation, referral__consent__expires_on__gte=today)
            | ~Q(consent_override_reason="")
        )
        .distinct()
        .select_related("referral__person", "referral__consent", "service")
    )


def partner_lists_of(user: User) -> QuerySet[PartnerListReturn]:
    """The lists the user's organisation sent back, for its users who receive referrals."""
    if not user.can(Perm.RECEIVE_REFERRALS) or user.organisation_id is None:
        return PartnerListReturn.objects.none()
    return PartnerListReturn.objects.filter(organisation=user.organisation).select_related("council", "organisation")


def access_partner_list(user: User, pk: object) -> PartnerListReturn:
    result: PartnerListReturn = access.get_or_404(partner_lists_of(user), pk)
    return result


def access_received_send(user: User, pk: object) -> Send:
    result: Send = access.get_or_404(sends_received_by(user), pk)
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

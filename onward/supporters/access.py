"""The supporters app's access policy: which mentors, matches and meetings a user may see and change.

Built on the kernel in ``onward.accounts.access`` (the council as tenant, ``people_visible_to``):

- the registers (mentors) are the council's: its staff who work with young people's records
  (``PEOPLE_PERMS``) or keep the registers (``MANAGE_SUPPORTERS``) see them; partners, councillors
  and other councils never do;
- a record about a young person (a mentor match, its meetings) is seen only by those who may see
  that young person (``people_visible_to``); it is changed by those who also hold ``CHANGE_PEOPLE``
  or ``MANAGE_SUPPORTERS``;
- ``access_<thing>(user, pk)`` fetches and authorises in one call: missing and not yours are both 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from onward.accounts import access as kernel
from onward.accounts.models import Organisation, User
from onward.accounts.permissions import Perm
from onward.people import access as people_access
from onward.people.models import AccommodationSpell, CaseClosure, YoungPerson
from onward.supporters.models import (
    AccommodationProvider,
    Carer,
    EHCPlan,
    Mentor,
    MentorMatch,
    MentorMeeting,
    MoveOnPlan,
    ProviderRating,
    ReviewInvitation,
    TrainingCourse,
    TrainingRecord,
    TransitionReferral,
)

PEOPLE_PERMS = people_access.PEOPLE_PERMS
REGISTER_PERMS = (*PEOPLE_PERMS, Perm.MANAGE_SUPPORTERS)
CHANGE_PERMS = (Perm.CHANGE_PEOPLE, Perm.MANAGE_SUPPORTERS)


def register_council(user: User) -> Organisation | None:
    """The council whose registers the user may read; None for anyone else."""
    council = kernel.council_of(user)
    if council is None or not user.can_any(REGISTER_PERMS):
        return None
    return council


def can_manage_registers(user: User) -> bool:
    return kernel.council_of(user) is not None and user.can(Perm.MANAGE_SUPPORTERS)


def can_change_for_people(user: User) -> bool:
    """May record matches, meetings and carers for the young people the user sees."""
    return kernel.council_of(user) is not None and user.can_any(CHANGE_PERMS)


# Mentors --------------------------------------------------------------------------------------------


def mentors_visible_to(user: User) -> QuerySet[Mentor]:
    council = register_council(user)
    if council is None:
        return Mentor.objects.none()
    return Mentor.objects.filter(council=council)


def access_mentor(user: User, pk: object, *, for_change: bool = False) -> Mentor:
    if for_change and not can_manage_registers(user):
        raise Http404
    result: Mentor = kernel.get_or_404(mentors_visible_to(user), pk)
    return result


def mentors_matchable_by(user: User) -> QuerySet[Mentor]:
    """Mentors a user may match a young person with: the council's active mentors (checks are the service's)."""
    if not can_change_for_people(user):
        return Mentor.objects.none()
    return mentors_visible_to(user).filter(active=True)


def matches_visible_to(user: User) -> QuerySet[MentorMatch]:
    """Matches of the young people the user may see (never another council's, never a partner's)."""
    return MentorMatch.objects.filter(person__in=people_access.people_visible_to(user)).select_related(
        "mentor", "person"
    )


def access_match(user: User, pk: object, *, for_change: bool = False) -> MentorMatch:
    if for_change and not can_change_for_people(user):
        raise Http404
    result: MentorMatch = kernel.get_or_404(matches_visible_to(user), pk)
    return result


def meetings_visible_to(user: User) -> QuerySet[MentorMeeting]:
    return MentorMeeting.objects.filter(match__in=matches_visible_to(user))


def matches_counted_for(user: User) -> QuerySet[MentorMatch]:
    """Matches counted on the register's figures (never listed): the council's, for register readers."""
    council = register_council(user)
    if council is None:
        return MentorMatch.objects.none()
    return MentorMatch.objects.filter(mentor__council=council)


def council_mentors(council: Organisation) -> QuerySet[Mentor]:
    """A council's whole register, for its registered indicators (counted, never listed)."""
    return Mentor.objects.filter(council=council)


def council_matches_counted(council: Organisation) -> QuerySet[MentorMatch]:
    """A council's whole set of matches, for its registered indicators (aggregates only: plan measures
    read them by council and date; no page lists them through here)."""
    return MentorMatch.objects.filter(mentor__council=council)


# Carers ---------------------------------------------------------------------------------------------


def carers_visible_to(user: User) -> QuerySet[Carer]:
    """Carers of the young people the user may see."""
    return Carer.objects.filter(person__in=people_access.people_visible_to(user)).select_related("person")


def access_carer(user: User, pk: object, *, for_change: bool = False) -> Carer:
    if for_change and not can_change_for_people(user):
        raise Http404
    result: Carer = kernel.get_or_404(carers_visible_to(user), pk)
    return result


def invitations_visible_to(user: User) -> QuerySet[ReviewInvitation]:
    return ReviewInvitation.objects.filter(carer__in=carers_visible_to(user)).select_related("carer", "after_review")


# Training -------------------------------------------------------------------------------------------

EMPLOYMENT_PERMS = (Perm.MANAGE_EMPLOYERS, Perm.MANAGE_OPPORTUNITIES, Perm.PUT_FORWARD)
TRAINING_READERS = (*REGISTER_PERMS, *EMPLOYMENT_PERMS)
TRAINING_KEEPERS = (Perm.MANAGE_SUPPORTERS, Perm.MANAGE_EMPLOYERS)


def training_council(user: User) -> Organisation | None:
    """The council whose training records the user may read: its staff who keep registers, work with
    young people's records, or work with employers (who recorded staff training before)."""
    council = kernel.council_of(user)
    if council is None or not user.can_any(TRAINING_READERS):
        return None
    return council


def can_record_training(user: User) -> bool:
    return kernel.council_of(user) is not None and user.can_any(TRAINING_KEEPERS)


def training_visible_to(user: User) -> QuerySet[TrainingRecord]:
    council = training_council(user)
    if council is None:
        return TrainingRecord.objects.none()
    return TrainingRecord.objects.filter(council=council).select_related("course", "staff")


def courses_visible_to(user: User) -> QuerySet[TrainingCourse]:
    council = training_council(user)
    if council is None:
        return TrainingCourse.objects.none()
    return TrainingCourse.objects.filter(council=council)


def trainable_staff(user: User) -> QuerySet[User]:
    """Onward users a keeper may record as attendees: the council's active staff, and its live partners' users."""
    council = kernel.council_of(user)
    if council is None or not can_record_training(user):
        return User.objects.none()
    return (
        User.objects.filter(Q(organisation=council) | Q(organisation__in=kernel.partner_ids(council)), is_active=True)
        .select_related("organisation")
        .order_by("family_name", "given_name")
    )


def council_training(council: Organisation) -> QuerySet[TrainingRecord]:
    """A council's training records, for counts other apps and registered indicators read (never listed)."""
    return TrainingRecord.objects.filter(council=council)


# Accommodation providers and move-on -----------------------------------------------------------------


def providers_visible_to(user: User) -> QuerySet[AccommodationProvider]:
    council = register_council(user)
    if council is None:
        return AccommodationProvider.objects.none()
    return AccommodationProvider.objects.filter(council=council)


def access_provider(user: User, pk: object, *, for_change: bool = False) -> AccommodationProvider:
    if for_change and not can_manage_registers(user):
        raise Http404
    result: AccommodationProvider = kernel.get_or_404(providers_visible_to(user), pk)
    return result


def ratings_counted_for(user: User) -> QuerySet[ProviderRating]:
    """Young people's ratings of the council's providers, counted (average, number) on the register."""
    return ProviderRating.objects.filter(provider__in=providers_visible_to(user))


def ratings_visible_to(user: User) -> QuerySet[ProviderRating]:
    """Ratings with their comments, of the young people the user may see."""
    return ProviderRating.objects.filter(person__in=people_access.people_visible_to(user)).select_related(
        "provider", "person"
    )


def spells_visible_to(user: User) -> QuerySet[AccommodationSpell]:
    """Current accommodation spells of the young people the user may see."""
    return AccommodationSpell.objects.filter(
        person__in=people_access.people_visible_to(user), superseded_at__isnull=True
    ).select_related("provider")


def move_on_plans_visible_to(user: User) -> QuerySet[MoveOnPlan]:
    return MoveOnPlan.objects.filter(person__in=people_access.people_visible_to(user)).select_related(
        "person", "planned_provider"
    )


def access_move_on_plan(user: User, pk: object, *, for_change: bool = False) -> MoveOnPlan:
    if for_change and not can_change_for_people(user):
        raise Http404
    result: MoveOnPlan = kernel.get_or_404(move_on_plans_visible_to(user), pk)
    return result


# Transitions ----------------------------------------------------------------------------------------


def ehc_plans_visible_to(user: User) -> QuerySet[EHCPlan]:
    return EHCPlan.objects.filter(person__in=people_access.people_visible_to(user)).select_related("person")


def access_ehc_plan(user: User, pk: object, *, for_change: bool = False) -> EHCPlan:
    if for_change and not can_change_for_people(user):
        raise Http404
    result: EHCPlan = kernel.get_or_404(ehc_plans_visible_to(user), pk)
    return result


def transition_referrals_visible_to(user: User) -> QuerySet[TransitionReferral]:
    return TransitionReferral.objects.filter(person__in=people_access.people_visible_to(user)).select_related("person")


def access_transition_referral(user: User, pk: object, *, for_change: bool = False) -> TransitionReferral:
    if for_change and not can_change_for_people(user):
        raise Http404
    result: TransitionReferral = kernel.get_or_404(transition_referrals_visible_to(user), pk)
    return result


# Case closure ---------------------------------------------------------------------------------------


def latest_closure(user: User, person: YoungPerson) -> CaseClosure | None:
    """The young person's latest current case closure, if the user may see the young person."""
    if not people_access.people_visible_to(user).filter(pk=person.pk).exists():
        return None
    return CaseClosure.objects.filter(person=person, superseded_at__isnull=True).order_by("-date", "-id").first()

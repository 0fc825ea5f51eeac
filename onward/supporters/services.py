"""Changes to the supporters' registers and the records around each young person.

Each service is keyword-only and typed, checks the record in full, saves it and writes its audit
entry in one transaction. A change to a record several people edit takes the ``version`` its editor
opened (``onward.core.concurrency``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from onward.accounts.models import Organisation, User
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record, diff, snapshot
from onward.core.concurrency import lock_for_change
from onward.core.models import touched
from onward.people.models import AccommodationSpell, CaseClosure, PathwayPlanReview, YoungPerson
from onward.supporters import selectors
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

Action = AuditEvent.Action
MENTOR_FIELDS = (
    "name",
    "kind",
    "organisation_name",
    "email",
    "phone",
    "dbs_checked_on",
    "dbs_reference",
    "references_checked_on",
    "trained_on",
    "active",
    "notes",
)


def _not_future(day: datetime.date | None, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: "The date must be today or in the past"})


def _clean_text(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}


# Mentors --------------------------------------------------------------------------------------------


@transaction.atomic
def mentor_save(
    *, acting_user: User, council: Organisation, mentor: Mentor | None, version: int | None = None, **fields: Any
) -> Mentor:
    """Add a mentor to the council's register, or change one (``version`` as the editor opened it)."""
    unknown = set(fields) - set(MENTOR_FIELDS)
    if unknown:
        raise TypeError(f"Unknown mentor fields: {sorted(unknown)}")
    for name in ("dbs_checked_on", "references_checked_on", "trained_on"):
        _not_future(fields.get(name), name)
    if mentor is not None:
        target = lock_for_change(Mentor, mentor.pk, version, "mentor")
        before = snapshot(target)
        target.version += 1
    else:
        target, before = Mentor(council=council), {}
    for name, value in _clean_text(fields).items():
        setattr(target, name, value)
    if target.kind == Mentor.Kind.EMPLOYER and not target.organisation_name:
        raise ValidationError({"organisation_name": "Enter the employer an employer mentor works for"})
    target.full_clean()
    target.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE if mentor else Action.CREATE,
        council=council,
        obj=target,
        changes=diff(before, snapshot(target)),
    )
    return target


@transaction.atomic
def match_create(
    *, acting_user: User, person: YoungPerson, mentor: Mentor, start: datetime.date, goals: str = ""
) -> MentorMatch:
    """Match a young person with a mentor of their council whose checks and training are complete on ``start``."""
    if mentor.council_id != person.council_id:
        raise ValidationError({"mentor": "Select a mentor on the council's register"})
    _not_future(start, "start")
    missing = mentor.missing_checks(start)
    if missing:
        raise ValidationError({"mentor": f"{mentor.name} cannot be matched: {', '.join(missing)}"})
    if MentorMatch.objects.filter(person=person, mentor=mentor, end__isnull=True).exists():
        raise ValidationError({"mentor": f"{mentor.name} is already matched with this young person"})
    match = MentorMatch(mentor=mentor, person=person, start=start, goals=goals.strip(), recorded_by=acting_user)
    match.full_clean()
    match.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=person.council,
        obj=match,
        summary=f"Matched with mentor {mentor.name}",
    )
    return match


@transaction.atomic
def match_end(
    *, acting_user: User, match: MentorMatch, version: int | None, end: datetime.date, reason: str
) -> MentorMatch:
    """End a match on ``end`` (on or after its start and its last meeting, not in the future)."""
    target = lock_for_change(MentorMatch, match.pk, version, "mentoring match")
    if target.end is not None:
        raise ValidationError("This match has already ended")
    _not_future(end, "end")
    if end < target.start:
        raise ValidationError({"end": "The end date must be the same as or after the start date"})
    last = target.meetings.order_by("-held_on").values_list("held_on", flat=True).first()
    if last is not None and end < last:
        raise ValidationError({"end": f"The end date must be on or after the last meeting ({last:%-d %B %Y})"})
    before = snapshot(target)
    target.end, target.end_reason = end, reason.strip()
    target.version += 1
    target.full_clean()
    target.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=target.person.council,
        obj=target,
        changes=diff(before, snapshot(target)),
        summary="Mentoring match ended",
    )
    return target


@transaction.atomic
def meeting_record(
    *, acting_user: User, match: MentorMatch, held_on: datetime.date, minutes: int | None = None, note: str = ""
) -> MentorMeeting:
    """Log a meeting of a match, on a day within the match and not in the future."""
    _not_future(held_on, "held_on")
    if held_on < match.start or (match.end is not None and held_on > match.end):
        raise ValidationError({"held_on": "The meeting date must be while the match was in place"})
    meeting = MentorMeeting(match=match, held_on=held_on, minutes=minutes, note=note.strip(), recorded_by=acting_user)
    meeting.full_clean()
    meeting.save()
    audit_record(actor=acting_user, action=Action.CREATE, council=match.person.council, obj=meeting)
    return meeting


# Carers ---------------------------------------------------------------------------------------------

CARER_FIELDS = ("kind", "name", "named_contact", "phone", "email", "start", "end", "invite_to_reviews")


def _check_carer_dates(start: datetime.date, end: datetime.date | None) -> None:
    if end is not None and end < start:
        raise ValidationError({"end": "The end date must be the same as or after the start date"})
    _not_future(end, "end")


@transaction.atomic
def carer_add(*, acting_user: User, person: YoungPerson, **fields: Any) -> Carer:
    """Record a foster carer or residential staff as a dated contact of ``person``."""
    unknown = set(fields) - set(CARER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown carer fields: {sorted(unknown)}")
    carer = Carer(person=person, recorded_by=acting_user, **_clean_text(fields))
    _check_carer_dates(carer.start, carer.end)
    carer.full_clean()
    carer.save()
    audit_record(actor=acting_user, action=Action.CREATE, council=person.council, obj=carer)
    return carer


@transaction.atomic
def carer_update(*, acting_user: User, carer: Carer, version: int | None, **fields: Any) -> Carer:
    """Change a carer's details or end dates (``version`` as the editor opened it)."""
    unknown = set(fields) - set(CARER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown carer fields: {sorted(unknown)}")
    target = lock_for_change(Carer, carer.pk, version, "carer")
    before = snapshot(target)
    for name, value in _clean_text(fields).items():
        setattr(target, name, value)
    _check_carer_dates(target.start, target.end)
    target.version += 1
    target.full_clean()
    target.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=target.person.council,
        obj=target,
        changes=diff(before, snapshot(target)),
    )
    return target


def latest_review(person: YoungPerson) -> PathwayPlanReview | None:
    """The young person's latest current pathway plan review: the one that sets when the next is due."""
    return PathwayPlanReview.objects.filter(person=person, superseded_at__isnull=True).order_by("-date", "-id").first()


@transaction.atomic
def reviews_invite(*, acting_user: User, person: YoungPerson) -> list[ReviewInvitation]:
    """Invite every carer of ``person`` who is in force on the next review's due date (today, if it is
    overdue) and is to be invited,
    to that review. Carers already invited to it are left as they are; the new invitations are returned."""
    review = latest_review(person)
    if review is None:
        raise ValidationError("Record a pathway plan review first: the next review's date comes from it")
    due = review.next_due
    on = max(due, timezone.localdate())  # an overdue review is still to be held: today's carers are invited
    carers = Carer.objects.filter(Carer.in_force(on), person=person, invite_to_reviews=True)
    already = set(ReviewInvitation.objects.filter(after_review=review).values_list("carer_id", flat=True))
    made = []
    for carer in carers:
        if carer.pk in already:
            continue
        invitation = ReviewInvitation(
            carer=carer,
            after_review=review,
            review_due=due,
            invited_on=timezone.localdate(),
            recorded_by=acting_user,
        )
        invitation.full_clean()
        invitation.save()
        made.append(invitation)
        audit_record(
            actor=acting_user,
            action=Action.CREATE,
            council=person.council,
            obj=invitation,
            summary=f"Invited {carer.name} to the pathway plan review due {due:%d/%m/%Y}",
        )
    if not made:
        raise ValidationError(
            f"No one to invite: no carer who is to be invited is recorded for {due:%-d %B %Y}, or all are invited"
        )
    return made


# Training -------------------------------------------------------------------------------------------


@transaction.atomic
def training_record(
    *,
    acting_user: User,
    council: Organisation,
    course: TrainingCourse | None,
    new_course: str = "",
    attendee_kind: str,
    staff: User | None = None,
    attendee_name: str = "",
    attendee_organisation: str = "",
    completed_on: datetime.date,
) -> TrainingRecord:
    """Record that someone completed a course: a chosen course of the council, or a new one named here."""
    _not_future(completed_on, "completed_on")
    new_course = new_course.strip()
    if course is None and not new_course:
        raise ValidationError({"course": "Select a course or enter the name of a new one"})
    if course is not None and new_course:
        raise ValidationError({"new_course": "Select a course or enter a new one, not both"})
    if course is not None and course.council_id != council.pk:
        raise ValidationError({"course": "Select a course from the list"})
    if attendee_kind in (TrainingRecord.Attendee.STAFF,) and staff is None:
        raise ValidationError({"staff": "Select the member of staff"})
    if staff is None and not attendee_name.strip():
        raise ValidationError({"attendee_name": "Enter the name of the person who completed the course"})
    if staff is not None and attendee_kind not in (
        TrainingRecord.Attendee.STAFF,
        TrainingRecord.Attendee.PARTNER_STAFF,
    ):
        raise ValidationError({"staff": "Choose a user only for council or partner staff; otherwise enter a name"})
    if staff is not None and (staff.organisation_id == council.pk) != (attendee_kind == TrainingRecord.Attendee.STAFF):
        raise ValidationError({"staff": "Select a user of the organisation the attendee works for"})
    if course is None:
        course = TrainingCourse.objects.filter(council=council, name__iexact=new_course).first()
        if course is None:
            course = TrainingCourse(council=council, name=new_course)
            course.full_clean()
            course.save()
            audit_record(actor=acting_user, action=Action.CREATE, council=council, obj=course)
    record = TrainingRecord(
        council=council,
        course=course,
        attendee_kind=attendee_kind,
        staff=staff,
        attendee_name="" if staff is not None else attendee_name.strip(),
        attendee_organisation=(staff.organisation.name if staff is not None else attendee_organisation.strip()),
        completed_on=completed_on,
        recorded_by=acting_user,
    )
    record.full_clean()
    record.save()
    audit_record(actor=acting_user, action=Action.CREATE, council=council, obj=record)
    return record


# Accommodation providers and move-on -----------------------------------------------------------------

PROVIDER_FIELDS = ("name", "kind", "area", "units", "contact_name", "phone", "email", "active", "notes")


@transaction.atomic
def provider_save(
    *,
    acting_user: User,
    council: Organisation,
    provider: AccommodationProvider | None,
    version: int | None = None,
    **fields: Any,
) -> AccommodationProvider:
    """Add a provider to the council's register, or change one (``version`` as the editor opened it)."""
    unknown = set(fields) - set(PROVIDER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown provider fields: {sorted(unknown)}")
    if provider is not None:
        target = lock_for_change(AccommodationProvider, provider.pk, version, "provider")
        before = snapshot(target)
        target.version += 1
    else:
        target, before = AccommodationProvider(council=council), {}
    clash = AccommodationProvider.objects.filter(council=council, name__iexact=str(fields.get("name", "")).strip())
    if provider is not None:
        clash = clash.exclude(pk=provider.pk)
    if clash.exists():
        raise ValidationError({"name": "A provider with this name is already on the register"})
    for name, value in _clean_text(fields).items():
        setattr(target, name, value)
    target.full_clean()
    target.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE if provider else Action.CREATE,
        council=council,
        obj=target,
        changes=diff(before, snapshot(target)),
    )
    return target


def _own_provider(person: YoungPerson, provider: AccommodationProvider | None, field: str) -> None:
    if provider is not None and provider.council_id != person.council_id:
        raise ValidationError({field: "Select a provider from the council's register"})


@transaction.atomic
def spell_provider_set(
    *, acting_user: User, spell: AccommodationSpell, provider: AccommodationProvider | None
) -> AccommodationSpell:
    """Name the provider of an accommodation spell (or clear it). The spell's dates and type are unchanged, so
    its history stands; the change is audited with the provider before and after."""
    if spell.superseded_at is not None:
        raise ValidationError("This record has been corrected: name the provider on the record in force")
    _own_provider(spell.person, provider, "provider")
    before = spell.provider_id
    AccommodationSpell.objects.filter(pk=spell.pk).update(**touched(provider=provider))
    spell.provider = provider
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=spell.person.council,
        obj=spell,
        changes={"provider": [before, provider.pk if provider else None]},
        summary="Accommodation provider named",
    )
    return spell


@transaction.atomic
def rating_record(
    *,
    acting_user: User,
    person: YoungPerson,
    provider: AccommodationProvider,
    score: int,
    comment: str = "",
    rated_on: datetime.date,
) -> ProviderRating:
    """Record a young person's rating of a provider that housed them (a spell names it)."""
    _own_provider(person, provider, "provider")
    _not_future(rated_on, "rated_on")
    if not AccommodationSpell.objects.filter(person=person, provider=provider, superseded_at__isnull=True).exists():
        raise ValidationError(
            {"provider": "Select a provider named on one of the young person's accommodation records"}
        )
    rating = ProviderRating(
        provider=provider,
        person=person,
        score=score,
        comment=comment.strip(),
        rated_on=rated_on,
        recorded_by=acting_user,
    )
    rating.full_clean()
    rating.save()
    audit_record(actor=acting_user, action=Action.CREATE, council=person.council, obj=rating)
    return rating


MOVE_ON_FIELDS = ("planned_type", "planned_provider", "planned_on", "notes")


@transaction.atomic
def move_on_plan_add(*, acting_user: User, person: YoungPerson, **fields: Any) -> MoveOnPlan:
    """Plan where a young person moves next, and when. One plan at a time is planned."""
    unknown = set(fields) - set(MOVE_ON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown move-on fields: {sorted(unknown)}")
    _own_provider(person, fields.get("planned_provider"), "planned_provider")
    if MoveOnPlan.objects.filter(person=person, status=MoveOnPlan.Status.PLANNED).exists():
        raise ValidationError("A move is already planned: change that plan instead")
    plan = MoveOnPlan(person=person, recorded_by=acting_user, **_clean_text(fields))
    plan.full_clean()
    plan.save()
    audit_record(actor=acting_user, action=Action.CREATE, council=person.council, obj=plan)
    return plan


@transaction.atomic
def move_on_plan_update(*, acting_user: User, plan: MoveOnPlan, version: int | None, **fields: Any) -> MoveOnPlan:
    """Change a move-on plan: its destination, date, notes or status (``version`` as the editor opened it)."""
    unknown = set(fields) - {*MOVE_ON_FIELDS, "status"}
    if unknown:
        raise TypeError(f"Unknown move-on fields: {sorted(unknown)}")
    target = lock_for_change(MoveOnPlan, plan.pk, version, "move-on plan")
    _own_provider(target.person, fields.get("planned_provider"), "planned_provider")
    before = snapshot(target)
    for name, value in _clean_text(fields).items():
        setattr(target, name, value)
    target.version += 1
    target.full_clean()
    target.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=target.person.council,
        obj=target,
        changes=diff(before, snapshot(target)),
    )
    return target


# Transitions ----------------------------------------------------------------------------------------

EHCP_FIELDS = ("issued_on", "reviewed_on", "ceases_on", "notes")


def ehcp_flag_sync(person: YoungPerson) -> None:
    """Keep the yes/no ``YoungPerson.ehcp`` in step with the dated plans: yes while a plan is in force today."""
    day = timezone.localdate()
    in_force = any(plan.in_force_on(day) for plan in EHCPlan.objects.filter(person=person))
    if person.ehcp != in_force:
        YoungPerson.objects.filter(pk=person.pk).update(**touched(ehcp=in_force))
        person.ehcp = in_force


def ehcp_flags_refresh(*, day: datetime.date | None = None) -> int:
    """Bring every young person's yes/no ``ehcp`` in step with their dated plans on ``day`` (today by
    default): a plan ceasing or starting changes the flag with no edit to any record, so this runs daily
    (``manage.py refresh_ehcp_flags``). Only young people with at least one dated plan are touched. Two
    statements, whatever the size of the cohort; returns how many flags changed."""
    day = day or timezone.localdate()
    in_force = EHCPlan.objects.filter(selectors.ehc_plan_in_force(day)).values("person_id")
    with_plans = EHCPlan.objects.values("person_id")
    with transaction.atomic():
        raised = YoungPerson.objects.filter(ehcp=False, pk__in=in_force).update(**touched(ehcp=True))
        cleared = (
            YoungPerson.objects.filter(ehcp=True, pk__in=with_plans)
            .exclude(pk__in=in_force)
            .update(**touched(ehcp=False))
        )
    return raised + cleared


def _check_ehcp(plan: EHCPlan) -> None:
    if plan.issued_on is None:
        raise ValidationError({"issued_on": "Enter the date the plan was issued"})
    _not_future(plan.issued_on, "issued_on")
    _not_future(plan.reviewed_on, "reviewed_on")
    if plan.reviewed_on is not None and plan.reviewed_on < plan.issued_on:
        raise ValidationError({"reviewed_on": "The review date must be the same as or after the date issued"})
    if plan.ceases_on is not None and plan.ceases_on <= plan.issued_on:
        raise ValidationError({"ceases_on": "The date it ceases must be after the date issued"})


@transaction.atomic
def ehc_plan_add(*, acting_user: User, person: YoungPerson, **fields: Any) -> EHCPlan:
    unknown = set(fields) - set(EHCP_FIELDS)
    if unknown:
        raise TypeError(f"Unknown EHC plan fields: {sorted(unknown)}")
    plan = EHCPlan(person=person, recorded_by=acting_user, **_clean_text(fields))
    _check_ehcp(plan)
    plan.full_clean()
    plan.save()
    ehcp_flag_sync(person)
    audit_record(actor=acting_user, action=Action.CREATE, council=person.council, obj=plan)
    return plan


@transaction.atomic
def ehc_plan_update(*, acting_user: User, plan: EHCPlan, version: int | None, **fields: Any) -> EHCPlan:
    unknown = set(fields) - set(EHCP_FIELDS)
    if unknown:
        raise TypeError(f"Unknown EHC plan fields: {sorted(unknown)}")
    target = lock_for_change(EHCPlan, plan.pk, version, "EHC plan")
    before = snapshot(target)
    for name, value in _clean_text(fields).items():
        setattr(target, name, value)
    _check_ehcp(target)
    target.version += 1
    target.full_clean()
    target.save()
    ehcp_flag_sync(target.person)
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=target.person.council,
        obj=target,
        changes=diff(before, snapshot(target)),
    )
    return target


TRANSITION_FIELDS = ("needs", "identified_on", "referred_on", "decision", "decided_on", "decision_note")
DECIDED = {
    TransitionReferral.Decision.ACCEPTED,
    TransitionReferral.Decision.BELOW_THRESHOLD,
    TransitionReferral.Decision.DECLINED,
}


def _check_transition(referral: TransitionReferral) -> None:
    _not_future(referral.identified_on, "identified_on")
    _not_future(referral.referred_on, "referred_on")
    _not_future(referral.decided_on, "decided_on")
    D = TransitionReferral.Decision
    if referral.decision != D.NOT_REFERRED and referral.referred_on is None:
        raise ValidationError({"referred_on": "Enter the date of the referral to adult transitions"})
    if referral.referred_on is not None and referral.referred_on < referral.identified_on:
        raise ValidationError(
            {"referred_on": "The referral date must be the same as or after the needs were identified"}
        )
    if referral.decision in DECIDED and referral.decided_on is None:
        raise ValidationError({"decided_on": "Enter the date of the decision"})
    if referral.decision not in DECIDED and referral.decided_on is not None:
        raise ValidationError({"decision": "Select the decision made on that date"})
    if (
        referral.decided_on is not None
        and referral.referred_on is not None
        and referral.decided_on < referral.referred_on
    ):
        raise ValidationError({"decided_on": "The decision date must be the same as or after the referral"})
    if referral.decision == D.NOT_REFERRED and referral.referred_on is not None:
        referral.decision = D.AWAITING


@transaction.atomic
def transition_referral_add(*, acting_user: User, person: YoungPerson, **fields: Any) -> TransitionReferral:
    """Record additional needs identified (and the referral, if made). Needs are identified from 15."""
    unknown = set(fields) - set(TRANSITION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown transition fields: {sorted(unknown)}")
    referral = TransitionReferral(person=person, recorded_by=acting_user, **_clean_text(fields))
    _check_transition(referral)
    referral.full_clean()
    referral.save()
    audit_record(actor=acting_user, action=Action.CREATE, council=person.council, obj=referral)
    return referral


@transaction.atomic
def transition_referral_update(
    *, acting_user: User, referral: TransitionReferral, version: int | None, **fields: Any
) -> TransitionReferral:
    """Record the referral and the adult transitions team's decision (``version`` as the editor opened it)."""
    unknown = set(fields) - set(TRANSITION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown transition fields: {sorted(unknown)}")
    target = lock_for_change(TransitionReferral, referral.pk, version, "adult transitions referral")
    before = snapshot(target)
    for name, value in _clean_text(fields).items():
        setattr(target, name, value)
    _check_transition(target)
    target.version += 1
    target.full_clean()
    target.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=target.person.council,
        obj=target,
        changes=diff(before, snapshot(target)),
    )
    return target


# Case closure letter --------------------------------------------------------------------------------


@transaction.atomic
def closure_letter_audit(*, acting_user: User, person: YoungPerson, closure: CaseClosure) -> None:
    """Record, before the letter is made, that ``acting_user`` produced the closure letter (an export of the
    young person's data)."""
    audit_record(
        actor=acting_user,
        action=Action.EXPORT,
        council=person.council,
        obj=closure,
        summary=f"Case closure letter for {person.display_name}",
    )

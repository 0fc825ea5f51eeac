"""Reads for the supporters' pages and indicators. Lists start from ``onward.supporters.access``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet

from onward.accounts.models import Organisation
from onward.people import selectors as people_selectors
from onward.people.categories import birthday
from onward.people.models import YoungPerson
from onward.supporters import access as policy
from onward.supporters.models import (
    AccommodationProvider,
    EHCPlan,
    Mentor,
    MentorMatch,
    MoveOnPlan,
    ProviderRating,
    TrainingRecord,
    TransitionReferral,
)


@dataclass(frozen=True)
class MentoringCounts:
    mentors: int
    mentors_ready: int
    young_people_mentored: int
    meetings_last_year: int


def year_before(day: datetime.date) -> datetime.date:
    """The first day of the twelve months ending on ``day``."""
    try:
        return day.replace(year=day.year - 1) + datetime.timedelta(days=1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28) + datetime.timedelta(days=1)


def mentoring_counts(mentors: QuerySet[Mentor], matches: QuerySet[MentorMatch], day: datetime.date) -> MentoringCounts:
    """The mentoring figures on ``day`` from the given (already scoped) mentors and matches: mentors on the
    register, those ready to be matched, young people with a match in force, meetings in the year to ``day``."""
    ready = sum(1 for mentor in mentors if mentor.ready_on(day))
    mentored = matches.filter(MentorMatch.in_force(day)).values("person_id").distinct().count()
    meetings = matches.aggregate(
        n=Count("meetings", filter=Q(meetings__held_on__gte=year_before(day), meetings__held_on__lte=day))
    )["n"]
    return MentoringCounts(
        mentors=mentors.filter(active=True).count(),
        mentors_ready=ready,
        young_people_mentored=mentored,
        meetings_last_year=meetings,
    )


def council_mentoring_counts(council: Organisation, day: datetime.date) -> MentoringCounts:
    """The council's mentoring figures, for its registered indicators (aggregates only, never a list)."""
    return mentoring_counts(policy.council_mentors(council), policy.council_matches_counted(council), day)


def mentor_register(mentors: QuerySet[Mentor], day: datetime.date) -> list[Mentor]:
    """The register with each mentor's number of matches in force on ``day`` (``current_matches``) and
    whether they may be matched that day (``is_ready``)."""
    found: list[Mentor] = list(
        mentors.annotate(
            current_matches=Count(
                "matches", filter=Q(matches__start__lte=day) & (Q(matches__end__isnull=True) | Q(matches__end__gte=day))
            )
        ).order_by("-active", "name", "id")
    )
    for mentor in found:
        mentor.is_ready = mentor.ready_on(day)  # type: ignore[attr-defined]
    return found


@dataclass(frozen=True)
class TrainingCount:
    course: str
    attendee_kind: str
    attendees: int
    completions: int


def training_counts(records: QuerySet[TrainingRecord], start: datetime.date, end: datetime.date) -> list[TrainingCount]:
    """Completions in the period by course and kind of attendee, with the number of different attendees."""
    labels = dict(TrainingRecord.Attendee.choices)
    found: dict[tuple[str, str], tuple[set[str], int]] = {}
    for course, kind, staff_id, name in records.filter(completed_on__gte=start, completed_on__lte=end).values_list(
        "course__name", "attendee_kind", "staff_id", "attendee_name"
    ):
        who, n = found.get((course, kind), (set(), 0))
        who.add(f"u{staff_id}" if staff_id else f"n{name.strip().lower()}")
        found[(course, kind)] = (who, n + 1)
    return [
        TrainingCount(course=course, attendee_kind=labels.get(kind, kind), attendees=len(who), completions=n)
        for (course, kind), (who, n) in sorted(found.items())
    ]


def staff_trained(*, council: Organisation, codes: tuple[str, ...], start: datetime.date, end: datetime.date) -> int:
    """Different council staff who completed one of the coded courses in the period (employer engagement counts)."""
    return (
        policy.council_training(council)
        .filter(
            course__code__in=codes,
            attendee_kind=TrainingRecord.Attendee.STAFF,
            completed_on__gte=start,
            completed_on__lte=end,
        )
        .values("staff_id")
        .distinct()
        .count()
    )


def completions_in_year(council: Organisation, day: datetime.date) -> int:
    return policy.council_training(council).filter(completed_on__gte=year_before(day), completed_on__lte=day).count()


def provider_register(
    providers: QuerySet[AccommodationProvider], ratings: QuerySet[ProviderRating], day: datetime.date
) -> list[AccommodationProvider]:
    """The register with each provider's young people housed on ``day`` (``housed``), its number of ratings
    and their average (``rating_count``, ``rating_average``, one decimal), in two queries."""
    found: list[AccommodationProvider] = list(
        providers.annotate(
            housed=Count(
                "spells",
                filter=Q(spells__superseded_at__isnull=True, spells__start__lte=day)
                & (Q(spells__end__isnull=True) | Q(spells__end__gte=day)),
            )
        ).order_by("-active", "name", "id")
    )
    scores = {
        row["provider_id"]: row
        for row in ratings.values("provider_id").annotate(n=Count("id"), average=Avg("score")).order_by()
    }
    for provider in found:
        row = scores.get(provider.pk)
        provider.rating_count = row["n"] if row else 0  # type: ignore[attr-defined]
        provider.rating_average = round(row["average"], 1) if row else None  # type: ignore[attr-defined]
    return found


def due_to_move(plans: QuerySet[MoveOnPlan], day: datetime.date, weeks: int) -> QuerySet[MoveOnPlan]:
    """Planned moves from ``day`` to ``weeks`` weeks ahead, and overdue ones still planned, soonest first."""
    return plans.filter(
        status=MoveOnPlan.Status.PLANNED, planned_on__lte=day + datetime.timedelta(weeks=weeks)
    ).order_by("planned_on", "id")


EHCP_WARNING_DAYS = 91
"""How far ahead a care leaver's EHC plan ceasing is warned of (about three months)."""


def ehc_plan_in_force(day: datetime.date) -> Q:
    """EHC plans in force on ``day``: issued by then (a plan moved from the yes/no field has no date and
    counts from the start) and not ceased (a plan ceasing on ``day`` no longer counts), as
    ``EHCPlan.in_force_on`` reads one plan."""
    return (Q(issued_on__isnull=True) | Q(issued_on__lte=day)) & (Q(ceases_on__isnull=True) | Q(ceases_on__gt=day))


def with_ehc_plan_on(people: QuerySet[YoungPerson], day: datetime.date) -> QuerySet[YoungPerson]:
    """Those of ``people`` with an EHC plan in force on ``day`` (each once, however many plans)."""
    return people.filter(Exists(EHCPlan.objects.filter(person=OuterRef("pk")).filter(ehc_plan_in_force(day))))


def in_care_with_ehc_plan(
    people: QuerySet[YoungPerson], day: datetime.date
) -> tuple[QuerySet[YoungPerson], QuerySet[YoungPerson]]:
    """(the children in care and care leavers among ``people`` on ``day``, those of them with an EHC plan in
    force on it), each with ``category``: the denominator and numerator of the indicator
    ``ehc_plan_in_care_or_care_leavers`` (``registry.ehc_plans``) and of its list of young people."""
    cohort = people_selectors.in_care_or_care_leavers(people, day)
    return cohort, with_ehc_plan_on(cohort, day)


def ehcp_ceasing(plans: QuerySet[EHCPlan], day: datetime.date, days: int = EHCP_WARNING_DAYS) -> list[EHCPlan]:
    """Plans of young people aged 18 or over on the date they cease, ceasing from ``day`` to ``days`` ahead."""
    found = plans.filter(ceases_on__gt=day, ceases_on__lte=day + datetime.timedelta(days=days)).select_related("person")
    return [
        p for p in found.order_by("ceases_on") if p.ceases_on and p.ceases_on >= birthday(p.person.date_of_birth, 18)
    ]


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def needs_to_identify(
    people: QuerySet[YoungPerson], referrals: QuerySet[TransitionReferral], day: datetime.date
) -> list[YoungPerson]:
    """Young people aged 15 to 17 with special educational needs or a disability, or an EHC plan, and no
    additional needs recorded yet for adult transitions: to consider at 15."""
    return list(
        people.filter(Q(send=True) | Q(ehcp=True), date_of_birth__lte=_years_before(day, 15))
        .filter(date_of_birth__gt=_years_before(day, 18))
        .exclude(pk__in=referrals.values("person_id"))
        .order_by("date_of_birth", "pk")
    )


def referrals_awaiting(referrals: QuerySet[TransitionReferral]) -> QuerySet[TransitionReferral]:
    """Needs identified and not yet referred, or referred and not yet decided: the ones to chase."""
    return referrals.filter(
        decision__in=[TransitionReferral.Decision.NOT_REFERRED, TransitionReferral.Decision.AWAITING]
    ).order_by("identified_on", "id")

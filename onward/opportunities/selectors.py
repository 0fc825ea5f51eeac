"""Reads for employers and opportunities: matching, and the counts that serve as indicators."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from onward.core.codelists import NEET_ACTIVITIES
from onward.opportunities.models import Application, Employer, Engagement, Opportunity, SustainmentCheck
from onward.opportunities.services import eligibility_problem
from onward.people import selectors as people_selectors
from onward.people.models import Aspiration, YoungPerson
from onward.supporters import selectors as supporters_selectors

# The courses counted as staff trained in employer engagement (training records live in onward/supporters).
EMPLOYER_COURSES = ("employer_engagement", "interview_support")


def open_opportunities(opportunities: QuerySet[Opportunity], day: datetime.date) -> QuerySet[Opportunity]:
    return opportunities.filter(Q(closing_on__isnull=True) | Q(closing_on__gte=day))


def suggested_people(
    opportunity: Opportunity, people: QuerySet[YoungPerson], day: datetime.date, limit: int = 25
) -> list[tuple[YoungPerson, list[str]]]:
    """Eligible young people, NEET or at risk first, then those whose aspiration matches the sector
    or who live where the opportunity is; each with the reasons it suits them."""
    candidates: Any = people_selectors.annotate_risk(
        people_selectors.filter_age_band_range(people, opportunity.min_age, opportunity.max_age, day), day
    ).select_related("personal_adviser")[:600]
    sectors = {
        a.person_id: a.sector.lower()
        for a in Aspiration.objects.filter(person__in=[p.pk for p in candidates], superseded_at__isnull=True).order_by(
            "date"
        )
    }
    taken = set(Application.objects.filter(opportunity=opportunity).values_list("person_id", flat=True))
    scored = []
    for person in candidates:
        if person.pk in taken or eligibility_problem(opportunity, person, day):
            continue
        reasons = []
        if person.eet_activity in NEET_ACTIVITIES:
            reasons.append("Not in education, employment or training")
        elif people_selectors.risk_reasons(person, day):
            reasons.append("At risk of NEET")
        sector = sectors.get(person.pk, "")
        if sector and (
            sector in opportunity.title.lower()
            or sector in opportunity.description.lower()
            or sector in opportunity.employer.sector.lower()
        ):
            reasons.append(f"Hopes to work in {sector}")
        place = (person.out_of_area_location if person.lives_out_of_area else "").lower()
        if place and place in opportunity.location.lower():
            reasons.append(f"Lives in {person.out_of_area_location}")
        # NEET first, then at risk of NEET, then the closest matches.
        weight = 4 * (person.eet_activity in NEET_ACTIVITIES) + 2 * ("At risk of NEET" in reasons) + len(reasons)
        scored.append((-weight, person.legal_family_name, person.pk, person, reasons))
    scored.sort(key=lambda item: item[:3])
    return [(person, reasons) for *_, person, reasons in scored[:limit]]


def suggested_opportunities(
    person: YoungPerson, opportunities: QuerySet[Opportunity], day: datetime.date
) -> list[Opportunity]:
    aspiration = Aspiration.objects.filter(person=person, superseded_at__isnull=True).order_by("-date").first()
    sector = aspiration.sector.lower() if aspiration and aspiration.sector else ""
    eligible = [
        o
        for o in open_opportunities(opportunities, day).select_related("employer")
        if not eligibility_problem(o, person, day)
    ]
    return sorted(
        eligible,
        key=lambda o: (
            0 if sector and sector in o.employer.sector.lower() else 1,
            o.closing_on or datetime.date.max,
            o.title,
        ),
    )


@dataclass
class Counts:
    employers_engaged: int
    employers_offering: int
    opportunities_offered: int
    places_offered: int
    interviews: int
    guaranteed_interviews: int
    starts: int
    apprenticeships_inside_council: int
    sustained_3_months: int
    sustained_6_months: int
    staff_trained: int
    apprenticeships_outside_council: int = 0
    council_service_areas: int = 0
    employers_with_engagement: int = 0
    employer_champions: int = 0
    guaranteed_interviews_offered: int = 0
    work_experience_starts: int = 0
    work_experience_inside_council: int = 0


# The counts plans quote (Stockton: apprenticeships inside the council across service areas, employers
# engaged and champions; Doncaster: guaranteed interviews), each for a period and as at its last day,
# so the counts page and the indicators in ``registry.py`` give the same number for the same dates.


def council_applications(council: Any) -> QuerySet[Application]:
    """Every application to one council's opportunities, for the counts (the caller's council)."""
    return Application.objects.filter(opportunity__council=council)


def _starts(council: Any, start: datetime.date, end: datetime.date) -> QuerySet[Application]:
    return council_applications(council).filter(started_on__gte=start, started_on__lte=end)


def apprenticeship_starts(council: Any, start: datetime.date, end: datetime.date, *, inside_council: bool) -> int:
    """Young people who started an apprenticeship from ``start`` to ``end``, with the council or elsewhere."""
    return (
        _starts(council, start, end)
        .filter(opportunity__kind=Opportunity.Kind.APPRENTICESHIP, opportunity__employer__is_council=inside_council)
        .count()
    )


def work_experience_starts(council: Any, start: datetime.date, end: datetime.date, *, inside_council: bool) -> int:
    """Work experience placements started from ``start`` to ``end``: all, or only those with the council."""
    found = _starts(council, start, end).filter(opportunity__kind=Opportunity.Kind.WORK_EXPERIENCE)
    if inside_council:
        found = found.filter(opportunity__employer__is_council=True)
    return found.count()


def employment_programme_starts(council: Any, start: datetime.date, end: datetime.date) -> int:
    """Starts on employment programmes (a government or partner scheme) from ``start`` to ``end``."""
    return _starts(council, start, end).filter(opportunity__kind=Opportunity.Kind.EMPLOYMENT_PROGRAMME).count()


def council_service_areas(council: Any, start: datetime.date, end: datetime.date) -> int:
    """The council's own service areas with an opportunity added from ``start`` to ``end`` (named alike
    whatever the capitals or spaces)."""
    names = Opportunity.objects.filter(
        council=council,
        employer__is_council=True,
        created_at__date__gte=start,
        created_at__date__lte=end,
    ).values_list("service_area", flat=True)
    return len({" ".join(name.lower().split()) for name in names if name.strip()})


def employers_with_engagement(council: Any, start: datetime.date, end: datetime.date) -> int:
    """Employers with an engagement logged, or an opportunity added, from ``start`` to ``end``: dated
    records only, so a past period gives the figure it gave then (the status shows only today's)."""
    return (
        Employer.objects.filter(council=council)
        .filter(
            Q(pk__in=Engagement.objects.filter(date__gte=start, date__lte=end).values("employer_id"))
            | Q(
                pk__in=Opportunity.objects.filter(
                    council=council, created_at__date__gte=start, created_at__date__lte=end
                ).values("employer_id")
            )
        )
        .count()
    )


def employer_champions(council: Any, day: datetime.date) -> int:
    """Employers who are champions of care leavers on ``day``: champions now, since that day or before
    (those without the date, added before it was kept, since they were added). One who has stopped
    being a champion is no longer counted on past dates."""
    return (
        Employer.objects.filter(council=council, status=Employer.Status.CHAMPION)
        .filter(Q(champion_since__lte=day) | Q(champion_since__isnull=True, created_at__date__lte=day))
        .count()
    )


def guaranteed_interviews_offered(council: Any, start: datetime.date, end: datetime.date) -> int:
    """Young people put forward, from ``start`` to ``end``, for an opportunity guaranteeing an interview."""
    return (
        council_applications(council)
        .filter(guaranteed_interview=True, created_at__date__gte=start, created_at__date__lte=end)
        .count()
    )


def interviews_taken(council: Any, start: datetime.date, end: datetime.date) -> int:
    """Interviews of young people put forward, guaranteed or not, that took place from ``start`` to ``end``."""
    return council_applications(council).filter(interview_on__gte=start, interview_on__lte=end).count()


def guaranteed_interviews_taken(council: Any, start: datetime.date, end: datetime.date) -> int:
    """Guaranteed interviews that took place from ``start`` to ``end``."""
    return (
        council_applications(council)
        .filter(guaranteed_interview=True, interview_on__gte=start, interview_on__lte=end)
        .count()
    )


def counts(*, council: Any, start: datetime.date, end: datetime.date) -> Counts:
    """The employer-engagement indicators for a period (inclusive), for dashboards and plan measures."""
    employers = Employer.objects.filter(council=council)
    opportunities = Opportunity.objects.filter(council=council, created_at__date__gte=start, created_at__date__lte=end)
    applications = Application.objects.filter(opportunity__council=council)
    checks = SustainmentCheck.objects.filter(
        application__opportunity__council=council, still_there=True, checked_on__gte=start, checked_on__lte=end
    )
    return Counts(
        employers_engaged=employers.filter(
            Q(status__in=[Employer.Status.ENGAGED, Employer.Status.CHAMPION])
            | Q(pk__in=Engagement.objects.filter(date__gte=start, date__lte=end).values("employer_id"))
        )
        .distinct()
        .count(),
        employers_offering=employers.filter(pk__in=opportunities.values("employer_id")).count(),
        opportunities_offered=opportunities.count(),
        places_offered=sum(opportunities.values_list("places", flat=True)),
        interviews=interviews_taken(council, start, end),
        guaranteed_interviews=guaranteed_interviews_taken(council, start, end),
        starts=applications.filter(started_on__gte=start, started_on__lte=end).count(),
        apprenticeships_inside_council=apprenticeship_starts(council, start, end, inside_council=True),
        sustained_3_months=checks.filter(point=SustainmentCheck.Point.MONTHS_3).count(),
        sustained_6_months=checks.filter(point=SustainmentCheck.Point.MONTHS_6).count(),
        staff_trained=supporters_selectors.staff_trained(council=council, codes=EMPLOYER_COURSES, start=start, end=end),
        apprenticeships_outside_council=apprenticeship_starts(council, start, end, inside_council=False),
        council_service_areas=council_service_areas(council, start, end),
        employers_with_engagement=employers_with_engagement(council, start, end),
        employer_champions=employer_champions(council, end),
        guaranteed_interviews_offered=guaranteed_interviews_offered(council, start, end),
        work_experience_starts=work_experience_starts(council, start, end, inside_council=False),
        work_experience_inside_council=work_experience_starts(council, start, end, inside_council=True),
    )


def checks_due(applications: QuerySet[Application], day: datetime.date) -> QuerySet[SustainmentCheck]:
    """Sustainment checks due by ``day`` and not yet recorded."""
    return SustainmentCheck.objects.filter(
        application__in=applications,
        due_on__lte=day,
        checked_on__isnull=True,
        application__status=Application.Status.STARTED,
    ).select_related("application__person", "application__opportunity")


COMING_UP_DAYS = 28  # how far ahead the checks list shows checks coming up


@dataclass
class ChecksList:
    """Sustainment checks not yet recorded for people still in the job: overdue, due today, coming up."""

    overdue: list[SustainmentCheck]
    due_today: list[SustainmentCheck]
    coming: list[SustainmentCheck]

    @property
    def due(self) -> int:
        """The home page's "N sustainment checks due": overdue and due today."""
        return len(self.overdue) + len(self.due_today)


def checks_list(applications: QuerySet[Application], day: datetime.date, ahead: int = COMING_UP_DAYS) -> ChecksList:
    """The checks list on ``day``, oldest due first, in one query; ``checks_due`` counts the first two parts."""
    rows = list(
        SustainmentCheck.objects.filter(
            application__in=applications,
            due_on__lte=day + datetime.timedelta(days=ahead),
            checked_on__isnull=True,
            application__status=Application.Status.STARTED,
        )
        .select_related("application__person", "application__opportunity__employer")
        .order_by("due_on", "application__person__legal_family_name", "pk")
    )
    for row in rows:
        row.days_overdue = (day - row.due_on).days  # type: ignore[attr-defined]
    return ChecksList(
        overdue=[r for r in rows if r.due_on < day],
        due_today=[r for r in rows if r.due_on == day],
        coming=[r for r in rows if r.due_on > day],
    )


# Impact: what became of those who started a programme (Cambridgeshire 2.5; Derby 4.12; Leeds 2e) -----


def programme_clocks(applications: QuerySet[Application], as_at: datetime.date) -> dict[int, Any]:
    """For each opportunity, (started, not started): the young people who started it by ``as_at`` with
    the day they started, and those put forward who had not, with the day they were put forward. One query."""
    from onward.performance.impact import first_days

    started: dict[int, list[tuple[int, datetime.date | None]]] = {}
    others: dict[int, list[tuple[int, datetime.date | None]]] = {}
    for opportunity_id, person_id, started_on, created_at in applications.order_by().values_list(
        "opportunity_id", "person_id", "started_on", "created_at"
    ):
        if started_on is not None and started_on <= as_at:
            started.setdefault(opportunity_id, []).append((person_id, started_on))
        else:
            others.setdefault(opportunity_id, []).append((person_id, timezone.localdate(created_at)))
    return {
        key: (first_days(started.get(key, [])), first_days(others.get(key, []))) for key in set(started) | set(others)
    }


def programme_impact(
    applications: QuerySet[Application], as_at: datetime.date, *, before: datetime.date | None = None
) -> dict[int, Any]:
    """Each opportunity's impact groups (``performance.impact.impact``), by opportunity id. Two queries."""
    from onward.performance.impact import impact_many

    return impact_many(
        programme_clocks(applications, as_at), as_at, before=before, not_started_label="Put forward, did not start"
    )

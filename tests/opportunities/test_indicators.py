"""The counts plans quote, registered by the opportunities app: each equals a count made by hand over
random records, as at a past date, and the counts page shows the same figures."""

from __future__ import annotations

import datetime
import random

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from onward.core import indicators
from onward.opportunities import registry, services
from onward.opportunities.models import Application, Employer, Engagement, Opportunity
from tests.factories import CouncilFactory, UserFactory, YoungPersonFactory

D = datetime.date
AS_AT = D(2024, 5, 31)
FIRST = D(2023, 6, 1)


def _at(day: D) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


@pytest.fixture
def network(db):  # type: ignore[no-untyped-def]
    """A council's employers, opportunities and applications spread over three years; another council's too."""
    rng = random.Random(26)
    council, other = CouncilFactory(), CouncilFactory()
    worker = UserFactory(organisation=council, roles=["employer_engagement_worker"])
    for owner in (council, other):
        employers = []
        for index in range(12):
            employer = Employer.objects.create(
                council=owner,
                name=f"Employer {index}",
                sector="retail",
                location="Town",
                is_council=index < 3,
                status=rng.choice(["prospect", "engaged", "champion"]),
                champion_since=rng.choice([None, D(2023, 1, 1), D(2024, 4, 1), D(2024, 7, 1)]),
            )
            Employer.objects.filter(pk=employer.pk).update(created_at=_at(D(2022, 1, 1)))
            for _ in range(rng.randint(0, 2)):
                Engagement.objects.create(
                    employer=employer,
                    date=D(2022, 6, 1) + datetime.timedelta(days=rng.randint(0, 900)),
                    kind="meeting",
                    summary="Met",
                    recorded_by=worker,
                )
            employers.append(employer)
        for index in range(30):
            employer = rng.choice(employers)
            kinds = rng.choice(["apprenticeship", "work_experience", "job"])
            opportunity = Opportunity.objects.create(
                council=owner,
                employer=employer,
                title=f"Opportunity {index}",
                # Every seventh an employment programme, leaving the random draws as they were.
                kind=kinds if index % 7 else "employment_programme",
                location="Town",
                guaranteed_interview=rng.random() < 0.4,
                service_area=rng.choice(["Highways", "highways ", "Parks", "Libraries", ""])
                if employer.is_council
                else "",
            )
            Opportunity.objects.filter(pk=opportunity.pk).update(
                created_at=_at(D(2022, 6, 1) + datetime.timedelta(days=rng.randint(0, 900)))
            )
            for _ in range(rng.randint(0, 3)):
                put = D(2022, 6, 1) + datetime.timedelta(days=rng.randint(0, 900))
                application = Application.objects.create(
                    opportunity=opportunity,
                    person=YoungPersonFactory(council=owner),
                    put_forward_by=worker,
                    consent_given_on=put,
                    consent_method="in_person",
                    guaranteed_interview=opportunity.guaranteed_interview,
                    interview_on=put + datetime.timedelta(days=20) if rng.random() < 0.6 else None,
                    started_on=put + datetime.timedelta(days=40) if rng.random() < 0.5 else None,
                )
                Application.objects.filter(pk=application.pk).update(created_at=_at(put))
    return council


def _read(code: str, council: object) -> int:
    reading = indicators.read_indicator(code, council=council, as_at=AS_AT)  # type: ignore[arg-type]
    assert reading is not None
    return reading.numerator


def _in(day: D | None) -> bool:
    return day is not None and FIRST <= day <= AS_AT


def test_each_indicator_equals_a_count_by_hand_as_at_a_past_date(network) -> None:
    council = network
    apps = list(Application.objects.filter(opportunity__council=council).select_related("opportunity__employer"))
    opportunities = list(Opportunity.objects.filter(council=council).select_related("employer"))
    employers = list(Employer.objects.filter(council=council))
    expected = {
        "apprenticeships_started_inside_council": sum(
            _in(a.started_on) and a.opportunity.kind == "apprenticeship" and a.opportunity.employer.is_council
            for a in apps
        ),
        "apprenticeships_started_outside_council": sum(
            _in(a.started_on) and a.opportunity.kind == "apprenticeship" and not a.opportunity.employer.is_council
            for a in apps
        ),
        "council_service_areas_offering": len(
            {
                o.service_area.strip().lower()
                for o in opportunities
                if o.employer.is_council and o.service_area.strip() and _in(o.created_at.date())
            }
        ),
        "employers_engaged_last_year": sum(
            any(_in(e.date) for e in Engagement.objects.filter(employer=employer))
            or any(o.employer_id == employer.pk and _in(o.created_at.date()) for o in opportunities)
            for employer in employers
        ),
        "employer_champions": sum(
            e.status == "champion" and (e.champion_since or e.created_at.date()) <= AS_AT for e in employers
        ),
        "guaranteed_interviews_offered": sum(a.guaranteed_interview and _in(a.created_at.date()) for a in apps),
        "guaranteed_interviews_taken": sum(a.guaranteed_interview and _in(a.interview_on) for a in apps),
        "interviews_last_year": sum(_in(a.interview_on) for a in apps),
        "employment_programme_starts": sum(
            _in(a.started_on) and a.opportunity.kind == "employment_programme" for a in apps
        ),
        "work_experience_placements": sum(_in(a.started_on) and a.opportunity.kind == "work_experience" for a in apps),
        "work_experience_inside_council": sum(
            _in(a.started_on) and a.opportunity.kind == "work_experience" and a.opportunity.employer.is_council
            for a in apps
        ),
    }
    assert set(expected) == {code for code, _name, _read in registry.INDICATORS}
    found = {code: _read(code, council) for code in expected}
    assert found == expected
    assert all(value > 0 for value in expected.values()), expected


def test_the_counts_page_shows_the_new_counts(world, signed_in) -> None:
    a = world["A"]
    council_employer = Employer.objects.create(
        council=a.council, name="The council", sector="public", location="Civic centre", is_council=True
    )
    Opportunity.objects.create(
        council=a.council,
        employer=council_employer,
        title="Parks work experience",
        kind="work_experience",
        location="Park",
        service_area="Parks",
    )
    client = signed_in(a.users["employer_engagement_worker"])
    content = client.get(reverse("opportunities:counts")).content.decode()
    assert "Council service areas offering opportunities" in content
    assert "Guaranteed interviews offered" in content


def test_a_champion_is_dated_from_the_day_the_status_became_champion(world) -> None:
    a = world["A"]
    worker = a.users["employer_engagement_worker"]
    employer = services.employer_save(
        acting_user=worker,
        council=a.council,
        employer=None,
        name="Builders Ltd",
        sector="construction",
        location="Town",
        status="champion",
        is_council=False,
        notes="",
    )
    assert employer.champion_since == timezone.localdate()
    employer = services.employer_save(
        acting_user=worker,
        council=a.council,
        employer=employer,
        version=employer.version,
        name="Builders Ltd",
        sector="construction",
        location="Town",
        status="engaged",
        is_council=False,
        notes="",
    )
    assert employer.champion_since is None


def test_a_service_area_is_only_for_the_councils_own_opportunities(world) -> None:
    a = world["A"]
    with pytest.raises(ValidationError) as refused:
        services.opportunity_save(
            acting_user=a.users["employer_engagement_worker"],
            council=a.council,
            opportunity=None,
            employer=a.employer,
            title="Driver",
            kind="job",
            location="Town",
            places=1,
            min_age=16,
            max_age=25,
            service_area="Highways",
        )
    assert "service_area" in refused.value.message_dict


def test_counts_of_young_people_from_1_to_5_are_suppressed_but_employers_are_not() -> None:
    assert registry.count_reading(3, people=True).shown == "c"
    assert registry.count_reading(3, people=False).shown == "3"
    assert registry.count_reading(0, people=True).shown == "0"
    assert registry.year_to(D(2024, 2, 29)) == D(2023, 3, 1)

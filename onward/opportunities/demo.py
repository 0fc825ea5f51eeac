"""Demo employer network: 16 employers (the council among them), 32 opportunities, applications at
every stage. Idempotent; every name is invented. Called by ``load_demo``."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from onward.accounts.models import Organisation, User
from onward.opportunities import services
from onward.opportunities.models import Application, Employer, Engagement, Opportunity
from onward.people.models import YoungPerson

EMPLOYERS = [
    ("Wexbridge City Council", "public services", "Civic centre", "champion", True),
    ("Brightwell Logistics", "logistics", "Wexbridge distribution park", "champion", False),
    ("Harbourside Hotel", "hospitality", "Harbourside", "engaged", False),
    ("Greenfield Care Homes", "health and care", "Northside", "engaged", False),
    ("Wexbridge Teaching Hospitals", "health and care", "Hospital campus", "champion", False),
    ("Kite Digital", "digital", "Innovation quarter", "engaged", False),
    ("Oakridge Builders", "construction", "Southgate", "engaged", False),
    ("Corner Market Stores", "retail", "City centre", "engaged", False),
    ("Riverside Leisure Trust", "sport", "Riverside", "prospect", False),
    ("Pawprint Veterinary Group", "animal care", "Eastfield", "engaged", False),
    ("Canal Street Garage", "motor vehicle", "Canal street", "prospect", False),
    ("Moorland Farms", "land-based", "Moorland", "prospect", False),
    ("Studio Nine Design", "creative", "Arts quarter", "engaged", False),
    ("Wexbridge Energy", "engineering", "Docklands", "engaged", False),
    ("Bluebell Nurseries", "childcare", "Westside", "engaged", False),
    ("Cityline Buses", "transport", "Bus depot", "engaged", False),
]
KINDS = [
    "apprenticeship",
    "job",
    "work_experience",
    "guaranteed_interview",
    "traineeship",
    "ring_fenced",
    "supported_internship",
    "volunteering",
]
STAGES = ["interest", "applied", "interview", "offer", "started", "started", "unsuccessful", "withdrawn", "ended"]


@transaction.atomic
def load_opportunities_demo(council: Organisation) -> None:
    if Employer.objects.filter(council=council).exists():
        return
    worker = User.objects.filter(organisation=council, groups__name="employer_engagement_worker").first()
    adviser = User.objects.filter(organisation=council, groups__name="personal_adviser").order_by("pk").first()
    if worker is None or adviser is None:
        return
    rng = random.Random(8)  # noqa: S311 - synthetic demo data, not security
    today = timezone.localdate()
    employers = []
    for name, sector, location, status, is_council in EMPLOYERS:
        employer = services.employer_save(
            acting_user=worker,
            council=council,
            employer=None,
            name=name,
            sector=sector,
            location=location,
            status=status,
            is_council=is_council,
            notes="",
        )
        services.engagement_record(
            acting_user=worker,
            employer=employer,
            date=today - datetime.timedelta(days=rng.randint(10, 300)),
            kind=Engagement.Kind.MEETING,
            summary="Met to talk about opportunities for care leavers",
        )
        if status != "prospect":
            services.engagement_record(
                acting_user=worker,
                employer=employer,
                date=today - datetime.timedelta(days=rng.randint(1, 100)),
                kind=Engagement.Kind.PLEDGE,
                summary="Pledged to offer opportunities to care-experienced young people",
            )
        employers.append(employer)
    opportunities = []
    for i in range(32):
        employer = employers[i % len(employers)]
        kind = KINDS[i % len(KINDS)]
        opportunities.append(
            services.opportunity_save(
                acting_user=worker,
                council=council,
                opportunity=None,
                employer=employer,
                kind=kind,
                title=f"{Opportunity.Kind(kind).label}: {employer.sector}",
                description=f"With {employer.name}.",
                location=employer.location,
                starts_on=today + datetime.timedelta(days=rng.randint(10, 90)),
                ends_on=None,
                closing_on=today + datetime.timedelta(days=rng.randint(5, 60)),
                places=rng.randint(1, 4),
                min_age=16,
                max_age=25,
                care_experienced_only=kind == "ring_fenced",
                guaranteed_interview=kind in ("guaranteed_interview", "ring_fenced") or employer.is_council,
            )
        )
    people = list(
        YoungPerson.objects.filter(
            council=council, personal_adviser=adviser, date_of_birth__lte=today.replace(year=today.year - 17)
        ).order_by("pk")[:18]
    )
    for i, person in enumerate(people):
        opportunity = opportunities[i % len(opportunities)]
        if services.eligibility_problem(opportunity, person, today):
            continue
        application = services.put_forward(
            acting_user=adviser,
            opportunity=opportunity,
            person=person,
            consent_given=True,
            consent_given_on=today - datetime.timedelta(days=120),
            consent_method="in_person",
        )
        _advance(application, STAGES[i % len(STAGES)], worker, today)


def _advance(application: Application, stage: str, worker: User, today: datetime.date) -> None:
    paths: dict[str, list[tuple[str, datetime.date | None]]] = {
        "interest": [],
        "applied": [("applied", None)],
        "interview": [("applied", None), ("interview", today + datetime.timedelta(days=5))],
        "offer": [
            ("applied", None),
            ("interview", today - datetime.timedelta(days=20)),
            ("offer", today - datetime.timedelta(days=10)),
        ],
        "started": [
            ("applied", None),
            ("interview", today - datetime.timedelta(days=110)),
            ("offer", today - datetime.timedelta(days=100)),
            ("started", today - datetime.timedelta(days=95)),
        ],
        "unsuccessful": [("applied", None), ("interview", today - datetime.timedelta(days=30)), ("unsuccessful", None)],
        "withdrawn": [("applied", None), ("withdrawn", None)],
        "ended": [
            ("applied", None),
            ("offer", today - datetime.timedelta(days=90)),
            ("started", today - datetime.timedelta(days=80)),
            ("ended", today - datetime.timedelta(days=20)),
        ],
    }
    for status, day in paths[stage]:
        try:
            application = services.application_update(
                acting_user=worker,
                application=application,
                to_status=status,
                version=application.version,
                day=day,
                reason="Another candidate was chosen" if status in ("unsuccessful", "withdrawn") else "",
            )
        except Exception:
            return

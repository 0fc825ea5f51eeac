"""The issue 26 records of a world's young person: a careers guidance appointment, a pathway plan with a
manager's audit, and a higher education application (one each, made once)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from onward.people.models import GuidanceAppointment, HEApplication, PathwayPlanAudit, PathwayPlanReview
from tests.conftest import Tenant


@dataclass(frozen=True)
class PeopleWorld:
    guidance: GuidanceAppointment
    audit: PathwayPlanAudit
    he_application: HEApplication


def people_world(tenant: Tenant) -> PeopleWorld:
    person = tenant.person
    assert person is not None
    today = timezone.localdate()
    guidance = GuidanceAppointment.objects.filter(person=person).first() or GuidanceAppointment.objects.create(
        person=person, date=today - datetime.timedelta(days=20), attendance="attended", guidance_given="College"
    )
    review = PathwayPlanReview.objects.filter(person=person).first() or PathwayPlanReview.objects.create(
        person=person, date=today - datetime.timedelta(days=30), next_due=today + datetime.timedelta(days=150)
    )
    audit = PathwayPlanAudit.objects.filter(person=person).first() or PathwayPlanAudit.objects.create(
        person=person, review=review, date=today - datetime.timedelta(days=10), grade="good", eet_needs_met=True
    )
    application = HEApplication.objects.filter(
        person=person, superseded_at__isnull=True
    ).first() or HEApplication.objects.create(
        person=person,
        date=today - datetime.timedelta(days=60),
        institution="University of the North",
        course="Nursing",
        status="applied",
        status_date=today - datetime.timedelta(days=60),
    )
    return PeopleWorld(guidance=guidance, audit=audit, he_application=application)

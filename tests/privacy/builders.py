"""A young person with a record of every kind, for the data protection tests (synthetic data only)."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onward.opportunities.models import ApplicationEvent, Support, SustainmentCheck
from onward.people import services as people_services
from onward.plans.models import Update
from onward.referrals.models import Event, Feedback
from tests.conftest import Tenant, sign_in


def full_record(tenant: Tenant) -> None:
    """Add to the tenant's young person a record of each kind, each written the way the service writes it,
    a plan update naming them, and a view of their page (so the audit trail has views and changes)."""
    person = tenant.person
    assert person is not None and tenant.referral is not None and tenant.application is not None
    adviser = tenant.users["personal_adviser"]
    today = timezone.localdate()
    people_services.contact_record(
        acting_user=adviser,
        person=person,
        date=today - datetime.timedelta(days=10),
        method="phone",
        in_touch="YES",
        note="Spoke with her aunt Moira Quayle about college",
    )
    people_services.pathway_review_record(
        acting_user=adviser, person=person, date=today - datetime.timedelta(days=20), summary="Going well"
    )
    people_services.accommodation_record(
        acting_user=adviser,
        person=person,
        start=today - datetime.timedelta(days=100),
        accommodation_type="B",
        suitability="suitable",
    )
    people_services.aspiration_record(
        acting_user=adviser, person=person, date=today - datetime.timedelta(days=400), school_year=9, aspiration="Nurse"
    )
    Event.objects.create(
        referral=tenant.referral, send=tenant.send, actor=adviser, to_status="sent", note="Called the college"
    )
    Feedback.objects.create(
        service=tenant.service, person=person, rating=4, comment="Helpful", given_on=today, recorded_by=adviser
    )
    ApplicationEvent.objects.create(
        application=tenant.application, actor=adviser, to_status="put_forward", note="CV sent"
    )
    SustainmentCheck.objects.create(application=tenant.application, point="3_months", due_on=today)
    Support.objects.create(application=tenant.application, kind="travel", given_on=today, recorded_by=adviser)
    Update.objects.create(
        item=tenant.plan_item,
        dated=today,
        author=tenant.users["plan_lead"],
        evidence_of_impact=f"{person.legal_name} started an apprenticeship after the review",
    )
    client = sign_in(Client(), adviser)
    assert client.get(reverse("people:person-detail", kwargs={"pk": person.pk})).status_code == 200

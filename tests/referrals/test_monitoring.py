"""Referral monitoring: exact figures and young people's words for triage and managers; rounded for councillors."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from onward.accounts.models import Partnership
from onward.referrals import services
from onward.referrals.models import Feedback

TODAY = timezone.localdate


def record_feedback(tenant, person, service, comment: str, rating: int = 4) -> None:  # type: ignore[no-untyped-def]
    services.feedback_record(
        acting_user=tenant.users["personal_adviser"],
        person=person,
        service=service,
        rating=rating,
        comment=comment,
        given_on=TODAY() - datetime.timedelta(days=1),
    )


def test_a_councillor_sees_monitoring_rounded_and_suppressed_without_young_peoples_words(world, signed_in) -> None:
    """Counts of 1 to 5 show as "c", averages made from 5 or fewer are suppressed, and no feedback text shows."""
    a = world["A"]
    record_feedback(a, a.person, a.service, "Sally at the front desk was lovely")
    response = signed_in(a.users["councillor"]).get(reverse("referrals:monitoring"))
    assert response.status_code == 200
    content = response.content.decode()
    (row,) = [r for r in response.context["rows"] if r.service == a.service]
    assert (row.referred, row.accepted, row.started, row.sustained_3_months) == ("c", "0", "0", "0")
    assert row.feedback == "c"
    assert "Sally at the front desk" not in content
    assert "What young people said" not in content
    assert "4.0 out of 5" not in content
    assert "means a figure of 1 to 5" in content


def test_triage_sees_exact_monitoring_figures_and_what_young_people_said(world, signed_in) -> None:
    """The triage coordinator, who works with each referral, sees exact counts and the feedback text."""
    a = world["A"]
    record_feedback(a, a.person, a.service, "Sally at the front desk was lovely")
    response = signed_in(a.users["triage_coordinator"]).get(reverse("referrals:monitoring"))
    (row,) = [r for r in response.context["rows"] if r.service == a.service]
    assert (row.referred, row.feedback) == ("1", "4.0 out of 5 (1)")
    assert "Sally at the front desk was lovely" in response.content.decode()


def test_monitoring_counts_only_the_councils_own_young_peoples_feedback(world, signed_in) -> None:
    """A partner working with two councils: feedback from council B's young people is not counted or shown in A's."""
    a, b = world["A"], world["B"]
    Partnership.objects.create(council=b.council, partner=a.partner)
    Feedback.objects.create(
        service=a.service,
        person=b.person,
        rating=1,
        comment="Council B young person's comment",
        given_on=TODAY(),
        recorded_by=b.users["personal_adviser"],
    )
    assert Feedback.objects.filter(service=a.service).count() == 1
    response = signed_in(a.users["triage_coordinator"]).get(reverse("referrals:monitoring"))
    (row,) = [r for r in response.context["rows"] if r.service == a.service]
    assert row.feedback == "None"
    assert "Council B young person" not in response.content.decode()

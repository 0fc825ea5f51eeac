"""Open requests for support from returners (care leavers aged 21 to 24 who ask again): one list,
oldest first, each with its time limit; the home page and referral monitoring point to it."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.people import selectors
from onward.people.models import SupportRequest
from tests.factories import YoungPersonFactory

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def _request(person, days_ago: int, **extra) -> SupportRequest:  # type: ignore[no-untyped-def]
    return SupportRequest.objects.create(
        person=person, date=TODAY() - days_ago * DAY, needs="Help with a course", **extra
    )


def test_the_list_shows_open_requests_oldest_first_with_their_time_limit(world, signed_in) -> None:
    """Pending, current requests only; each says when it must be assessed by and whether that has passed."""
    a = world["A"]  # the world's young person asked 3 days ago
    other = YoungPersonFactory(council=a.council, team=a.team, personal_adviser=a.users["personal_adviser"])
    late = _request(other, 40)
    _request(other, 10, outcome=SupportRequest.Outcome.ADVICE_ONLY, assessed_on=TODAY() - DAY)
    _request(other, 5, superseded_at=timezone.now())
    adviser = a.users["personal_adviser"]
    client = signed_in(adviser)
    response = client.get(reverse("people:support-requests"))
    assert response.status_code == 200
    rows = response.context["requests"]
    assert [r.request.pk for r in rows] == [late.pk, a.support.pk]
    assert rows[0].respond_by == late.date + datetime.timedelta(days=selectors.SUPPORT_REQUEST_DAYS)
    assert rows[0].overdue and not rows[1].overdue
    text = response.content.decode()
    assert f"{40 - selectors.SUPPORT_REQUEST_DAYS} days late" in text
    assert reverse("people:support-request-assess", args=[other.pk, late.pk]) in text
    assert AuditEvent.objects.filter(actor=adviser, action=AuditEvent.Action.LIST, summary__contains="support").exists()


def test_the_home_page_counts_open_requests_and_links_to_the_list(world, signed_in) -> None:
    """'2 requests for support from returners to assess (1 late)' links to the list."""
    a = world["A"]
    other = YoungPersonFactory(council=a.council, team=a.team, personal_adviser=a.users["personal_adviser"])
    _request(other, 40)
    home = signed_in(a.users["personal_adviser"]).get(reverse("core:home")).content.decode()
    url = reverse("people:support-requests")
    assert f'<a class="govuk-link" href="{url}">2 requests for support from returners to assess (1 late)</a>' in home


def test_another_councils_or_another_advisers_requests_are_not_listed(world, signed_in) -> None:
    """The list reads through the young people the user may see."""
    a, b = world["A"], world["B"]
    response = signed_in(b.users["personal_adviser"]).get(reverse("people:support-requests"))
    assert [r.request.pk for r in response.context["requests"]] == [b.support.pk]
    assert a.support.pk not in [r.request.pk for r in response.context["requests"]]


def test_referral_monitoring_counts_open_requests(world, signed_in) -> None:
    """Monitoring shows how many requests are open and how many are late, for the council."""
    a = world["A"]
    other = YoungPersonFactory(council=a.council, team=a.team)
    _request(other, 40)
    response = signed_in(a.users["triage_coordinator"]).get(reverse("referrals:monitoring"))
    assert response.context["open_requests"] == "2"
    assert response.context["late_requests"] == "1"
    assert "Requests for support from returners waiting for assessment" in response.content.decode()

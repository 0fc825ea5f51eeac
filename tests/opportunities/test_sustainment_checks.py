"""The employer engagement worker's list of sustainment checks: overdue, due today and coming up,
reached from the home page's "N sustainment checks due"."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.opportunities.models import Application, SustainmentCheck

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def _started(tenant, started_on: datetime.date) -> Application:  # type: ignore[no-untyped-def]
    application = tenant.application
    application.status = Application.Status.STARTED
    application.started_on = started_on
    application.save()
    return application


def _check(application: Application, point: str, due_on: datetime.date, **extra) -> SustainmentCheck:  # type: ignore[no-untyped-def]
    return SustainmentCheck.objects.create(application=application, point=point, due_on=due_on, **extra)


def test_the_home_page_count_links_to_the_checks_that_make_it(world, signed_in) -> None:
    """'2 sustainment checks due' links to the checks list, which shows those two, overdue first, and the one coming up."""
    a = world["A"]
    application = _started(a, TODAY() - 100 * DAY)
    overdue = _check(application, "4_weeks", TODAY() - 72 * DAY)
    today = _check(application, "3_months", TODAY())
    coming = _check(application, "6_months", TODAY() + 10 * DAY)

    worker = a.users["employer_engagement_worker"]
    client = signed_in(worker)
    home = client.get(reverse("core:home")).content.decode()
    checks_url = reverse("opportunities:checks")
    assert f'<a class="govuk-link" href="{checks_url}">2 sustainment checks due</a>' in home
    page = client.get(checks_url)
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Overdue") < text.index("Due today") < text.index("Coming up")
    overdue_row = text[text.index("Overdue") : text.index("Due today")]
    assert "4 weeks" in overdue_row and "72 days overdue" in overdue_row
    assert a.person.display_name.replace("'", "&#x27;") in overdue_row
    assert reverse("opportunities:application-detail", args=[application.pk]) in overdue_row
    assert "3 months" in text[text.index("Due today") : text.index("Coming up")]
    assert "6 months" in text[text.index("Coming up") :]
    assert [row.pk for row in page.context["overdue"]] == [overdue.pk]
    assert [row.pk for row in page.context["due_today"]] == [today.pk]
    assert [row.pk for row in page.context["coming"]] == [coming.pk]
    assert AuditEvent.objects.filter(
        actor=worker, action=AuditEvent.Action.LIST, summary__contains="ustainment"
    ).exists()


def test_recorded_checks_and_ended_placements_leave_the_list(world, signed_in) -> None:
    """A check already recorded, or for someone who has left the job, is not due."""
    a = world["A"]
    application = _started(a, TODAY() - 100 * DAY)
    _check(application, "4_weeks", TODAY() - 72 * DAY, checked_on=TODAY() - 70 * DAY, still_there=True)
    _check(application, "3_months", TODAY() - 5 * DAY)
    client = signed_in(a.users["employer_engagement_worker"])
    page = client.get(reverse("opportunities:checks"))
    assert [c.point for c in page.context["overdue"]] == ["3_months"]
    application.status = Application.Status.ENDED
    application.save()
    page = client.get(reverse("opportunities:checks"))
    assert list(page.context["overdue"]) == []
    assert "No sustainment checks are due" in page.content.decode()


def test_another_councils_checks_are_not_listed(world, signed_in) -> None:
    """The list reads through the applications the worker may see."""
    b = world["B"]
    application = _started(b, TODAY() - 100 * DAY)
    _check(application, "4_weeks", TODAY() - 72 * DAY)
    client = signed_in(world["A"].users["employer_engagement_worker"])
    page = client.get(reverse("opportunities:checks"))
    assert list(page.context["overdue"]) == []

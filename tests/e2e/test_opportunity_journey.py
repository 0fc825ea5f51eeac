"""An engagement worker adds an opportunity, an adviser puts a young person forward, the start reaches the history."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from onward.opportunities.models import SustainmentCheck
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page: Page, group: str, day: datetime.date) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def test_opportunity_to_start(live_server, browser: Browser) -> None:
    tenant = make_tenant("Alderley")
    tenant.application.delete()
    person = tenant.person
    base = live_server.url
    today = timezone.localdate()

    worker = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_with_two_factor(worker, base, tenant.users["employer_engagement_worker"].email)
    worker.get_by_role("link", name="Opportunities").first.click()
    assert_accessible(worker)
    worker.get_by_role("link", name="Add an opportunity").click()
    worker.get_by_role("button", name="Save opportunity").click()
    expect(worker.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(worker)
    worker.get_by_label("Title").fill("Trainee bus mechanic")
    worker.get_by_label("Employer").select_option(label=tenant.employer.name)
    worker.get_by_label("Type").select_option(label="Apprenticeship")
    worker.get_by_label("Where").fill("Bus depot")
    worker.get_by_label("Guarantees an interview when the criteria are met").check()
    worker.get_by_role("button", name="Save opportunity").click()
    expect(worker.get_by_role("heading", name="Trainee bus mechanic")).to_be_visible()
    assert_accessible(worker)
    opportunity_url = worker.url

    adviser = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_with_two_factor(adviser, base, tenant.users["personal_adviser"].email)
    adviser.goto(opportunity_url)
    adviser.get_by_label("Young person", exact=True).select_option(label=f"{person.display_name} ({person.child_id})")
    adviser.get_by_label("The young person agrees").check()
    adviser.get_by_label("In person").check()
    adviser.get_by_role("button", name="Put forward").click()
    expect(adviser.get_by_text(f"{person.display_name} put forward")).to_be_visible()
    assert_accessible(adviser)
    application_url = adviser.url

    worker.goto(application_url)
    for status, day in (
        ("Applied", None),
        ("Interview", today - datetime.timedelta(days=6)),
        ("Offered", today - datetime.timedelta(days=3)),
        ("Started", today),
    ):
        worker.get_by_label(status, exact=True).check()
        if day:
            fill_date(worker, "Date (of the interview, offer, start or end)", day)
        worker.get_by_role("button", name="Record", exact=True).click()
        expect(worker.get_by_text("Recorded", exact=True)).to_be_visible()
    assert_accessible(worker)

    adviser.goto(base + f"/people/{person.pk}/")
    expect(adviser.locator("#panel-eet + p")).to_have_text("Apprenticeship")
    assert_accessible(adviser)

    # The start schedules the checks: the 4-week one is coming up. Once it is overdue, the home
    # page's count leads to the checks list, and the list to the application where it is recorded.
    worker.get_by_role("link", name="Sustainment checks").first.click()
    expect(worker.get_by_role("heading", name="Coming up (1)")).to_be_visible()
    assert_accessible(worker)
    SustainmentCheck.objects.filter(application__person=person, point="4_weeks").update(
        due_on=today - datetime.timedelta(days=3)
    )
    worker.get_by_role("link", name="Home").first.click()
    worker.get_by_role("link", name="1 sustainment check due").click()
    expect(worker.get_by_role("heading", name="Overdue (1)")).to_be_visible()
    expect(worker.get_by_text("3 days overdue")).to_be_visible()
    assert_accessible(worker)
    worker.get_by_role("link", name=person.display_name).click()
    expect(worker.get_by_role("button", name="Record the check")).to_be_visible()

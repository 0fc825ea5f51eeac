"""A personal adviser records that a NEET young person started an apprenticeship, in the browser."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from onward.people import services
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_adviser_records_an_apprenticeship_and_the_lists_change(live_server, page: Page) -> None:
    """Find the young person, record the start, see them leave the NEET cohort and show as EET."""
    tenant = make_tenant("Alderley")
    adviser = tenant.users["personal_adviser"]
    person = tenant.person
    services.eet_record(
        acting_user=adviser,
        person=person,
        activity="neet_seeking",
        start=timezone.localdate() - datetime.timedelta(days=60),
        source="worker",
    )
    base = live_server.url
    sign_in_with_two_factor(page, base, adviser.email)

    page.get_by_role("link", name="NEET cohort").first.click()
    expect(page.get_by_role("link", name=person.display_name)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Young people").first.click()
    page.get_by_label("Name or child identifier").fill(person.legal_family_name)
    page.get_by_role("button", name="Apply filters").click()
    assert_accessible(page)
    page.get_by_role("link", name=person.display_name).click()
    expect(page.get_by_role("heading", level=1, name=person.display_name)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record a new activity").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()  # nothing entered: every problem is explained
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Apprenticeship", exact=True).check()
    page.get_by_role("group", name="Is it part time?").get_by_label("No").check()
    page.get_by_label("Provider or employer (optional)").fill("Brightwell Logistics")
    today = timezone.localdate()
    start = page.get_by_role("group", name="Start date")
    start.get_by_label("Day").fill(str(today.day))
    start.get_by_label("Month").fill(str(today.month))
    start.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Recorded by a worker").check()
    page.get_by_role("button", name="Save").click()
    # The apprenticeship ends the NEET spell: the page names it and the day it would end, and asks first.
    yesterday = today - datetime.timedelta(days=1)
    expect(page.locator("#knock-on")).to_contain_text(f"on {yesterday.day} {yesterday:%B %Y}")
    expect(page.locator("#knock-on")).to_contain_text("This will end Not in education")
    assert_accessible(page)
    page.get_by_role("button", name="Save and end that record").click()
    expect(page.get_by_text("Activity recorded")).to_be_visible()
    expect(page.locator("#panel-eet + p")).to_have_text(re.compile("Apprenticeship"))
    assert_accessible(page)

    page.get_by_role("link", name="NEET cohort").first.click()
    expect(page.get_by_role("link", name=person.display_name)).to_have_count(0)
    page.goto(base + reverse("people:caseload") + "?status=eet")
    expect(page.get_by_role("link", name=person.display_name)).to_be_visible()
    assert_accessible(page)


def _fill_date(page: Page, group: str, day: datetime.date) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def test_guidance_an_audit_and_a_start_in_higher_education_are_recorded_from_the_young_persons_page(
    live_server, page: Page
) -> None:
    """Issue 26: an adviser records a careers guidance appointment and a university application moved on to a
    start; a team manager audits the pathway plan. Each form and the page pass axe."""
    from onward.people.models import PathwayPlanReview

    tenant = make_tenant("Alderley")
    person = tenant.person
    today = timezone.localdate()
    PathwayPlanReview.objects.create(
        person=person, date=today - datetime.timedelta(days=10), next_due=today + datetime.timedelta(days=150)
    )
    base = live_server.url
    sign_in_with_two_factor(page, base, tenant.users["personal_adviser"].email)
    page.goto(base + reverse("people:person-detail", args=[person.pk]))
    page.get_by_role("link", name="Record a careers guidance appointment").click()
    page.get_by_label("Attended", exact=True).check()
    page.get_by_role("button", name="Save").click()  # no date and no guidance: both explained
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    _fill_date(page, "Date of the appointment", today)
    page.get_by_label("Guidance given").fill("Looked at nursing degrees and the entry requirements")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Careers guidance appointment recorded")).to_be_visible()
    expect(page.locator("#careers-guidance + table")).to_contain_text("Looked at nursing degrees")

    page.get_by_role("link", name="Record a higher education application").click()
    _fill_date(page, "Date of the application", today - datetime.timedelta(days=60))
    page.get_by_label("University or college").fill("Coastal University")
    page.get_by_label("Course", exact=True).fill("Nursing")
    page.get_by_label("Applied", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Higher education application recorded")).to_be_visible()
    page.get_by_role("link", name="Change status of the application to Coastal University").click()
    assert_accessible(page)
    page.get_by_label("Started the course").check()
    _fill_date(page, "Date of the status", today)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Status of the application recorded")).to_be_visible()
    expect(page.locator("#panel-eet + p")).to_have_text(re.compile("Higher education"))
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in_with_two_factor(page, base, tenant.users["team_manager"].email)
    page.goto(base + reverse("people:person-detail", args=[person.pk]))
    page.get_by_role("link", name="Audit the pathway plan").click()
    assert_accessible(page)
    _fill_date(page, "Date of the audit", today)
    page.get_by_label("Good", exact=True).check()
    page.get_by_role("group", name=re.compile("Does the plan address")).get_by_label("Yes").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Pathway plan audit recorded")).to_be_visible()
    expect(page.locator("#pathway-plan-audits + table")).to_contain_text("Good")
    assert_accessible(page)

"""A team manager adds a mentor, matches the young person and logs a meeting, in the browser, with axe on every
page; then opens the young person's accommodation and transitions pages."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _date(page: Page, legend: str, day: datetime.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_team_manager_registers_a_mentor_and_matches_a_young_person(live_server, page: Page) -> None:
    tenant = make_tenant("Alderley")
    manager = tenant.users["team_manager"]
    person = tenant.person
    assert person is not None
    checked = timezone.localdate() - datetime.timedelta(days=30)
    sign_in_with_two_factor(page, live_server.url, manager.email)

    page.get_by_role("link", name="Supporters").first.click()
    expect(page.get_by_role("heading", name="The people and places around young people")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Mentors").click()
    page.get_by_role("link", name="Add a mentor").click()
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Priya Holt")
    page.get_by_label("Volunteer mentor").check()
    _date(page, "DBS check date (optional)", checked)
    _date(page, "References checked (optional)", checked)
    _date(page, "Mentor training completed (optional)", checked)
    page.get_by_label("Active: still mentoring").check()
    page.get_by_role("button", name="Save mentor").click()
    expect(page.get_by_role("heading", name="Priya Holt")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/supporters/people/{person.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Match with a mentor").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save match").click()
    expect(page.get_by_role("heading", name="Mentoring by Priya Holt")).to_be_visible()
    page.get_by_role("button", name="Log meeting").click()
    expect(page.get_by_role("table", name="Meetings, latest first")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/supporters/people/{person.pk}/accommodation/")
    expect(page.get_by_role("heading", name="Accommodation and move-on")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/supporters/people/{person.pk}/transitions/")
    expect(page.get_by_role("heading", name="EHC plans and transitions")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/supporters/training/")
    assert_accessible(page)

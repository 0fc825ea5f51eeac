"""A performance officer reads the dashboard and follows a number to the young people; a councillor sees aggregates only."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Browser, expect

from onward.people.models import YoungPerson
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_opportunity_journey import fill_date
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor
from tests.performance import cohorts
from tests.performance.cohorts import DAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_drill_down_and_councillor_view(live_server, browser: Browser) -> None:
    tenant = make_tenant("Alderley")
    assert tenant.person is not None
    YoungPerson.objects.filter(pk=tenant.person.pk).update(
        date_of_birth=tenant.person.date_of_birth - datetime.timedelta(days=11 * 366)
    )
    cohort = cohorts.build(tenant.council, tenant.team)
    base = live_server.url

    officer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_with_two_factor(officer, base, tenant.users["performance_officer"].email)
    officer.get_by_role("link", name="Performance").first.click()
    expect(officer.get_by_role("heading", name="Performance dashboard")).to_be_visible()
    assert_accessible(officer)
    fill_date(officer, "Figures as at", DAY)
    officer.get_by_role("button", name="Show figures").click()
    expect(officer.get_by_text("Figures on 30 June 2025, counted by the live snapshot")).to_be_visible()
    officer.get_by_role(
        "link", name="Care leavers aged 19 to 21 in education, employment or training, list the young people"
    ).click()
    expect(officer.get_by_role("heading", name="2 young people counted")).to_be_visible()
    expect(officer.get_by_role("link", name=cohort.people["A"].display_name)).to_be_visible()
    assert_accessible(officer)

    councillor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_with_two_factor(councillor, base, tenant.users["councillor"].email)
    councillor.get_by_role("link", name="Performance").first.click()
    fill_date(councillor, "Figures as at", DAY)
    councillor.get_by_role("button", name="Show figures").click()
    expect(councillor.get_by_text("counts rounded to the nearest 10")).to_be_visible()
    assert councillor.locator("a[href*='/performance/people/']").count() == 0
    assert_accessible(councillor)
    councillor.get_by_role("link", name="Care leavers aged 19 to 21 in touch").click()
    expect(councillor.get_by_role("heading", level=1, name="Care leavers aged 19 to 21 in touch")).to_be_visible()
    assert_accessible(councillor)

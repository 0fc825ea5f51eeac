"""Issue 26 in the browser: needs against provision and a service's impact for triage, and financial
support recorded by an adviser and reported to the performance officer, each page checked with axe."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from onward.people.selectors import months_after
from onward.referrals.models import Send
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fresh_page(browser: Browser) -> Page:
    return browser.new_context(viewport={"width": 1280, "height": 900}).new_page()


def fill_date(page: Page, group: str, day: datetime.date) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def test_needs_impact_and_financial_support(live_server, browser: Browser) -> None:
    tenant = make_tenant("Alderley")
    assert tenant.send is not None and tenant.service is not None and tenant.person is not None
    Send.objects.filter(pk=tenant.send.pk).update(started_on=months_after(timezone.localdate(), -4))
    base = live_server.url

    triage = fresh_page(browser)
    sign_in_with_two_factor(triage, base, tenant.users["triage_coordinator"].email)
    triage.get_by_role("link", name="Referral monitoring").first.click()
    expect(triage.locator("#impact")).to_be_visible()
    triage.get_by_role("link", name="needs against provision").click()
    expect(triage.get_by_role("heading", name="Needs against provision")).to_be_visible()
    expect(triage.locator("#by-need")).to_be_visible()
    assert_accessible(triage)
    triage.goto(f"{base}/referrals/directory/{tenant.service.pk}/")
    expect(triage.get_by_role("heading", name="Impact")).to_be_visible()
    expect(triage.locator("#impact")).to_contain_text("Started")
    assert_accessible(triage)

    adviser = fresh_page(browser)
    sign_in_with_two_factor(adviser, base, tenant.users["personal_adviser"].email)
    adviser.goto(f"{base}/finance/people/{tenant.person.pk}/")
    adviser.get_by_role("link", name="Record a payment").click()
    adviser.get_by_label("Higher education bursary").check()
    adviser.get_by_label("Amount, in pounds").fill("ten pounds")
    adviser.get_by_label("Paid", exact=True).check()
    adviser.get_by_role("button", name="Save payment").click()
    expect(adviser.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(adviser)
    adviser.get_by_label("Amount, in pounds").fill("1,000")
    adviser.get_by_role("button", name="Save payment").click()
    expect(adviser.locator("#total-paid")).to_have_text("£1,000.00")
    assert_accessible(adviser)

    officer = fresh_page(browser)
    sign_in_with_two_factor(officer, base, tenant.users["performance_officer"].email)
    officer.get_by_role("link", name="Financial support").first.click()
    expect(officer.locator("#total-paid")).to_have_text("£1,000.00")
    assert_accessible(officer)

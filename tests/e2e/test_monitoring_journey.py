"""Referral monitoring over a period with its download, and a returner's request for support, in the browser."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

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


def test_monitoring_for_a_period_and_a_returners_request(live_server, browser: Browser) -> None:
    tenant = make_tenant("Alderley")
    base = live_server.url
    today = timezone.localdate()

    triage = fresh_page(browser)
    sign_in_with_two_factor(triage, base, tenant.users["triage_coordinator"].email)
    triage.get_by_role("link", name="Referral monitoring").first.click()
    expect(triage.locator("#period")).to_have_text("Every referral made")
    expect(triage.get_by_role("heading", name="By outcome")).to_be_visible()
    assert_accessible(triage)
    fill_date(triage, "From (optional)", today)
    fill_date(triage, "To (optional)", today - datetime.timedelta(days=7))
    triage.get_by_role("button", name="Show").click()
    expect(triage.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(triage)
    fill_date(triage, "From (optional)", today - datetime.timedelta(days=7))
    fill_date(triage, "To (optional)", today)
    triage.get_by_role("button", name="Show").click()
    week_ago = today - datetime.timedelta(days=7)
    expect(triage.locator("#period")).to_have_text(
        f"Referrals made from {week_ago.day} {week_ago:%B %Y} to {today.day} {today:%B %Y}"
    )
    expect(triage.get_by_role("rowheader", name="Sent, waiting for the provider")).to_be_visible()
    expect(triage.get_by_text("Requests for support from returners waiting for assessment")).to_be_visible()
    assert_accessible(triage)
    with triage.expect_download() as download:
        triage.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.startswith("referral-monitoring-")

    adviser = fresh_page(browser)
    sign_in_with_two_factor(adviser, base, tenant.users["personal_adviser"].email)
    adviser.get_by_role("link", name="1 request for support from returners to assess").click()
    expect(adviser.get_by_role("heading", name="Requests for support from returners")).to_be_visible()
    assert tenant.person is not None
    expect(adviser.get_by_role("link", name=tenant.person.display_name, exact=True)).to_be_visible()
    assert_accessible(adviser)
    adviser.get_by_role("link", name=f"Record the assessment for {tenant.person.display_name}").click()
    expect(adviser.get_by_role("heading", name="Record the assessment")).to_be_visible()
    assert_accessible(adviser)

"""A performance officer gives a plan its structure in the browser (ADR 35): a quality-mark criterion moved to
in place, a budget overspent, a board member and terms of reference, and a report due soon, which then shows
on the home page; every page passes axe."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_opportunity_journey import fill_date
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_plans_structure_is_built_and_its_report_comes_due_on_the_home_page(live_server, browser: Browser) -> None:
    tenant = make_tenant("Alderley")
    base = live_server.url
    today = timezone.localdate()
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_with_two_factor(page, base, tenant.users["performance_officer"].email)
    page.goto(base + f"/plans/{tenant.plan.pk}/")
    page.get_by_role("link", name="Plan structure").click()
    expect(page.get_by_role("heading", name="Plan structure")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a criterion").click()
    page.get_by_role("button", name="Save criterion").click()
    expect(page.get_by_role("link", name="Enter what must be in place")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What must be in place").fill("A named senior champion for care leavers")
    page.get_by_label("Evidence (optional)").fill("Named in the cabinet minutes")
    page.get_by_role("button", name="Save criterion").click()
    expect(page.get_by_text("Criterion saved")).to_be_visible()
    page.get_by_role("link", name="A named senior champion for care leavers").click()
    assert_accessible(page)
    page.get_by_role("link", name="Change the status").click()
    page.get_by_label("In place").check()
    fill_date(page, "Date of the change", today)
    page.get_by_role("button", name="Save status").click()
    expect(page.locator("#criterion-history")).to_contain_text("In place")
    assert_accessible(page)

    page.goto(base + f"/plans/{tenant.plan.pk}/structure/")
    page.get_by_role("link", name="Add a budget").click()
    page.get_by_label("Name of the budget").fill("Work guarantee fund")
    page.get_by_label("Budget amount in pounds").fill("1,000")
    page.get_by_role("button", name="Save budget").click()
    page.get_by_role("link", name="Work guarantee fund").click()
    page.get_by_role("link", name="Record spend").click()
    fill_date(page, "Date spent", today)
    page.get_by_label("Amount in pounds").fill("1200.50")
    page.get_by_label("What it was spent on").fill("Paid placements")
    page.get_by_role("button", name="Record spend").click()
    expect(page.locator("#remaining")).to_contain_text("-£200.50")
    expect(page.locator("#remaining")).to_contain_text("Overspent")
    assert_accessible(page)

    page.goto(base + f"/plans/{tenant.plan.pk}/structure/")
    page.get_by_role("link", name="Add a member").click()
    page.get_by_label("Name").fill("Robin Chair")
    page.get_by_label("Role on the board").fill("Chair")
    fill_date(page, "Member from", today - datetime.timedelta(days=30))
    page.get_by_role("button", name="Save member").click()
    page.get_by_role("link", name="Record new terms of reference").click()
    fill_date(page, "Date agreed", today)
    page.get_by_label("Terms of reference").fill("The board meets every quarter.")
    page.get_by_role("button", name="Save terms of reference").click()
    expect(page.locator("#terms-of-reference")).to_contain_text("The board meets every quarter.")

    page.get_by_role("link", name="Schedule a report").click()
    assert_accessible(page)
    page.get_by_label("The quarterly performance report").check()
    page.get_by_label("Committee").fill("Scrutiny panel")
    page.get_by_label("How often").select_option(label="Every quarter")
    fill_date(page, "Next due", today + datetime.timedelta(days=5))
    page.get_by_label("Owner", exact=True).select_option(value=str(tenant.users["performance_officer"].pk))
    page.get_by_role("button", name="Save schedule").click()
    expect(page.get_by_text("Due soon")).to_be_visible()
    assert_accessible(page)

    page.goto(base + "/")
    task = page.get_by_role("link", name="The quarterly performance report for")
    expect(task).to_contain_text("is due to Scrutiny panel")
    task.click()
    page.get_by_role("link", name="Record as sent to Scrutiny panel").click()
    assert_accessible(page)
    page.get_by_role("button", name="Record as sent").click()
    expect(page.get_by_text("Report recorded as sent")).to_be_visible()
    expect(page.get_by_text("Due soon")).to_have_count(0)

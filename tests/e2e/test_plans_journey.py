"""A lead officer records an update with a rating and evidence, and the plan's summary counts change."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_opportunity_journey import fill_date
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_records_an_update_and_the_summary_changes(live_server, browser: Browser) -> None:
    """From the home page task to the recorded update; the owner then closes the round with a snapshot."""
    from django.utils import timezone

    tenant = make_tenant("Alderley")
    base = live_server.url
    today = timezone.localdate()

    lead = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_with_two_factor(lead, base, tenant.users["plan_lead"].email)
    lead.get_by_role("link", name="1 plan update due from you").click()
    expect(lead.get_by_role("heading", name="Updates due from you")).to_be_visible()
    assert_accessible(lead)

    lead.get_by_role("link", name="Plans").first.click()
    assert_accessible(lead)
    lead.get_by_role("link", name=tenant.plan.title).click()
    summary = lead.locator("#rating-summary")
    expect(summary.locator('[data-rating="A"]')).to_have_text("0")
    expect(summary.locator('[data-rating="none"]')).to_have_text("1")
    assert_accessible(lead)

    lead.get_by_role("link", name="Progress and history of 1.1").click()
    assert_accessible(lead)
    lead.get_by_role("link", name="Record an update").click()
    lead.get_by_role("group", name="Date of the update").get_by_label("Day").fill("")
    lead.get_by_role("button", name="Save update").click()
    expect(lead.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(lead)
    fill_date(lead, "Date of the update", today)
    lead.get_by_label("Achieved so far (✓)").fill("Guidance interviews booked for every Year 11\nCareers fair held")
    lead.get_by_label("Next steps (⇒)").fill("Follow up those who missed their interview")
    lead.get_by_label("Amber: Started, with some challenges being encountered").check()
    lead.get_by_label("Explanation of the rating (optional)").fill("Two schools have not yet given dates")
    lead.get_by_label("Evidence of progress (optional)").fill("41 of 52 interviews held")
    lead.get_by_label("Evidence of impact (optional)").fill("More Year 11s have an offer of a place")
    lead.get_by_role("button", name="Save update").click()
    expect(lead.get_by_text("Update on 1.1 recorded")).to_be_visible()
    expect(lead.get_by_text("41 of 52 interviews held")).to_be_visible()
    assert_accessible(lead)

    lead.get_by_role("link", name=f"Back to {tenant.plan.title}").click()
    expect(summary.locator('[data-rating="A"]')).to_have_text("1")
    expect(summary.locator('[data-rating="none"]')).to_have_text("0")
    assert_accessible(lead)

    owner = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_with_two_factor(owner, base, tenant.users["performance_officer"].email)
    owner.goto(base + f"/plans/rounds/{tenant.review_round.pk}/")
    expect(owner.get_by_text("Every open item has an update in this round.")).to_be_visible()
    assert_accessible(owner)
    owner.get_by_role("button", name="Close the round").click()
    expect(owner.get_by_role("heading", name="The plan when the round closed")).to_be_visible()
    expect(owner.get_by_text("Guidance interviews booked for every Year 11")).to_be_visible()
    assert_accessible(owner)
    owner.goto(base + f"/plans/measures/{tenant.plan_measure.pk}/")
    assert_accessible(owner)

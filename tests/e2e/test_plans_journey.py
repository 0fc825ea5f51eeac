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


def test_manager_builds_a_plan_with_accessible_forms(live_server, browser: Browser) -> None:
    """A performance officer defines a scheme, adds a plan, a theme, an item, a measure and a target,
    changes an item's status, and opens a round; every form and its error state pass axe."""
    from django.utils import timezone

    tenant = make_tenant("Alderley")
    base = live_server.url
    today = timezone.localdate()
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_with_two_factor(page, base, tenant.users["performance_officer"].email)

    page.goto(base + "/plans/rating-schemes/")
    assert_accessible(page)
    page.get_by_role("link", name="Define a scheme").click()
    page.get_by_role("button", name="Save scheme").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Done or not")
    page.get_by_label("Rating 1: key").fill("D")
    page.get_by_label("Rating 1: label").fill("Done")
    page.get_by_label("Rating 1: what it means").fill("Nothing left to do")
    page.get_by_label("Rating 1: colour").select_option("green")
    page.get_by_role("button", name="Save scheme").click()
    expect(page.get_by_text("Rating scheme saved")).to_be_visible()

    page.get_by_role("link", name="Plans").first.click()
    page.get_by_role("link", name="Add a plan").click()
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title").fill("Work plan for the quality mark")
    page.get_by_label("Work plan against a quality mark").check()
    page.get_by_label("Owning body").fill("Corporate Parenting Board")
    page.get_by_label("A scheme defined here").check()
    page.get_by_label("The council's own scheme").select_option(label="Done or not")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_role("heading", name="Work plan for the quality mark")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a theme, area or objective").click()
    assert_accessible(page)
    page.get_by_label("Theme", exact=True).check()
    page.get_by_label("Title").fill("Commitment")
    page.get_by_label("What must be in place (optional)").fill("A named champion")
    page.get_by_role("button", name="Save section").click()
    page.get_by_role("link", name="Add an item to Commitment").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reference").fill("1a")
    page.get_by_label("Recommendation or action").fill("Name a champion for care leavers' employment")
    page.get_by_label(tenant.users["plan_lead"].full_name).check()
    fill_date(page, "Target date 1 (optional)", today)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Action 1a")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a measure").click()
    page.get_by_label("What is measured").fill("Champions named")
    page.get_by_label("Number").check()
    page.get_by_role("button", name="Save measure").click()
    expect(page.get_by_role("heading", name="Champions named")).to_be_visible()
    page.get_by_role("button", name="Save target").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    fill_date(page, "Due by", today)
    page.get_by_label("A value").check()
    page.get_by_label("Value", exact=True).fill("1")
    page.get_by_role("button", name="Save target").click()
    expect(page.get_by_text("Target saved")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Back to 1a").click()
    page.get_by_role("link", name="Change status").click()
    page.get_by_label("Withdrawn").check()
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reason").fill("The board chose another route")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("1a is now withdrawn")).to_be_visible()
    page.get_by_role("link", name="Back to Work plan for the quality mark").click()
    expect(page.locator("del.onward-superseded")).to_have_text("Name a champion for care leavers' employment")

    page.get_by_role("link", name="Open a review round").click()
    page.get_by_label("Name of the round").fill("Autumn review")
    fill_date(page, "Updates are due by", today)
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("heading", name="Autumn review")).to_be_visible()
    assert_accessible(page)

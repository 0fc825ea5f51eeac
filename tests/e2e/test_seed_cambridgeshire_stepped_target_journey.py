"""The Cambridgeshire seed's stepped higher-education target (8%, then 10%): set once on the targets page, it is
the target of the plan's measure bound to the indicator, and the plan says "Not yet due" before the first step."""

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

INDICATOR = "Care leavers aged 19 to 21 in higher education"


def test_seed_cambridgeshire_the_plan_measure_quotes_the_councils_stepped_target(live_server, browser: Browser) -> None:
    tenant = make_tenant("Alderley")
    base = live_server.url
    first, second = (
        timezone.localdate() + datetime.timedelta(days=60),
        timezone.localdate() + datetime.timedelta(days=425),
    )
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_with_two_factor(page, base, tenant.users["performance_officer"].email)

    page.get_by_role("link", name="Targets").first.click()
    page.get_by_role("link", name="Set a target").click()
    page.get_by_label("Indicator").select_option(label=INDICATOR)
    page.get_by_role("button", name="Save target").click()
    for by_date, value in ((first, "8"), (second, "10")):
        fill_date(page, "By when", by_date)
        page.get_by_label("A fixed figure").check()
        page.get_by_label("Figure, or points above the benchmark").fill(value)
        page.get_by_role("button", name="Add step").click()
        expect(page.get_by_role("cell", name=f"{value}% by {by_date:%-d %B %Y}", exact=True)).to_be_visible()
    assert_accessible(page)

    page.goto(base + f"/plans/items/{tenant.plan_item.pk}/")
    page.get_by_role("link", name="Add a measure").click()
    page.get_by_label("What is measured").fill("Care leavers at university")
    page.get_by_label("Live indicator (optional)").select_option(label=INDICATOR)
    page.get_by_role("button", name="Save measure").click()
    expect(page.get_by_role("heading", name="Care leavers at university")).to_be_visible()
    expect(page.get_by_text("its targets are the council's targets for that indicator")).to_be_visible()
    steps = page.get_by_role("table", name="Targets by date")
    expect(steps.get_by_role("cell", name=f"8% by {first:%-d %B %Y}", exact=True)).to_be_visible()
    expect(steps.get_by_role("cell", name=f"10% by {second:%-d %B %Y}", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Save target")).to_have_count(0)
    expect(page.get_by_role("button", name="Save figure")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Change them on the targets page").click()
    expect(page.get_by_role("link", name=INDICATOR)).to_be_visible()
    assert_accessible(page)

    page.goto(base + f"/plans/{tenant.plan.pk}/")
    measure = page.get_by_role("listitem").filter(has_text="Care leavers at university")
    expect(measure).to_contain_text(f"8% by {first:%-d %B %Y}")
    expect(measure).to_contain_text("Not yet due")
    expect(page.get_by_text("Not met")).to_have_count(0)
    assert_accessible(page)

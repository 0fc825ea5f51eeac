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

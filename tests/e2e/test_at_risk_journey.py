"""A personal adviser opens the at-risk-of-NEET list for their own caseload, in the browser."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from onward.people import services
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_adviser_sees_their_homeless_young_person_at_the_top(live_server, page: Page) -> None:
    """The list opens on the adviser's caseload, the homeless young person ranked first with the reason."""
    tenant = make_tenant("Alderley")
    adviser = tenant.users["personal_adviser"]
    person = tenant.person
    services.accommodation_record(
        acting_user=adviser,
        person=person,
        accommodation_type="S",
        suitability="unsuitable",
        start=timezone.localdate() - datetime.timedelta(days=5),
    )
    sign_in_with_two_factor(page, live_server.url, adviser.email)

    page.get_by_role("link", name="At risk of NEET").first.click()
    expect(
        page.get_by_role("heading", name="At risk of not being in education, employment or training")
    ).to_be_visible()
    expect(page.get_by_role("link", name="My caseload")).to_have_attribute("aria-current", "page")
    first = page.get_by_role("table", name=re.compile("Young people at risk")).locator("tbody tr").first
    expect(first.get_by_role("link", name=person.display_name)).to_be_visible()
    expect(first).to_contain_text("No fixed abode or homeless since")
    expect(first).to_contain_text("High")
    page.get_by_text("How the list is ranked").click()
    expect(page.get_by_role("table", name="Warning signs and their weights")).to_be_visible()
    assert_accessible(page)

    first.get_by_role("link", name=person.display_name).click()
    expect(page.get_by_role("heading", level=1, name=person.display_name)).to_be_visible()
    expect(page.get_by_text("No fixed abode or homeless since").first).to_be_visible()
    assert_accessible(page)

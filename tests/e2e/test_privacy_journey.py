"""The data protection officer answers a subject access request in a real browser; every page passes axe."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from onward.privacy import services
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor
from tests.privacy.builders import full_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_officer_reviews_approves_and_restricts(live_server, page: Page) -> None:  # type: ignore[no-untyped-def]
    tenant = make_tenant("Alderley")
    full_record(tenant)
    services.subject_access_request_create(young_person=tenant.person, via="portal")
    officer = tenant.users["data_protection_officer"]
    base = live_server.url
    sign_in_with_two_factor(page, base, officer.email)

    page.goto(base + reverse("privacy:request-list"))
    assert_accessible(page)
    page.get_by_role("link", name=tenant.person.child_id).click()  # type: ignore[union-attr]
    page.get_by_role("button", name="Gather the bundle").click()
    expect(page.get_by_role("heading", name="Redaction review")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Moira Quayle", exact=False).check()
    page.get_by_role("button", name="Save the review").click()
    page.get_by_role("button", name="Approve the bundle for release").click()
    expect(page.get_by_role("link", name="Bundle for reading (PDF)")).to_be_visible()
    assert_accessible(page)

    page.goto(base + reverse("privacy:restriction-list"))
    page.get_by_role("button", name="Restrict the record").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Child identifier").fill(tenant.person.child_id)  # type: ignore[union-attr]
    page.get_by_label("Reason for the restriction").fill("Accuracy contested")
    page.get_by_label("Team manager").check()
    page.get_by_role("button", name="Restrict the record").click()
    expect(page.get_by_text("Record restricted")).to_be_visible()
    assert_accessible(page)
    for name in ("privacy:retention", "privacy:record-of-processing", "privacy:request-create"):
        page.goto(base + reverse(name))
        assert_accessible(page)

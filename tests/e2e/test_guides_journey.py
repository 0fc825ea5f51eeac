"""A personal adviser finds help from the page they are on, and every guide page passes axe."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from onward.accounts.permissions import ROLES
from onward.guides import catalogue
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_help_with_this_page_leads_to_the_guide_then_the_glossary(live_server, page: Page) -> None:
    """From a young person's record form, "Help with this page" opens the guide to recording a change;
    the menu's Guides leads to the adviser's own guide; the glossary explains a term."""
    tenant = make_tenant("Alderley")
    assert tenant.person is not None
    base = live_server.url
    sign_in_with_two_factor(page, base, tenant.users["personal_adviser"].email)

    page.goto(base + reverse("people:record-add", kwargs={"pk": tenant.person.pk, "kind": "eet"}))
    page.get_by_role("link", name="Help with this page").click()
    expect(page.get_by_role("heading", level=1, name="Record a change in education or work")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Guides").click()
    expect(page.get_by_role("heading", level=1, name="Guides")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Guide for the personal adviser").click()
    expect(page.get_by_role("heading", level=1, name="Guide for the personal adviser")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Make a referral with consent").click()
    expect(page.get_by_role("heading", level=1, name="Make a referral with consent")).to_be_visible()
    page.get_by_role("link", name="consent", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Glossary")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/guides/glossary/#consent$"))
    assert_accessible(page)


def test_every_guide_page_is_accessible(live_server, page: Page) -> None:
    """The guides index, the glossary, every role's guide and every task guide pass axe."""
    tenant = make_tenant("Alderley")
    base = live_server.url
    sign_in_with_two_factor(page, base, tenant.users["performance_officer"].email)
    paths = [
        reverse("guides:index"),
        reverse("guides:glossary"),
        *(reverse("guides:role", kwargs={"role": role.key}) for role in ROLES),
        *(reverse("guides:guide", kwargs={"slug": guide.slug}) for guide in catalogue.GUIDES),
    ]
    for path in paths:
        page.goto(base + path)
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)

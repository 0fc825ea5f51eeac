"""Each role signs in in a real browser, sets up two-factor sign-in, and visits its pages.

axe-core checks every page visited (WCAG 2.2 AA): zero violations allowed.
"""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from onward.accounts.permissions import ROLES
from tests.conftest import PASSWORD, make_tenant
from tests.e2e.conftest import assert_accessible
from tests.test_sign_in import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_with_two_factor(page: Page, base: str, email: str) -> None:
    page.goto(base + reverse("accounts:sign-in"))
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user__email=email, confirmed=False)
    page.get_by_label("Code from your authenticator app").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Two-factor sign-in is set up")).to_be_visible()


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.key)
def test_each_role_signs_in_and_every_page_it_visits_is_accessible(role, live_server, page: Page) -> None:
    """Sign in (with two-factor set-up), then every navigation page and its records pass axe."""
    tenant = make_tenant("Alderley")
    user = tenant.users[role.key]
    base = live_server.url
    sign_in_with_two_factor(page, base, user.email)
    expect(page.get_by_role("heading", name=re.compile("here is your work"))).to_be_visible()
    expect(page.get_by_role("heading", name=role.name)).to_be_visible()
    assert_accessible(page)

    nav_links = page.locator("#navigation a.govuk-service-navigation__link")
    hrefs = [nav_links.nth(i).get_attribute("href") for i in range(nav_links.count())]
    assert reverse("accounts:account") in hrefs
    visited = set()
    for href in hrefs:
        page.goto(base + href)
        assert page.locator("h1").count() == 1
        assert_accessible(page)
        visited.add(href)
        # Open the first record in each list, as the user would.
        record = page.locator("main table a.govuk-link").first
        if record.count():
            record.click()
            assert_accessible(page)

    if role.key == "administrator":
        for url in (reverse("accounts:user-create"), reverse("accounts:team-create"), reverse("accounts:partner-add")):
            page.goto(base + url)
            assert_accessible(page)
            page.locator("main form button[type=submit]").click()
            expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
            assert_accessible(page)
            # Each message in the summary links to its field.
            first_link = page.locator(".govuk-error-summary__list a").first
            target = first_link.get_attribute("href")
            assert target and page.locator(target).count() == 1
        page.goto(base + reverse("audit:event-list") + "?date_from=31/2/2026")
        expect(page.get_by_role("link", name=re.compile("From date must be a real date"))).to_be_visible()
        assert_accessible(page)

    page.goto(base + "/no-such-page/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    assert_accessible(page)


def test_public_pages_are_accessible(live_server, page: Page) -> None:
    """Pages anyone can reach: sign-in with its errors, accessibility, cookies, an expired link."""
    base = live_server.url
    page.goto(base + reverse("accounts:sign-in"))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    for url in (
        reverse("core:accessibility"),
        reverse("core:cookies"),
        reverse("accounts:set-password", kwargs={"uidb64": "MQ", "token": "expired"}),
        reverse("accounts:signed-out") + "?reason=timeout",
    ):
        page.goto(base + url)
        assert page.locator("h1").count() == 1
        assert_accessible(page)


def test_the_timeout_warning_appears_and_stay_signed_in_keeps_the_session(live_server, page: Page) -> None:
    """Before the idle sign-out a dialog warns; 'Stay signed in' closes it and renews the session."""
    tenant = make_tenant("Alderley")
    user = tenant.users["personal_adviser"]
    with override_settings(SESSION_COOKIE_AGE=63, SESSION_WARNING_MINUTES=1):
        sign_in_with_two_factor(page, live_server.url, user.email)
        dialog = page.locator("#session-timeout-dialog")
        expect(dialog).to_be_visible(timeout=10_000)
        expect(dialog.get_by_role("heading", name="You are about to be signed out")).to_be_visible()
        assert_accessible(page)
        dialog.get_by_role("button", name="Stay signed in").click()
        expect(dialog).to_be_hidden()
        page.reload()
        expect(page.get_by_role("heading", name=re.compile("here is your work"))).to_be_visible()


def test_the_accessibility_check_catches_a_real_problem(live_server, page: Page) -> None:
    """The axe check is live: an image without alternative text on a page makes it fail."""
    page.goto(live_server.url + reverse("core:cookies"))
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')")
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)

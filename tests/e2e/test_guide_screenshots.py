"""The guides' screenshots, made from the demo council in a real browser each time the browser tests
run, so a guide never shows a page as it used to be.

Each shot signs in as the demo user of a role, goes to a page the way that user would, checks the
page with axe, and saves what the screen shows to ``onward/static/guides/images/<name>.png``, where
the guide that explains the page shows it (``guides/_screenshot.html``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from onward.accounts.demo import DEMO_PASSWORD
from tests.e2e.conftest import assert_accessible
from tests.test_sign_in import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IMAGES = Path(settings.BASE_DIR) / "onward" / "static" / "guides" / "images"
SHOT_HEIGHT = 640


def open_first_young_person(page: Page, base: str) -> None:
    page.goto(base + reverse("people:caseload"))
    page.locator("main table a.govuk-link").first.click()
    expect(page.get_by_role("heading", name="Now")).to_be_visible()


def record_activity(page: Page, base: str) -> None:
    open_first_young_person(page, base)
    page.get_by_role("link", name="Record a new activity").click()


def make_referral(page: Page, base: str) -> None:
    open_first_young_person(page, base)
    page.get_by_role("link", name="Make a referral").click()


def go(url_name: str) -> Callable[[Page, str], None]:
    def visit(page: Page, base: str) -> None:
        page.goto(base + reverse(url_name))

    return visit


@dataclass(frozen=True)
class Shot:
    name: str
    user: str
    """The demo user's email address."""
    reach: Callable[[Page, str], None]
    heading: str


SHOTS: tuple[Shot, ...] = (
    Shot("young-person-page", "adviser@wexbridge.example", open_first_young_person, "Now"),
    Shot("record-activity", "adviser@wexbridge.example", record_activity, "Record education, employment or training"),
    Shot("referral-form", "adviser@wexbridge.example", make_referral, "Make a referral"),
    Shot("triage-queue", "triage@wexbridge.example", go("referrals:triage-queue"), "Triage queue"),
    Shot("ssda903-return", "performance@wexbridge.example", go("returns:overview"), "SSDA903 care leavers return"),
)
SHOT_NAMES = {shot.name for shot in SHOTS}


def sign_in_as_demo_user(page: Page, base: str, email: str) -> None:
    page.goto(base + reverse("accounts:sign-in"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    confirmed = TOTPDevice.objects.filter(user__email=email, confirmed=True).first()
    if confirmed is None:  # the first time: set up two-factor sign-in
        expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
        device = TOTPDevice.objects.get(user__email=email, confirmed=False)
    else:
        expect(page.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
        device = confirmed
    page.get_by_label("Code from your authenticator app").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="here is your work", exact=False)).to_be_visible()


def test_the_guides_screenshots_are_made_from_the_demo(live_server, browser: Browser) -> None:
    """Each screenshot a guide shows is taken afresh from the demo council's pages."""
    call_command("load_demo", "--quiet")
    IMAGES.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    users = list(dict.fromkeys(shot.user for shot in SHOTS))
    for user in users:  # each demo user signs in once (a code is good for one sign-in only)
        context = browser.new_context(viewport={"width": 1024, "height": 720}, locale="en-GB")
        page = context.new_page()
        try:
            sign_in_as_demo_user(page, base, user)
            for shot in (shot for shot in SHOTS if shot.user == user):
                shot.reach(page, base)
                expect(page.get_by_role("heading", name=shot.heading).first).to_be_visible()
                assert_accessible(page)
                path = IMAGES / f"{shot.name}.png"
                main = page.locator("main").bounding_box()
                assert main is not None
                # The page's own content, below the header and menu the reader already knows.
                clip = {"x": 0, "y": main["y"], "width": 1024, "height": min(SHOT_HEIGHT, main["height"])}
                page.screenshot(path=str(path), full_page=True, clip=clip)  # type: ignore[arg-type]
                assert path.stat().st_size > 10_000, f"{shot.name} is blank"
        finally:
            context.close()

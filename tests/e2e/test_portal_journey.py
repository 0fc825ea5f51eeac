"""A young person uses their own service on a phone-sized screen and on a desktop: signs in with the code
from the email, reads their page, says their record is wrong, adds to their plan, asks about an
opportunity, checks in asking for help, gives feedback, withdraws a consent and leaves; axe on every page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Browser, expect

from onward.portal.models import Statement
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.portal.conftest import open_account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [320, 1280])
def test_a_young_person_uses_their_own_service(live_server, browser: Browser, width: int) -> None:
    tenant = make_tenant("Alderley")
    account = open_account(tenant, "kai@example.org")
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(base + reverse("my:home"))
        expect(page.get_by_role("heading", name="Sign in to your own page")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Email address").fill("kai@example.org")
        page.get_by_role("button", name="Send me a code").click()
        expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
        assert_accessible(page)
        code = re.search(r"\d{6}", mail.outbox[-1].subject).group(0)  # type: ignore[union-attr]
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()
        expect(page.get_by_text(tenant.users["personal_adviser"].full_name)).to_be_visible()
        assert_accessible(page)
        if width == 320:  # phone first: nothing wider than the screen
            assert page.evaluate("document.documentElement.scrollWidth") <= 320

        page.get_by_role("link", name=re.compile("^This is wrong")).click()
        assert_accessible(page)
        page.get_by_role("button", name="Send to my adviser").click()
        expect(page.get_by_text("Enter what is wrong").first).to_be_visible()
        assert_accessible(page)
        page.get_by_label("What is wrong?").fill("I work at a cafe now")
        page.get_by_role("button", name="Send to my adviser").click()
        expect(page.get_by_text("Your adviser will check and correct your record")).to_be_visible()

        page.get_by_role("link", name="Add a goal").click()
        assert_accessible(page)
        page.get_by_label("What do you want to do?").fill("Pass my driving test")
        page.get_by_role("radio", name="Employment").check()
        page.get_by_role("radio", name="Me", exact=True).check()
        page.get_by_role("button", name="Add to my plan").click()
        expect(page.get_by_role("heading", name="Pass my driving test")).to_be_visible()
        page.get_by_role("link", name=re.compile("^Add a step")).click()
        assert_accessible(page)
        page.get_by_label("What is the next step?").fill("Book 10 lessons")
        page.get_by_role("radio", name="My personal adviser").check()
        page.get_by_role("button", name="Add to my plan").click()
        page.get_by_role("button", name=re.compile("^Mark done.*Book 10 lessons")).click()
        expect(page.get_by_text("Marked done: Book 10 lessons")).to_be_visible()
        assert_accessible(page)

        page.goto(base + reverse("my:opportunities"))
        assert_accessible(page)
        page.get_by_role("link", name=re.compile("I'm interested")).first.click()
        assert_accessible(page)
        page.get_by_role("button", name="Tell my adviser").click()
        expect(page.get_by_text("Your adviser knows you are interested").first).to_be_visible()
        assert_accessible(page)

        page.goto(base + reverse("my:check-in"))
        assert_accessible(page)
        page.get_by_role("radio", name="Bad").check()
        page.get_by_label("I'd like help from my personal adviser").check()
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_text(re.compile("Your adviser will get in touch by"))).to_be_visible()

        page.goto(base + reverse("my:feedback", kwargs={"pk": tenant.send.pk}))  # type: ignore[union-attr]
        assert_accessible(page)
        page.get_by_role("radio", name="Good", exact=True).check()
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_text("Thank you for your feedback")).to_be_visible()

        page.get_by_role("link", name=re.compile("^Withdraw consent")).click()
        assert_accessible(page)
        page.get_by_role("button", name="Withdraw my consent").click()
        expect(page.get_by_text("You have withdrawn your consent")).to_be_visible()
        assert_accessible(page)

        assert set(Statement.objects.filter(person=account.person).values_list("kind", flat=True)) == {
            "eet_wrong",
            "interested",
            "check_in",
            "service_feedback",
        }
        if width == 1280:
            page.get_by_role("button", name="Sign out").click()
        else:
            page.get_by_role("button", name="Menu").click()
            page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
        assert_accessible(page)
        page.goto(base + reverse("my:home"))
        expect(page.get_by_role("heading", name="Sign in to your own page")).to_be_visible()
        # "Leave this site" is the GOV.UK exit this page button.
        expect(page.get_by_role("button", name=re.compile("Leave this site"))).to_be_visible()
    finally:
        context.close()

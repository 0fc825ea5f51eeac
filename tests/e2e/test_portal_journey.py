"""A young person uses their own service on a phone-sized screen and on a desktop: signs in with the code
from the email, reads their page, says their record is wrong, adds to their plan, asks about an
opportunity, checks in asking for help, gives feedback, withdraws a consent and leaves; axe on every page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from onward.portal.models import Statement
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.portal.conftest import open_account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [320, 1280])
def test_a_young_person_uses_their_own_service(live_server, browser: Browser, width: int) -> None:
    tenant = make_tenant("Alderley")
    account = open_account(tenant, "kai@example.org")
    publish_offer(tenant)
    schedule_survey(tenant)
    from onward.portal.models import Theme

    Theme.objects.create(
        council=tenant.council,
        title="Travel",
        you_said="Travel costs too much",
        we_did="Free bus passes to 25",
        created_by=tenant.users["team_manager"],
        published_at=timezone.now(),
    )
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

        page.goto(base + reverse("my:home"))
        page.get_by_role("link", name="Answer the survey").click()
        assert_accessible(page)
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_text("Select a number from 0 to 10").first).to_be_visible()
        assert_accessible(page)
        for key in ("ons_life_satisfaction", "ons_worthwhile", "ons_happy", "ons_anxious"):
            page.locator(f"input[name='{key}'][value='6']").check()
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_text("Thank you for answering the survey")).to_be_visible()

        page.goto(base + reverse("my:feedback", kwargs={"pk": tenant.send.pk}))  # type: ignore[union-attr]
        assert_accessible(page)
        page.get_by_role("radio", name="Good", exact=True).check()
        page.get_by_label("Tell us more (optional)").fill("Friendly and helpful")
        page.get_by_label(re.compile("^Let .* read what I wrote")).check()
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_text("Thank you for your feedback")).to_be_visible()

        page.get_by_role("link", name=re.compile("^Withdraw consent")).click()
        assert_accessible(page)
        page.get_by_role("button", name="Withdraw my consent").click()
        expect(page.get_by_text("You have withdrawn your consent")).to_be_visible()
        assert_accessible(page)

        page.get_by_role("link", name="Local offer").first.click() if width == 1280 else page.goto(
            base + reverse("my:local-offer")
        )
        expect(page.get_by_text("A setting-up home allowance")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("What do you think of the local offer?").fill("More help with driving lessons")
        page.get_by_role("button", name="Send comment").click()
        expect(page.get_by_text("Thank you. The leaving care team reads every comment")).to_be_visible()
        assert_accessible(page)

        page.goto(base + reverse("my:you-said"))
        expect(page.get_by_text("Free bus passes to 25")).to_be_visible()
        assert_accessible(page)

        assert set(Statement.objects.filter(person=account.person).values_list("kind", flat=True)) == {
            "eet_wrong",
            "interested",
            "check_in",
            "service_feedback",
            "offer_comment",
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
        page.goto(base + reverse("local-offer:current", kwargs={"council": tenant.council.pk}))
        expect(page.get_by_role("heading", name="Local offer for care leavers")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="ask for support again").click()
        assert_accessible(page)
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_text("Enter your first name").first).to_be_visible()
        assert_accessible(page)
        page.get_by_label("First name").fill("Nobody")
        page.get_by_label("Last name").fill("Known")
        page.get_by_label("Day").fill("1")
        page.get_by_label("Month").fill("2")
        page.get_by_label("Year").fill("2003")
        page.get_by_label("How can we contact you?").fill("07700 900123")
        page.get_by_label("What would you like help with?").fill("Finding work")
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
        assert_accessible(page)
        # "Leave this site" is the GOV.UK exit this page button.
        expect(page.get_by_role("button", name=re.compile("Leave this site"))).to_be_visible()
    finally:
        context.close()


def schedule_survey(tenant) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from onward.portal import services

    manager = tenant.users["team_manager"]
    question = services.question_add(
        acting_user=manager, council=tenant.council, text="Do you feel safe at home?", kind="yes_no"
    )
    today = timezone.localdate()
    services.survey_schedule(
        acting_user=manager,
        council=tenant.council,
        title="Spring survey",
        opens_on=today,
        closes_on=today,
        questions=[question],
    )


def publish_offer(tenant) -> None:  # type: ignore[no-untyped-def]
    from onward.portal import services

    manager = tenant.users["team_manager"]
    offer = services.offer_draft_start(acting_user=manager, council=tenant.council)
    services.offer_draft_save(
        acting_user=manager,
        offer=offer,
        version=offer.version,
        introduction="Our promise to you",
        sections={
            "money": {"text": "A setting-up home allowance", "entitlements": "£3,000", "contacts": "Your adviser"},
            "employment": {"text": "Work experience at the council", "entitlements": "", "contacts": ""},
        },
    )
    services.offer_publish(acting_user=manager, offer=offer)


@pytest.mark.parametrize("width", [320, 1280])
def test_staff_see_what_the_young_person_said_and_write_the_offer(live_server, browser: Browser, width: int) -> None:
    """The adviser gives a young person their own page and sees what they said; a manager publishes the
    local offer; the partner reads what young people said about its service; axe on each staff page of the
    portal, at 320 and 1280 pixels wide."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        _staff_journey(live_server, context.new_page())
    finally:
        context.close()


def _staff_journey(live_server, page: Page) -> None:  # type: ignore[no-untyped-def]
    from onward.portal import services
    from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

    tenant = make_tenant("Alderley")
    base = live_server.url
    account = open_account(tenant, "kai@example.org")
    services.check_in(account=account, mood="bad", wants_help=True, text="Worried about rent")
    services.account_end(acting_user=tenant.users["personal_adviser"], account=account, reason="Testing")
    sign_in_with_two_factor(page, base, tenant.users["personal_adviser"].email)
    page.goto(base + reverse("people:person-detail", kwargs={"pk": tenant.person.pk}))  # type: ignore[union-attr]
    expect(page.get_by_text("Worried about rent").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Deal with this")).click()
    assert_accessible(page)
    page.get_by_label("What did you do?").fill("Called them and made a plan")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Give them access again").click()
    assert_accessible(page)
    page.context.clear_cookies()

    sign_in_with_two_factor(page, base, tenant.users["team_manager"].email)
    page.goto(base + reverse("portal:offer-list"))
    assert_accessible(page)
    page.get_by_role("button", name="Start a new version").click()
    assert_accessible(page)
    page.get_by_label("Money: what we offer").fill("A setting-up home allowance")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_text("Published").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="well-being surveys").click()
    assert_accessible(page)
    page.get_by_label("Question", exact=True).fill("Do you have someone to talk to?")
    page.get_by_role("radio", name="Yes or no").check()
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_text("Question added to the bank")).to_be_visible()
    assert_accessible(page)
    page.goto(base + reverse("portal:themes"))
    assert_accessible(page)
    page.get_by_role("link", name="Start a theme").click()
    assert_accessible(page)
    page.get_by_label("Theme", exact=True).fill("Money")
    page.get_by_role("button", name="Save and publish to young people").click()
    expect(page.get_by_text("Write what young people said and what you did").first).to_be_visible()
    assert_accessible(page)
    page.goto(base + reverse("portal:feedback-figures"))
    assert_accessible(page)
    # A request for support again that matched no record waits for the manager to check it.
    import datetime

    services.ask_for_support_again(
        council=tenant.council,
        given_name="Robin",
        family_name="Notonfile",
        date_of_birth=datetime.date(2003, 6, 1),
        contact="07700 900456",
        needs="Help to get back into college",
    )
    page.goto(base + reverse("portal:returner-enquiries"))
    assert_accessible(page)
    page.get_by_role("link", name="Robin Notonfile").click()
    expect(page.get_by_text("Help to get back into college")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Close the request").click()
    expect(page.get_by_text("Enter what was done").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What was done?").fill("Not known to us: gave them the number of their home council")
    page.get_by_role("button", name="Close the request").click()
    expect(page.get_by_text("Request closed")).to_be_visible()
    assert_accessible(page)
    page.context.clear_cookies()

    # The partner running the service reads the rating and the words the young person shared.
    services.service_feedback(account=account, send=tenant.send, rating=5, text="Friendly and helpful", share=True)
    sign_in_with_two_factor(page, base, tenant.users["partner_provider"].email)
    page.goto(base + reverse("portal:partner-feedback"))
    expect(page.get_by_role("heading", name="What young people said about your services")).to_be_visible()
    expect(page.get_by_text("Friendly and helpful")).to_be_visible()
    assert_accessible(page)

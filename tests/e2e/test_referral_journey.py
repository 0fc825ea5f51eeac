"""The Derby flow in the browser: referral with consent, triage, the partner's start, the EET history."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from onward.referrals.models import Send, Service
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fresh_page(browser: Browser) -> Page:
    return browser.new_context(viewport={"width": 1280, "height": 900}).new_page()


def test_referral_from_adviser_through_triage_to_partner_start(live_server, browser: Browser) -> None:
    tenant = make_tenant("Alderley")
    person = tenant.person
    base = live_server.url
    today = timezone.localdate()
    forklift = Service.objects.create(
        provider=tenant.partner,
        name="Forklift licence course",
        kind=Service.Kind.TRAINEESHIP,
        area="Citywide",
        active_from=today - datetime.timedelta(days=30),
    )

    adviser = fresh_page(browser)
    sign_in_with_two_factor(adviser, base, tenant.users["personal_adviser"].email)
    adviser.goto(base + f"/people/{person.pk}/")
    adviser.get_by_role("link", name="Make a referral").click()
    assert_accessible(adviser)
    adviser.get_by_role("button", name="Make the referral").click()
    expect(adviser.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(adviser)
    adviser.get_by_label("Job search").check()
    adviser.get_by_label("CV", exact=True).check()
    adviser.get_by_label("The young person").check()
    adviser.get_by_label("In person").check()
    adviser.get_by_label(tenant.partner.name).check()
    adviser.get_by_label("Needs, preferences, barriers and availability").check()
    adviser.get_by_label("Education, employment and training history").check()
    adviser.get_by_role("button", name="Make the referral").click()
    expect(adviser.get_by_text("Referral made: it is waiting for triage")).to_be_visible()
    assert_accessible(adviser)

    triage = fresh_page(browser)
    sign_in_with_two_factor(triage, base, tenant.users["triage_coordinator"].email)
    triage.get_by_role("link", name="Triage").first.click()
    assert_accessible(triage)
    triage.get_by_role("link", name=person.display_name).first.click()
    # Each suggestion says whether the young person's consent covers its provider.
    expect(triage.get_by_label(f"{tenant.service.name}, {tenant.partner.name}")).to_be_visible()
    expect(triage.get_by_text("Consent covers it").first).to_be_visible()
    triage.get_by_label("Refer to services").check()
    triage.get_by_label(f"{tenant.service.name}, {tenant.partner.name}", exact=False).check()
    triage.get_by_role("button", name="Record the decision").click()
    expect(triage.get_by_text("Triage decision recorded")).to_be_visible()
    assert_accessible(triage)

    partner = fresh_page(browser)
    sign_in_with_two_factor(partner, base, tenant.users["partner_provider"].email)
    partner.get_by_role("link", name="Referrals received").first.click()
    assert_accessible(partner)
    partner.get_by_role("link", name=person.display_name).first.click()
    # The consent shares the EET history: the partner's page shows it.
    expect(partner.get_by_role("heading", name="Education, employment and training history")).to_be_visible()
    expect(partner.get_by_role("cell", name="Further education (college, sixth form or school)")).to_be_visible()
    assert_accessible(partner)
    partner.get_by_label("Accepted").check()
    partner.get_by_role("button", name="Record", exact=True).click()
    expect(partner.get_by_text("Recorded", exact=True)).to_be_visible()
    partner.get_by_label("Started").check()
    when = partner.get_by_role("group", name="Date (for first contact, a start or an end)")
    when.get_by_label("Day").fill(str(today.day))
    when.get_by_label("Month").fill(str(today.month))
    when.get_by_label("Year").fill(str(today.year))
    partner.get_by_role("button", name="Record", exact=True).click()
    expect(partner.get_by_text("Recorded", exact=True)).to_be_visible()
    assert_accessible(partner)

    # Referring on while they are still on the course: the partner must say so, and the course stays open.
    partner.get_by_label("Refer on to").select_option(label=f"{forklift.name}, {tenant.partner.name}")
    partner.get_by_role("button", name="Refer on").click()
    expect(partner.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(partner.get_by_role("link", name=f"Select whether they are still on {tenant.service.name}")).to_be_visible()
    assert_accessible(partner)
    partner.get_by_label("Refer on to").select_option(label=f"{forklift.name}, {tenant.partner.name}")
    partner.get_by_label(f"Yes, they are still on {tenant.service.name}: keep it open").check()
    partner.get_by_role("button", name="Refer on").click()
    expect(partner.get_by_text(f"Referred on to {forklift.name}")).to_be_visible()
    assert_accessible(partner)
    assert Send.objects.get(service=tenant.service, started_on=today).status == Send.Status.STARTED

    adviser.goto(base + f"/people/{person.pk}/")
    adviser.get_by_role(
        "link", name=today.strftime("%-d %B %Y") + ": Referred to services"
    ).first.click()  # newest first
    adviser.get_by_role("button", name="Confirm the start").click()
    expect(adviser.get_by_text("The start is now in the young person's EET history")).to_be_visible()
    assert_accessible(adviser)
    adviser.goto(base + f"/people/{person.pk}/")
    expect(adviser.locator("#panel-eet + p")).to_have_text("Re-engagement programme")

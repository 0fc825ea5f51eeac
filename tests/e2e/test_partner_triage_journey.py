"""Triage by a partner in the browser (issue 27): the council's administrator lets its partner triage, the
partner's triage coordinator works the council's queue and refers a young person to a service, and once the
council stops it the queue is closed to them; axe on every page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from onward.referrals.models import Consent, Referral, Send
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fresh_page(browser: Browser) -> Page:
    return browser.new_context(viewport={"width": 1280, "height": 900}).new_page()


def test_a_partner_triages_the_councils_referrals_until_the_council_stops_it(live_server, browser: Browser) -> None:
    tenant = make_tenant("Alderley")
    person = tenant.person
    assert person is not None and tenant.service is not None
    today = timezone.localdate()
    waiting = Referral.objects.create(
        council=tenant.council,
        person=person,
        made_by=tenant.users["personal_adviser"],
        needs=["job_search"],
        status=Referral.Status.AWAITING_TRIAGE,
        triage_due=today + datetime.timedelta(days=5),
    )
    Consent.objects.create(
        referral=waiting,
        given_by="young_person",
        given_on=today,
        method="in_person",
        shared_fields=["needs"],
        purpose="To find work",
        expires_on=today + datetime.timedelta(days=365),
        recorded_by=tenant.users["personal_adviser"],
    ).organisations.add(tenant.partner)
    base = live_server.url
    partner_page = base + reverse("accounts:partner-detail", args=[tenant.partner.pk])

    admin = fresh_page(browser)
    sign_in_with_two_factor(admin, base, tenant.users["administrator"].email)
    admin.goto(partner_page)
    assert_accessible(admin)
    admin.get_by_role("button", name=f"Let {tenant.partner.name} triage referrals").click()
    expect(admin.get_by_text(f"{tenant.partner.name} may now triage the council's referrals")).to_be_visible()
    assert_accessible(admin)

    triager = fresh_page(browser)
    sign_in_with_two_factor(triager, base, tenant.users["partner_triage_coordinator"].email)
    triager.get_by_role("link", name="Triage").first.click()
    expect(triager.get_by_role("heading", name="Triage queue")).to_be_visible()
    assert_accessible(triager)
    triager.get_by_role("link", name=person.display_name).first.click()
    assert_accessible(triager)
    triager.get_by_label("Refer to services").check()
    triager.get_by_label(f"{tenant.service.name}, {tenant.partner.name}", exact=False).check()
    triager.get_by_role("button", name="Record the decision").click()
    expect(triager.get_by_text("Triage decision recorded")).to_be_visible()
    expect(triager.get_by_text("Nothing is waiting for triage")).to_be_visible()
    assert_accessible(triager)
    assert Send.objects.filter(referral=waiting, service=tenant.service).exists()

    admin.goto(partner_page)
    admin.get_by_role("button", name=f"Stop {tenant.partner.name} triaging referrals").click()
    expect(admin.get_by_text(f"{tenant.partner.name} no longer triages the council's referrals")).to_be_visible()
    assert_accessible(admin)

    another = Referral.objects.create(
        council=tenant.council,
        person=person,
        made_by=tenant.users["personal_adviser"],
        needs=["cv"],
        status=Referral.Status.AWAITING_TRIAGE,
        triage_due=today + datetime.timedelta(days=5),
    )
    triager.goto(base + reverse("referrals:triage-queue"))
    expect(triager.get_by_text("Nothing is waiting for triage")).to_be_visible()
    assert_accessible(triager)
    triager.goto(base + reverse("referrals:referral-detail", args=[another.pk]))
    expect(triager.get_by_role("heading", name="Page not found")).to_be_visible()

"""The Doncaster seed's quarterly performance report on care leavers: the performance officer writes the
commentary on a section, and the downloads carry it, with its author and date, and the report's charts."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import Browser, expect

from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMENTARY = "More care leavers aged 19 to 21 are in work since the clinic opened."


def test_seed_doncaster_commentary_and_charts_reach_the_quarterly_report_files(live_server, browser: Browser) -> None:
    tenant = make_tenant("Alderley")
    officer = tenant.users["performance_officer"]
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
    sign_in_with_two_factor(page, base, officer.email)
    page.goto(base + "/performance/quarterly/")
    expect(page.get_by_role("heading", name="Care leavers quarterly report")).to_be_visible()
    expect(page.locator("figure.onward-chart svg")).to_have_count(2)
    assert_accessible(page)

    page.get_by_role("link", name="Add commentary on education, employment and training").click()
    expect(page.get_by_role("heading", name="Commentary on education, employment and training")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save commentary").click()
    expect(page.get_by_role("link", name="Enter the commentary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Commentary").fill(COMMENTARY)
    page.get_by_role("button", name="Save commentary").click()
    expect(page.get_by_text("Commentary saved")).to_be_visible()
    byline = f"Commentary by {officer.full_name}, {timezone.localdate():%-d %B %Y}"
    expect(page.get_by_text(COMMENTARY)).to_be_visible()
    expect(page.get_by_text(byline)).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (Word document)").click()
    word = Document(io.BytesIO(download.value.path().read_bytes()))
    paragraphs = [p.text for p in word.paragraphs]
    assert paragraphs[paragraphs.index(COMMENTARY) + 1] == byline
    assert len(word.inline_shapes) == 2, "both charts are in the Word file"

    page.get_by_role("link", name="Change the commentary on education, employment and training").click()
    expect(page.get_by_label("Commentary")).to_have_value(COMMENTARY)
    expect(page.get_by_text(f"Last written by {officer.full_name}")).to_be_visible()
    assert_accessible(page)


def test_seed_doncaster_the_scrutiny_responses_carry_their_dates(live_server, browser: Browser) -> None:
    """The panel's recommendation and response table: a response recorded today prints under today's date."""
    from pypdf import PdfReader

    from onward.plans.models import Plan

    tenant = make_tenant("Alderley")
    Plan.objects.filter(pk=tenant.plan.pk).update(kind=Plan.Kind.SCRUTINY_RESPONSE)
    item = tenant.plan_item
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
    sign_in_with_two_factor(page, base, tenant.users["performance_officer"].email)
    page.goto(base + f"/plans/items/{item.pk}/")
    page.get_by_role("link", name="Record an update").click()
    page.get_by_label("The council's initial response (optional)").fill("Agreed: mentors for every care leaver at 17")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_text(f"Update on {item.reference} recorded")).to_be_visible()
    assert_accessible(page)
    page.goto(base + f"/plans/{tenant.plan.pk}/")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF of the plan as it stands today").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert f"{timezone.localdate():%-d %B %Y}: Agreed: mentors for every care leaver at 17" in text

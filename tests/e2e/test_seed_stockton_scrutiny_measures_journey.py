"""The Stockton seed's scrutiny monitoring: "EET 5% above the national average" is the council's target on the
targets page; the recommendation's measure, bound to the live EET figure, quotes it, and the committee document
prints the measure with the live figure, the national figure and the target."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import Browser, expect

from onward.performance import benchmarks
from onward.plans.models import Plan
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_opportunity_journey import fill_date
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INDICATOR = "Care leavers aged 19 to 21 in education, employment or training"


def test_seed_stockton_the_committee_document_prints_the_measure_against_national(
    live_server, browser: Browser
) -> None:
    tenant = make_tenant("Alderley")
    Plan.objects.filter(pk=tenant.plan.pk).update(kind=Plan.Kind.SCRUTINY_MONITORING, rating_scheme="grading")
    due = timezone.localdate() - datetime.timedelta(days=30)
    national = benchmarks.national("eet_19_21", timezone.localdate())
    assert national is not None
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
    sign_in_with_two_factor(page, base, tenant.users["performance_officer"].email)

    page.get_by_role("link", name="Targets").first.click()
    page.get_by_role("link", name="Set a target").click()
    page.get_by_label("Indicator").select_option(label=INDICATOR)
    page.get_by_role("button", name="Save target").click()
    fill_date(page, "By when", due)
    page.get_by_label("Relative to the national figure").check()
    page.get_by_label("Figure, or points above the benchmark").fill("5")
    page.get_by_role("button", name="Add step").click()
    step = f"National figure plus 5 points by {due:%-d %B %Y}"
    expect(page.get_by_role("cell", name=step, exact=True)).to_be_visible()
    assert_accessible(page)

    page.goto(base + f"/plans/items/{tenant.plan_item.pk}/")
    page.get_by_role("link", name="Add a measure").click()
    page.get_by_label("What is measured").fill("EET 5 points above the national figure")
    page.get_by_label("Live indicator (optional)").select_option(label=INDICATOR)
    page.get_by_role("button", name="Save measure").click()
    expect(page.get_by_role("table", name="Targets by date")).to_contain_text(step)
    expect(page.get_by_role("table", name="Targets by date")).to_contain_text(f"{(national + 5).normalize():f}")
    assert_accessible(page)

    page.goto(base + f"/plans/{tenant.plan.pk}/")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download DOCX of the plan as it stands today").click()
    word = Document(io.BytesIO(download.value.path().read_bytes()))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert "Success measures" in headings and "Contacts" in headings
    row = next(
        [c.text for c in r.cells]
        for t in word.tables
        for r in t.rows
        if r.cells[1].text == "EET 5 points above the national figure"
    )
    assert row[0] == tenant.plan_item.reference
    assert row[3] == f"{national.normalize():f}%"
    assert row[4] == f"{step} ({(national + 5).normalize():f}%)"

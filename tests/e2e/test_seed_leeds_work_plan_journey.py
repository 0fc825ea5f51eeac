"""The Leeds seed's quality-mark work plan: a lead records progress (✓ achieved, ⇒ next steps, RAG), and the
committee PDF lists the objective's criteria one by one and marks the milestone updated since the last review."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from onward.plans.models import Item, Plan, ReviewRound
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CRITERIA = ["A named lead for employability", "Guaranteed work experience for every care leaver", "A yearly review"]


def test_seed_leeds_the_work_plan_pdf_lists_criteria_and_marks_new_progress(live_server, browser: Browser) -> None:
    tenant = make_tenant("Alderley")
    plan, item = tenant.plan, tenant.plan_item
    Plan.objects.filter(pk=plan.pk).update(kind=Plan.Kind.QUALITY_MARK_WORK_PLAN)
    section = item.section
    section.criteria = "\n".join(CRITERIA)
    section.save()
    other = Item.objects.create(plan=plan, section=section, reference="1.2", text="Publish the local offer online")
    today = timezone.localdate()
    ReviewRound.objects.create(
        plan=plan,
        name="Autumn review",
        opened_on=today - datetime.timedelta(days=120),
        due_on=today - datetime.timedelta(days=100),
        opened_by=tenant.users["performance_officer"],
        closed_at=timezone.now() - datetime.timedelta(days=90),
        closed_by=tenant.users["performance_officer"],
    )
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
    sign_in_with_two_factor(page, base, tenant.users["plan_lead"].email)
    page.goto(base + f"/plans/{plan.pk}/")
    expect(page.get_by_text(CRITERIA[1])).to_be_attached()
    assert_accessible(page)
    page.goto(base + f"/plans/items/{item.pk}/")
    page.get_by_role("link", name="Record an update").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Achieved so far (✓)").fill("Careers fair held with twelve employers")
    page.get_by_label("Next steps (⇒)").fill("Book the spring fair")
    page.get_by_label("Green").check()
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_text(f"Update on {item.reference} recorded")).to_be_visible()
    assert_accessible(page)

    page.goto(base + f"/plans/{plan.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF of the plan as it stands today").click()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(download.value.path().read_bytes())).pages)
    lines = [line.strip() for line in text.splitlines()]
    for criterion in CRITERIA:
        assert sum(1 for line in lines if line.endswith(criterion)) == 1, criterion
    flat = " ".join(text.split())
    assert "Last review: Autumn review" in flat and "1 item updated since" in flat
    assert flat.count("Updated since the last review") == 2  # the intro and milestone 1.1
    after_item = flat[flat.index(f"{item.reference} {item.text}") :]
    assert after_item.index("Updated since the last review") < after_item.index(f"{other.reference} {other.text}")

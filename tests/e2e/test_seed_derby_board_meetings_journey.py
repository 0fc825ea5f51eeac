"""The Derby seed's flow for its Care Leavers Development Board: a themed meeting is recorded with who came and
what was discussed, its decisions add an action and update an item, and the committee document prints it all."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import Browser, expect

from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_opportunity_journey import fill_date
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_seed_derby_a_board_meeting_adds_and_updates_plan_items(live_server, browser: Browser) -> None:
    tenant = make_tenant("Alderley")
    base = live_server.url
    held = timezone.localdate() - datetime.timedelta(days=2)
    page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
    sign_in_with_two_factor(page, base, tenant.users["performance_officer"].email)
    page.get_by_role("link", name="Plans").first.click()
    page.get_by_role("link", name=tenant.plan.title).click()
    expect(page.get_by_role("heading", name="Meetings of Corporate Parenting Panel")).to_be_visible()
    expect(page.get_by_text("No meeting recorded yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record a meeting").click()
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter who attended")).to_be_visible()
    assert_accessible(page)
    fill_date(page, "Date of the meeting", held)
    page.get_by_label("Theme").fill("Education and training")
    page.get_by_label("Who attended").fill("Chair of the board\nHead of leaving care\nCollege transitions lead")
    page.get_by_label("Agenda (optional)").fill("Guidance interviews in Year 11\nApprenticeships in the council")
    page.get_by_label("1.1 Run a Year 11 careers guidance review").check()
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_text("Meeting saved")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Education and training, {held:%-d %B %Y}")).to_be_visible()
    expect(page.get_by_text("College transitions lead")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record a decision").click()
    page.get_by_label("The decision").fill("Ring-fence two council apprenticeships for care leavers")
    page.get_by_label("Adds a new action to the plan").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("link", name="Enter a reference for the new action")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reference of the new action").fill("2.1")
    page.get_by_label("The new action", exact=True).fill("Two council apprenticeships ring-fenced for care leavers")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Decision recorded")).to_be_visible()
    page.get_by_role("link", name="Record a decision").click()
    page.get_by_label("The decision").fill("Hold the guidance interviews in the spring term")
    page.get_by_label("Updates an item of the plan").check()
    page.get_by_label("The item it updates").select_option(label="1.1 Run a Year 11 careers guidance review")
    page.get_by_role("button", name="Save decision").click()
    decisions = page.get_by_role("table")
    expect(decisions).to_contain_text("Added 2.1")
    expect(decisions).to_contain_text("Updated 1.1")
    assert_accessible(page)

    page.get_by_role("link", name="1.1", exact=True).last.click()
    expect(page.get_by_text("Hold the guidance interviews in the spring term").first).to_be_visible()
    assert_accessible(page)
    page.goto(base + f"/plans/{tenant.plan.pk}/")
    meetings = page.get_by_role("table").filter(has_text="Education and training")
    expect(meetings).to_contain_text(f"{held:%-d %B %Y}")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download DOCX of the plan as it stands today").click()
    word = Document(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(" | ".join(c.text for c in row.cells) for t in word.tables for row in t.rows)
    assert "New action 2.1: Ring-fence two council apprenticeships for care leavers" in text
    assert "Update to 1.1: Hold the guidance interviews in the spring term" in text

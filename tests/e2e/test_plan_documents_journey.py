"""A manager imports a plan from a spreadsheet (first with mistakes), then downloads its committee documents."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from onward.plans import interchange
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _csv(rows: list[dict[str, str]]) -> bytes:
    lines = [",".join(interchange.header())]
    lines += [",".join(row.get(column.name, "") for column in interchange.COLUMNS) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def test_manager_fixes_a_spreadsheet_imports_the_plan_and_downloads_its_documents(
    live_server, browser: Browser
) -> None:
    """Every problem is listed by row and column and nothing is saved; the corrected file makes the plan."""
    tenant = make_tenant("Bramhall")
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
    sign_in_with_two_factor(page, base, tenant.users["performance_officer"].email)
    page.get_by_role("link", name="Plans").first.click()
    page.get_by_role("link", name="Import a plan from a spreadsheet").click()
    expect(page.get_by_role("heading", name="Import a plan from a spreadsheet")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Title of the plan").fill("Routes into work")
    page.get_by_label("Action plan", exact=True).check()
    page.get_by_label("Committee, board or panel the plan answers to").fill("Corporate Parenting Board")
    page.get_by_label("RAG (red, amber, green)").check()
    rows = [
        {
            "Section reference": "1",
            "Section title": "Post-16",
            "Item reference": "1.1",
            "Item text": "Mentors",
            "Status": "open",
            "Target dates": "next March",
        },
        {
            "Section reference": "1",
            "Section title": "Post-16",
            "Item reference": "1.2",
            "Item text": "Work tasters",
            "Status": "open",
            "Rating": "Blue",
        },
    ]
    page.get_by_label("Spreadsheet (XLSX or CSV)").set_input_files(
        files=[{"name": "plan.csv", "mimeType": "text/csv", "buffer": _csv(rows)}]
    )
    page.get_by_role("button", name="Import the plan").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Row 2, Target dates: enter a date in the format 31/03/2027")).to_be_visible()
    expect(
        page.get_by_role("link", name="Row 3, Rating: enter one of G (Green), A (Amber), R (Red), or leave it blank")
    ).to_be_visible()
    assert_accessible(page)

    rows[0]["Target dates"] = "31/03/2027"
    rows[1]["Rating"] = "A"
    page.get_by_label("Spreadsheet (XLSX or CSV)").set_input_files(
        files=[{"name": "plan.csv", "mimeType": "text/csv", "buffer": _csv(rows)}]
    )
    page.get_by_role("button", name="Import the plan").click()
    expect(page.get_by_text("Plan created with 2 items from the spreadsheet")).to_be_visible()
    expect(page.get_by_role("heading", name="Routes into work", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as docx:
        page.get_by_role("link", name="Download DOCX of the plan as it stands today").click()
    assert docx.value.suggested_filename.endswith(".docx")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download PDF of the plan as it stands today").click()
    assert pdf.value.suggested_filename.endswith(".pdf")

"""A performance officer sets a stepped target, loads neighbours' figures, and opens the quarterly report."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_opportunity_journey import fill_date
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SN_CSV = b"year,la_code,la_name,comparator,indicator,value\n2025,E1,Northwick,statistical neighbours,he_19_21,7\n"


def test_set_a_target_load_benchmarks_and_open_the_quarterly_report(live_server, browser: Browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tenant = make_tenant("Alderley")
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_with_two_factor(page, base, tenant.users["performance_officer"].email)

    page.get_by_role("link", name="Targets").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Set a target").click()
    page.get_by_label("Indicator").select_option(label="Care leavers aged 19 to 21 in higher education")
    page.get_by_role("button", name="Save target").click()
    expect(page.get_by_role("heading", name="Care leavers aged 19 to 21 in higher education")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Add step").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    fill_date(page, "By when", datetime.date(2026, 4, 1))
    page.get_by_label("Relative to the national figure").check()
    page.get_by_label("Figure, or points above the benchmark").fill("2")
    page.get_by_role("button", name="Add step").click()
    expect(page.get_by_role("cell", name="National figure plus 2 points by 1 April 2026", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="All targets").click()
    page.get_by_role("link", name="Load benchmark figures").click()
    assert_accessible(page)
    upload = tmp_path / "neighbours.csv"
    upload.write_bytes(SN_CSV)
    page.get_by_label("Benchmark file (CSV)").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Check the figures before saving")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save these figures").click()
    expect(page.get_by_role("heading", name="Benchmark figures in use")).to_be_visible()

    page.goto(base + "/performance/quarterly/")
    expect(page.get_by_role("heading", name="Care leavers quarterly report")).to_be_visible()
    expect(page.get_by_role("link", name="Download the report (PDF)")).to_be_visible()
    assert_accessible(page)

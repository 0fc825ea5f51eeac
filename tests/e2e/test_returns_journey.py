"""A performance officer imports SSDA903 files, saves them, and checks the return, in the browser."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from onward.core import tasks as leases
from onward.people.models import YoungPerson
from onward.returns.models import ImportRun
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor
from tests.returns.test_ssda903 import HEADER, OC3, YEAR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_imports_a_return_and_checks_it(live_server, page: Page, tmp_path) -> None:
    tenant = make_tenant("Alderley")
    officer = tenant.users["performance_officer"]
    base = live_server.url
    sign_in_with_two_factor(page, base, officer.email)
    page.get_by_role("link", name="Statutory returns").first.click()
    assert_accessible(page)

    bad = tmp_path / "header.csv"
    bad.write_text(HEADER + "E1,Q,01/10/2005,WBRI,,,\n")
    page.get_by_role("link", name="Import SSDA903 files").click()
    page.get_by_label("Collection year").select_option(str(YEAR))
    page.get_by_label("SSDA903 CSV files").set_input_files(str(bad))
    page.get_by_role("button", name="Check the files").click()
    expect(page.get_by_role("heading", name="The files have problems")).to_be_visible()
    expect(page.get_by_text("Q is not a valid code")).to_be_visible()
    assert_accessible(page)

    good_header = tmp_path / "good" / "header.csv"
    good_header.parent.mkdir()
    good_header.write_text(HEADER + "E1,F,01/10/2005,WBRI,,,\n")
    oc3 = tmp_path / "good" / "oc3.csv"
    oc3.write_text(OC3 + "E1,01/10/2005,YES,F4,U1\n")
    page.goto(base + reverse("returns:import-upload"))
    page.get_by_label("Collection year").select_option(str(YEAR))
    page.get_by_label("SSDA903 CSV files").set_input_files([str(good_header), str(oc3)])
    page.get_by_role("button", name="Check the files").click()
    expect(page.get_by_role("heading", name="Check what the import will change")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save the import").click()
    expect(page.get_by_role("heading", name="Import saved")).to_be_visible()
    assert YoungPerson.objects.filter(council=tenant.council, child_id="E1").exists()

    page.goto(base + reverse("returns:overview") + f"?year={YEAR}")
    assert_accessible(page)
    page.get_by_role("link", name="Check it with the Department's rules").click()
    assert_accessible(page)
    page.get_by_role("button", name="Run the check").click()  # a background task (run at once in tests)
    # The imported care leaver has no episodes of care, so the cross-year rule 1002 flags them.
    expect(page.get_by_text("The Department's rules found 1 error in 1 care leavers' rows.")).to_be_visible()
    expect(page.locator("#errors").get_by_role("cell", name="1002", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Run the check again")).to_be_visible()
    assert_accessible(page)


def test_a_failed_background_import_offers_the_next_steps_and_shows_on_the_administrators_page(
    live_server, page: Page
) -> None:
    """A background import whose workers kept stopping: its page says why and offers check again or
    discard; the council administrator's Background work page lists it. Both pass axe."""
    tenant = make_tenant("Alderley")
    run = ImportRun.objects.create(
        council=tenant.council,
        kind=ImportRun.Kind.SSDA903,
        year=YEAR,
        status=ImportRun.Status.FAILED,
        created_by=tenant.users["performance_officer"],
        file_names=["header.csv"],
        files={"header.csv": HEADER + "E7,F,01/10/2005,WBRI,,,\n"},
        failure=leases.abandoned_reason(3),
        task_id="4b8a3c5e-0000-4000-8000-000000000001",
    )
    sign_in_with_two_factor(page, live_server.url, tenant.users["administrator"].email)
    page.get_by_role("link", name="Background work").first.click()
    expect(page.get_by_text("stopped before finishing, 3 times in a row")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in_with_two_factor(page, live_server.url, tenant.users["performance_officer"].email)
    page.goto(live_server.url + reverse("returns:import-detail", kwargs={"pk": run.pk}))
    expect(page.get_by_role("heading", name="The import could not be completed")).to_be_visible()
    expect(page.get_by_text("stopped before finishing, 3 times in a row")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Check the files again").click()  # checked at once in tests
    expect(page.get_by_role("heading", name="Check what the import will change")).to_be_visible()
    page.get_by_role("button", name="Discard it").click()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DISCARDED


def test_an_officer_sets_up_a_column_mapping(live_server, page: Page) -> None:
    """The mapping pages, with their error messages, pass axe; a saved mapping is listed."""
    tenant = make_tenant("Alderley")
    sign_in_with_two_factor(page, live_server.url, tenant.users["performance_officer"].email)
    page.goto(live_server.url + reverse("returns:mapping-list"))
    assert_accessible(page)
    page.get_by_role("link", name="Add a mapping").click()
    page.get_by_role("button", name="Save mapping").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name of the mapping").fill("Monthly contacts")
    page.get_by_role("radio", name="Contacts").check()
    page.get_by_label("Column with the child identifier").fill("ID")
    page.get_by_label("Column with the date of contact or of the PEP meeting (contacts, PEPs)").fill("Seen on")
    page.get_by_label("Column saying whether in touch (contacts)").fill("In touch")
    page.get_by_role("button", name="Save mapping").click()
    expect(page.get_by_role("link", name="Monthly contacts")).to_be_visible()
    page.goto(live_server.url + reverse("returns:case-upload"))
    assert_accessible(page)

"""A performance officer exchanges lists with a college in the browser, start to finish: the college added
to the register, no list while there is no agreement, the agreement recorded, the college's list
downloaded, and the college's on-roll list imported, previewed with its differences and saved; axe on
every page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from onward.network.models import Setting, SettingSpell
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor
from tests.network.helpers import care_leaver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _date(page: Page, name: str, day: datetime.date) -> None:
    page.locator(f'input[name="{name}_0"]').fill(str(day.day))
    page.locator(f'input[name="{name}_1"]').fill(str(day.month))
    page.locator(f'input[name="{name}_2"]').fill(str(day.year))


def test_an_officer_exchanges_lists_with_a_college(live_server, page: Page, tmp_path) -> None:
    tenant = make_tenant("Alderley")
    today = timezone.localdate()
    recorded = care_leaver(tenant.council, age=17, legal_given_name="Rhiannon", legal_family_name="Castellane")
    left = care_leaver(tenant.council, age=17, legal_given_name="Tobias", legal_family_name="Wrenfield")
    unrecorded = care_leaver(tenant.council, age=17, legal_given_name="Imani", legal_family_name="Okonjo")
    base = live_server.url
    sign_in_with_two_factor(page, base, tenant.users["performance_officer"].email)

    page.get_by_role("link", name="Schools and colleges").first.click()
    expect(page.get_by_role("heading", name="Schools, colleges and other settings")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add a setting").click()
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Wexbridge College")
    page.get_by_label("College", exact=True).check()
    page.get_by_label("UKPRN (optional)").fill("2001")
    page.get_by_role("button", name="Save the setting").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("UKPRN (optional)").fill("10007315")
    page.get_by_role("button", name="Save the setting").click()
    expect(page.get_by_role("heading", name="Wexbridge College")).to_be_visible()
    assert_accessible(page)

    college = Setting.objects.get(council=tenant.council, ukprn="10007315")
    for person in (recorded, left):
        SettingSpell.objects.create(person=person, setting=college, start=today - datetime.timedelta(days=90))

    # No agreement yet: the page says so and no list can be downloaded.
    page.get_by_role("link", name="Send the setting its list").click()
    expect(page.get_by_text("no list can be sent until one is recorded")).to_be_visible()
    assert_accessible(page)
    page.goto(base + reverse("network:setting-send", args=[college.pk]) + "?download=csv")
    expect(page.get_by_role("heading", name="The list was not sent")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Sharing agreements").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Record an agreement").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Wexbridge College on-roll lists")
    page.get_by_label("Setting", exact=True).select_option(label="Wexbridge College")
    page.get_by_label("Purpose").fill("To check each term who is on roll")
    for field in ("Name", "Date of birth", "Looked after or care leaver"):
        page.get_by_label(field, exact=True).check()
    _date(page, "start", today - datetime.timedelta(days=7))
    _date(page, "end", today + datetime.timedelta(days=365))
    page.get_by_role("button", name="Save the agreement").click()
    expect(page.get_by_role("heading", name="Wexbridge College on-roll lists")).to_be_visible()
    assert_accessible(page)

    page.goto(base + reverse("network:setting-send", args=[college.pk]))
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the list (CSV)").click()
    sent = tmp_path / "sent.csv"
    download.value.save_as(sent)
    text = sent.read_text(encoding="utf-8-sig")
    assert "Castellane" in text and "Wrenfield" in text and "Okonjo" not in text
    assert recorded.child_id not in text  # the agreement does not allow the child identifier

    # The college sends back its roll: Rhiannon and Imani are on it, Tobias has left.
    returned = tmp_path / "on-roll.csv"
    returned.write_text(
        "UPN,Given name,Family name,Date of birth\n"
        f",Rhiannon,Castellane,{recorded.date_of_birth:%d/%m/%Y}\n"
        f",Imani,Okonjo,{unrecorded.date_of_birth:%d/%m/%Y}\n"
        ",Someone,Else,01/01/2008\n",
        encoding="utf-8",
    )
    page.goto(base + reverse("network:setting-detail", args=[college.pk]))
    page.get_by_role("link", name="Import the setting's on-roll list").click()
    assert_accessible(page)
    _date(page, "on_date", today)
    page.get_by_label("The setting's on-roll list (CSV)").set_input_files(str(returned))
    page.get_by_role("button", name="Check the list").click()
    expect(page.get_by_text("On roll but no setting recorded (1)")).to_be_visible()
    expect(page.get_by_text("Recorded there but not on roll (1)")).to_be_visible()
    expect(page.get_by_role("link", name=left.display_name)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save the list").click()
    expect(page.get_by_text("The list was saved")).to_be_visible()
    assert_accessible(page)
    assert SettingSpell.objects.get(person=unrecorded).setting == college

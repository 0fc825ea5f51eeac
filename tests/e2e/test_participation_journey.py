"""A performance officer follows 16-17 participation in the browser: the cohort, the records to chase, the
September Guarantee, the monthly feed downloaded and the careers service's return matched; axe on every page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from onward.people.models import Aspiration, EETSpell, IntendedDestination
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor
from tests.factories import YoungPersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_follows_participation_and_round_trips_the_feed(live_server, page: Page, tmp_path) -> None:
    tenant = make_tenant("Alderley")
    today = timezone.localdate()
    august = datetime.date(today.year if today.month >= 9 else today.year - 1, 8, 31)
    seventeen = YoungPersonFactory(
        council=tenant.council, date_of_birth=august.replace(year=august.year - 17) - datetime.timedelta(days=30)
    )
    EETSpell.objects.create(
        person=seventeen, activity="neet_seeking", start=today - datetime.timedelta(days=400)
    )  # lapsed
    sixteen = YoungPersonFactory(
        council=tenant.council, date_of_birth=august.replace(year=august.year - 16) - datetime.timedelta(days=60)
    )
    EETSpell.objects.create(person=sixteen, activity="further_education", start=today - datetime.timedelta(days=20))
    IntendedDestination.objects.create(
        person=sixteen,
        date=datetime.date(today.year if today.month >= 6 else today.year - 1, 3, 1),  # in the round's window
        school_year=11,
        destination="further_education",
        september_guarantee="offered",
        offer_provider="Wexbridge College",
    )
    base = live_server.url
    sign_in_with_two_factor(page, base, tenant.users["performance_officer"].email)

    page.get_by_role("link", name="16 to 17 participation").first.click()
    expect(page.get_by_role("heading", name="16 to 17 participation")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="See the records to chase").click()
    expect(page.get_by_role("link", name=seventeen.display_name)).to_be_visible()
    assert_accessible(page)

    page.goto(base + reverse("participation:overview"))
    page.get_by_role("link", name="September Guarantee tracking list").click()
    expect(page.get_by_text("Wexbridge College")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="The report by status and characteristic").click()
    expect(page.get_by_role("table").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="NCCIS feed").first.click()
    assert_accessible(page)
    page.get_by_label("Month").fill("2026-13")
    page.get_by_role("button", name="Download the feed (CSV)").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    month = today.replace(day=1) - datetime.timedelta(days=1)
    page.get_by_label("Month").fill(f"{month:%Y-%m}")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the feed (CSV)").click()
    feed = tmp_path / "feed.csv"
    download.value.save_as(feed)
    assert seventeen.child_id in feed.read_text(encoding="utf-8-sig")

    page.goto(base + reverse("participation:feed"))
    page.get_by_role("link", name="Import a return").click()
    assert_accessible(page)
    page.get_by_label("Month the return is for").fill(f"{month:%Y-%m}")
    page.get_by_label("The careers service's file (CSV)").set_input_files(str(feed))
    page.get_by_role("button", name="Match the return").click()
    expect(page.get_by_text("The return agrees with Onward on every young person.")).to_be_visible()
    assert_accessible(page)

    page.goto(base + reverse("participation:survey"))
    assert_accessible(page)


def test_an_officer_runs_the_aspiration_audit_and_compares_destinations(live_server, page: Page) -> None:
    """The coverage list by school year, the analysis by sector and intended destinations against
    aspirations, each reached from the menu or the page before; axe on every page."""
    tenant = make_tenant("Alderley")
    today = timezone.localdate()
    august = datetime.date(today.year if today.month >= 9 else today.year - 1, 8, 31)
    year9 = YoungPersonFactory(council=tenant.council, date_of_birth=august.replace(year=august.year - 13))
    Aspiration.objects.create(
        person=year9,
        date=today - datetime.timedelta(days=5),
        school_year=9,
        aspiration="Vet nurse",
        sector="animal care",
    )
    year9_none = YoungPersonFactory(
        council=tenant.council, date_of_birth=august.replace(year=august.year - 14) + datetime.timedelta(days=1)
    )
    year11 = YoungPersonFactory(council=tenant.council, date_of_birth=august.replace(year=august.year - 15))
    Aspiration.objects.create(
        person=year11,
        date=today - datetime.timedelta(days=300),
        school_year=10,
        aspiration="Chef",
        sector="hospitality",
    )
    IntendedDestination.objects.create(
        person=year11,
        date=today - datetime.timedelta(days=3),
        school_year=11,
        destination="further_education",
        provider="Wexbridge College",
        september_guarantee="offered",
        sector="retail",
    )
    base = live_server.url
    sign_in_with_two_factor(page, base, tenant.users["performance_officer"].email)

    page.get_by_role("link", name="Aspirations").first.click()
    expect(page.get_by_role("heading", name="Aspirations", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=year9.display_name)).to_be_visible()
    expect(page.get_by_role("link", name=year9_none.display_name)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Aspiration", exact=True).select_option("missing")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name=year9_none.display_name)).to_be_visible()
    expect(page.get_by_role("link", name=year9.display_name)).to_have_count(0)

    page.get_by_role("link", name="Aspirations by sector").click()
    expect(page.get_by_role("rowheader", name="Animal care, land and environment")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Intended destinations against aspirations").click()
    expect(page.get_by_text("Differs from the aspiration").first).to_be_visible()
    assert_accessible(page)

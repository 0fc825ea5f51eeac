"""The directory in Open Referral UK in the browser: council staff find the address; another site reads it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from onward.oruk.services import feed_publish
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_find_the_feed_and_another_site_reads_it(live_server, browser: Browser) -> None:
    tenant = make_tenant("Alderley")
    feed_publish(council=tenant.council, slug="alderley")
    base = live_server.url

    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_with_two_factor(staff, base, tenant.users["triage_coordinator"].email)
    staff.goto(base + "/referrals/directory/")
    staff.get_by_role("link", name="This directory in Open Referral UK").click()
    expect(staff.get_by_role("heading", name="Your directory in Open Referral UK")).to_be_visible()
    expect(staff.get_by_text(f"{base}/oruk/alderley/")).to_be_visible()
    assert_accessible(staff)

    # A page of another site, not signed in, reads the feed: CORS allows it. The other site is the
    # same server by another name (127.0.0.1 for localhost: another origin), and the page is one of
    # its static files, which carry no content security policy of Onward's own to stop the request.
    stylesheet = staff.locator("link[rel=stylesheet]").first.get_attribute("href")
    other = base.replace("localhost", "127.0.0.1") if "localhost" in base else base.replace("127.0.0.1", "localhost")
    visitor = browser.new_context().new_page()
    visitor.goto(f"{other}{stylesheet}")
    answer = visitor.evaluate(
        """async (address) => {
            const response = await fetch(address);
            return {status: response.status, body: await response.json(), etag: response.headers.get("ETag")};
        }""",
        f"{base}/oruk/alderley/services",
    )
    assert answer["status"] == 200
    assert answer["etag"]
    assert [service["name"] for service in answer["body"]["contents"]] == [tenant.service.name]  # type: ignore[union-attr]

"""The trends' markup is kept between views (``performance.views._trends``), and never shows more
than what it was made from: a month taken again, a target changed, another reader's suppression,
or a month end not yet stored each show as a fresh view would."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.cache import caches
from django.urls import reverse

from onward.performance import selectors, services
from onward.performance.forms import query
from onward.performance.models import IndicatorSnapshot, Method
from onward.performance.views import TREND_CACHE
from tests.conftest import Tenant
from tests.performance import cohorts
from tests.performance.cohorts import DAY

pytestmark = pytest.mark.django_db


def _trends(response: Any) -> str:
    """The trends on a page, each chart's nonce taken out."""
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index(" over 12 months</h2>")
    part = page[start : page.index('<h2 class="govuk-heading-m"', start)]
    return re.sub(r'nonce="[^"]*"', 'nonce=""', part)


def _fresh(client: Any, url: str) -> str:
    """The trends as a first view makes them, with nothing kept."""
    caches[TREND_CACHE].clear()
    return _trends(client.get(url))


def _dashboard_url(day: datetime.date = DAY) -> str:
    return reverse("performance:dashboard") + "?" + query(day, Method.SNAPSHOT)


def test_a_second_view_reads_the_trends_kept_and_shows_the_same(tenant: Tenant, signed_in: Any) -> None:
    """The second view makes no trend from the figures (``selectors.trend`` is not called) and shows the
    same trends; each page's charts still carry that page's own nonce, the one its policy allows."""
    services.snapshot_months(councils=[tenant.council], upto=DAY, months=12)
    client = signed_in(tenant.users["performance_officer"])
    first = client.get(_dashboard_url())
    with mock.patch.object(selectors, "trend", side_effect=AssertionError("the trends were made again")):
        second = client.get(_dashboard_url())
    assert _trends(second) == _trends(first)
    assert "Care leavers aged 19 to 21: month ends" in _trends(second)
    for response in (first, second):
        nonces = set(re.findall(r'<style type="text/css" nonce="([^"]+)"', response.content.decode()))
        assert len(nonces) == 1
        assert f"'nonce-{nonces.pop()}'" in response["Content-Security-Policy"]
    first_nonce = re.search(r'nonce="([^"]+)"', first.content.decode())
    assert first_nonce and first_nonce.group(1) not in second.content.decode()


def test_a_month_taken_again_shows_its_new_figures_at_once(tenant: Tenant, signed_in: Any) -> None:
    """With the clock stopped, so the rows taken again are written at the very same time, the trend
    still shows the month's new figures: a month end's rows are counted by their ids too."""
    with time_machine.travel(datetime.datetime(2025, 7, 15, 9, tzinfo=datetime.UTC), tick=False):
        services.snapshot_months(councils=[tenant.council], upto=DAY, months=12)
        client = signed_in(tenant.users["performance_officer"])
        before = _trends(client.get(_dashboard_url()))
        cohorts.build(tenant.council, tenant.team)  # the same young people again: every figure doubles
        services.snapshot_take(councils=[tenant.council], month_end=DAY, methods=[Method.SNAPSHOT])
        after = _trends(client.get(_dashboard_url()))
        fresh = _fresh(client, _dashboard_url())
    assert after != before
    assert after == fresh
    figure = IndicatorSnapshot.objects.get(
        council=tenant.council, method=Method.SNAPSHOT, month_end=DAY, indicator="neet_cohort_size", breakdown=""
    )
    assert f">{figure.numerator}<" in after.split("Care leavers aged 16 to 25")[-1]


def test_a_target_set_or_changed_shows_in_the_trend_at_once(tenant: Tenant, signed_in: Any) -> None:
    """The target line is part of what the trends are kept by: a new target, and a new step, show."""
    services.snapshot_months(councils=[tenant.council], upto=DAY, months=12)
    officer = tenant.users["performance_officer"]
    client = signed_in(officer)
    url = reverse("performance:indicator", args=["eet_19_21"]) + "?" + query(DAY, Method.SNAPSHOT)
    without = _trends(client.get(url))
    assert "Target" not in without
    target = services.target_save(
        acting_user=officer, council=tenant.council, target=None, indicator="eet_19_21", tolerance=None
    )
    services.target_step_add(
        acting_user=officer,
        target=target,
        by_date=datetime.date(2024, 4, 1),
        kind="absolute",
        value=Decimal(61),
        version=1,
    )
    with_target = _trends(client.get(url))
    assert ">61%<" in with_target
    target.refresh_from_db()
    services.target_step_add(
        acting_user=officer,
        target=target,
        by_date=datetime.date(2025, 4, 1),
        kind="absolute",
        value=Decimal(64),
        version=target.version,
    )
    stepped = _trends(client.get(url))
    assert ">64%<" in stepped
    assert stepped == _fresh(client, url)


def test_readers_of_aggregates_never_see_the_exact_trends_kept_for_others(
    tenant: Tenant,
    signed_in: Any,
) -> None:
    """A councillor's trends, after an officer's view kept the exact ones, are rounded and suppressed."""
    services.snapshot_months(councils=[tenant.council], upto=DAY, months=12)
    exact = _trends(signed_in(tenant.users["performance_officer"]).get(_dashboard_url()))
    councillor = signed_in(tenant.users["councillor"])
    shown = _trends(councillor.get(_dashboard_url()))
    assert shown != exact
    assert shown == _fresh(councillor, _dashboard_url())
    assert "/performance/people/" not in shown  # no links to the young people behind a number


def test_a_month_end_not_yet_stored_is_counted_afresh_on_every_view(
    tenant: Tenant,
    signed_in: Any,
) -> None:
    """On a month end itself, today's figures are live: a young person added shows on the next view."""
    with time_machine.travel(datetime.datetime(2025, 6, 30, 15, tzinfo=datetime.UTC), tick=False):
        client = signed_in(tenant.users["performance_officer"])
        before = _trends(client.get(_dashboard_url(DAY)))
        cohorts.build(tenant.council, tenant.team)
        after = _trends(client.get(_dashboard_url(DAY)))
        fresh = _fresh(client, _dashboard_url(DAY))
    assert after != before
    assert after == fresh

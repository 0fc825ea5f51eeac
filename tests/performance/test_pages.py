"""The dashboard, an indicator's page and the drill-down, through the pages people use."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onward.audit.models import AuditEvent
from onward.people import selectors as people_selectors
from onward.performance import display, indicators, services
from onward.performance.forms import query
from onward.performance.indicators import Figure
from onward.performance.models import Method
from tests.conftest import Tenant
from tests.performance import cohorts
from tests.performance.cohorts import DAY

pytestmark = pytest.mark.django_db

PEOPLE_LINK = re.compile(r'href="(/performance/people/\?[^"]+)"')


def dashboard(client: Any, method: str = Method.SNAPSHOT, **extra: str) -> Any:
    return client.get(reverse("performance:dashboard") + "?" + query(DAY, method, **extra))


@pytest.mark.parametrize("method", [Method.SNAPSHOT, Method.RETURN])
def test_every_number_links_to_exactly_the_young_people_it_counts(tenant: Tenant, signed_in: Any, method: str) -> None:
    """Each headline figure's link lists as many young people as the figure counts, and the list is audited."""
    client = signed_in(tenant.users["performance_officer"])
    response = dashboard(client, method)
    assert response.status_code == 200
    page = response.content.decode()
    headline = page[page.index('id="headline"') : page.index("Trends over 12 months")]
    links = [link.replace("&amp;", "&") for link in PEOPLE_LINK.findall(headline)]
    assert len(links) >= 8
    before = AuditEvent.objects.filter(action=AuditEvent.Action.LIST).count()
    for link in links:
        code = re.search(r"indicator=([a-z0-9_]+)", link).group(1)  # type: ignore[union-attr]
        listed = client.get(link)
        assert listed.status_code == 200
        expected = _expected(method)[code][0]
        assert listed.context["total"] == expected, code
        assert len(listed.context["rows"]) == expected, code
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LIST).count() == before + len(links)


def _expected(method: str) -> dict[str, tuple[int, int | None]]:
    from tests.performance.test_indicators import LIVE, RETURN

    return LIVE if method == Method.SNAPSHOT else RETURN


def test_a_breakdown_cell_links_to_the_young_people_in_that_group(tenant: Tenant, signed_in: Any) -> None:
    """By sex: the female young people in EET aged 19 to 21 are A and C."""
    client = signed_in(tenant.users["performance_officer"])
    url = reverse("performance:people") + "?" + query(DAY, Method.SNAPSHOT, indicator="eet_19_21", by="sex", value="F")
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["total"] == 2
    assert {row["person"].legal_family_name for row in response.context["rows"]} == {
        tenant.council.young_people.get(pk=pk).legal_family_name
        for pk in response.context["page"].object_list.values_list("pk", flat=True)
    }
    denominator = client.get(url.replace("indicator=", "part=denominator&indicator="))
    assert denominator.context["total"] == 3


def test_councillors_see_rounded_and_suppressed_figures_and_no_links(tenant: Tenant, signed_in: Any) -> None:
    """Small numbers are c, counts rounded to 10, percentages whole; no number links to young people."""
    client = signed_in(tenant.users["councillor"])
    response = dashboard(client)
    page = response.content.decode()
    assert response.status_code == 200
    assert "/performance/people/" not in page
    headline = page[page.index('id="headline"') : page.index("Trends over 12 months")]
    assert "33.3%" not in headline  # EET 19 to 21: 2 of 6, suppressed
    assert re.search(r">c<br><span class=\"govuk-body-s\">c of 10</span>", headline)
    assert client.get(reverse("performance:people") + "?indicator=eet_19_21").status_code == 403


def test_a_team_manager_is_told_when_some_young_people_behind_a_number_are_not_theirs(
    world: dict[str, Tenant], signed_in: Any
) -> None:
    """The figure counts the council; the list shows only the young people the manager may see."""
    tenant = world["A"]
    cohorts.age_out_the_worlds_young_person(tenant)
    cohorts.build(tenant.council, None)  # no team: outside the manager's teams
    client = signed_in(tenant.users["team_manager"])
    response = client.get(reverse("performance:people") + "?" + query(DAY, Method.SNAPSHOT, indicator="eet_19_21"))
    assert response.status_code == 200
    assert response.context["total"] == 2
    assert response.context["page"].paginator.count == 0
    assert "outside the teams and caseloads you can see" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        "indicator=no_such_thing",
        "indicator=pep_completed&method=return",
        "indicator=eet_19_21&part=everyone",
        "indicator=eet_19_21&by=shoe_size&value=9",
        "indicator=eet_19_21&by=age&value=nineteen",
        "indicator=eet_19_21&by=sex&value=%27%3B+drop",
    ],
)
def test_a_drill_down_that_cannot_exist_is_not_found(tenant: Tenant, signed_in: Any, params: str) -> None:
    client = signed_in(tenant.users["performance_officer"])
    assert client.get(reverse("performance:people") + "?" + params).status_code == 404


def test_a_date_that_is_not_real_gets_a_clear_message_and_todays_figures(tenant: Tenant, signed_in: Any) -> None:
    client = signed_in(tenant.users["performance_officer"])
    response = client.get(reverse("performance:dashboard") + "?date_0=31&date_1=2&date_2=2025&method=snapshot")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Date must be a real date" in page
    assert 'value="31"' in page  # what was typed is kept


def test_the_dashboard_shows_the_date_method_and_breakdown_it_counts_by(tenant: Tenant, signed_in: Any) -> None:
    """Opened without a choice, the form holds today's date, the live snapshot and team, as the figures do."""
    client = signed_in(tenant.users["performance_officer"])
    today = people_selectors.today()
    page = client.get(reverse("performance:dashboard")).content.decode()
    for name, value in (("date_0", today.day), ("date_1", today.month), ("date_2", today.year)):
        assert re.search(rf'name="{name}"[^>]*value="{value}"', page), name
    assert re.search(r'<option value="snapshot" selected>', page)
    assert re.search(r'<option value="team" selected>', page)


def test_charts_are_accessible_svg_without_script_and_with_the_nonce(tenant: Tenant, signed_in: Any) -> None:
    client = signed_in(tenant.users["performance_officer"])
    response = client.get(
        reverse("performance:indicator", args=["eet_19_21"]) + "?" + query(DAY, Method.SNAPSHOT, by="age")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('role="img"') == 2
    assert "<script" not in page[page.index("<svg") : page.rindex("</svg>")]
    nonce = re.search(r'<style type="text/css" nonce="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert nonce in response["Content-Security-Policy"]
    assert "Care leavers aged 19 to 21 in education, employment or training by age on 30 June 2025" in page


def test_the_dashboard_runs_a_fixed_number_of_queries(tenant: Tenant, signed_in: Any) -> None:
    """With the 12 months stored, the dashboard's queries do not grow with the number of young people."""
    services.snapshot_months(councils=[tenant.council], upto=DAY, months=12)
    client = signed_in(tenant.users["performance_officer"])
    dashboard(client)  # warm the session and caches
    with CaptureQueriesContext(connection) as first:
        assert dashboard(client).status_code == 200
    cohorts.build(tenant.council, tenant.team)
    with CaptureQueriesContext(connection) as second:
        assert dashboard(client).status_code == 200
    assert len(first) == len(second) <= 14


def test_the_indicator_page_shows_the_breakdown_table_beside_its_chart(tenant: Tenant, signed_in: Any) -> None:
    client = signed_in(tenant.users["team_manager"])
    response = client.get(
        reverse("performance:indicator", args=["neet_19_21"]) + "?" + query(DAY, Method.SNAPSHOT, by="uasc")
    )
    rows = {row["label"]: row["cell"].text for row in response.context["rows"]}
    assert rows == {"No": "40.0%", "Yes": "100.0%"}


def test_an_unknown_indicator_page_is_not_found(tenant: Tenant, signed_in: Any) -> None:
    client = signed_in(tenant.users["performance_officer"])
    assert client.get(reverse("performance:indicator", args=["no_such_thing"])).status_code == 404


@pytest.mark.parametrize(
    ("numerator", "denominator", "value", "counts"),
    [
        (0, 0, "No one to count", ("0", "0")),
        (0, 40, "0%", ("0", "40")),
        (3, 40, "c", ("c", "40")),
        (5, 5, "c", ("c", "c")),
        (6, 8, "75%", ("10", "10")),
        (14, 26, "54%", ("10", "30")),
        (15, 26, "58%", ("20", "30")),
        (7, 2000, "k", ("10", "2,000")),
        (1234, 2468, "50%", ("1,230", "2,470")),
    ],
)
def test_aggregate_figures_are_suppressed_and_rounded_as_the_national_statistics(
    numerator: int, denominator: int, value: str, counts: tuple[str, str]
) -> None:
    shown = display.show(Figure("eet_19_21", Method.SNAPSHOT, DAY, numerator, denominator), aggregate=True)
    assert (shown.value, shown.numerator, shown.denominator) == (value, *counts)


def test_exact_figures_for_those_who_may_see_the_young_people() -> None:
    shown = display.show(Figure("eet_19_21", Method.SNAPSHOT, DAY, 3, 40), aggregate=False)
    assert (shown.value, shown.numerator, shown.denominator) == ("7.5%", "3", "40")
    assert indicators.percentage(1, 3) == Decimal("33.3")
    count = display.show(Figure("neet_cohort_size", Method.SNAPSHOT, DAY, 4, None, "count"), aggregate=True)
    assert (count.value, count.denominator) == ("c", "")


def test_another_councils_officer_sees_only_their_own_councils_figures(
    tenant: Tenant, world: dict[str, Tenant], signed_in: Any
) -> None:
    """Council B's dashboard and drill-down count none of council A's young people."""
    client = signed_in(world["B"].users["performance_officer"])
    response = dashboard(client)
    figures = {row.indicator.code: row.cell for row in response.context["headline"]}
    assert figures["eet_19_21"].detail == "0 of 1"  # council B's own young person only
    listed = client.get(reverse("performance:people") + "?" + query(DAY, Method.SNAPSHOT, indicator="eet_19_21"))
    assert listed.context["total"] == 0


def test_a_chart_drawn_once_still_carries_each_pages_own_nonce() -> None:
    """Charts are cached by their data; the nonce is added per page, never shared."""
    from onward.performance import charts

    first = charts.line(label="Trend", x_labels=["Jan"], series={"EET": [50.0]}, unit="percent", nonce="first-nonce")
    second = charts.line(label="Trend", x_labels=["Jan"], series={"EET": [50.0]}, unit="percent", nonce="second-nonce")
    assert 'nonce="first-nonce"' in first and "second-nonce" not in first
    assert 'nonce="second-nonce"' in second and "first-nonce" not in second

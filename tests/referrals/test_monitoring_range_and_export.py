"""Referral monitoring over a date range, broken down by outcome, and downloaded as CSV or XLSX."""

from __future__ import annotations

import csv
import datetime
import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from onward.audit.models import AuditEvent
from onward.referrals.models import Referral, Send
from tests.factories import YoungPersonFactory

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def _referral(tenant, *, days_ago: int, status: str, send_status: str | None = None) -> Referral:  # type: ignore[no-untyped-def]
    person = YoungPersonFactory(council=tenant.council, team=tenant.team)
    referral = Referral.objects.create(
        council=tenant.council,
        person=person,
        made_by=tenant.users["personal_adviser"],
        needs=["cv"],
        status=status,
        triage_due=TODAY(),
    )
    when = timezone.now() - days_ago * DAY
    Referral.objects.filter(pk=referral.pk).update(created_at=when)
    if send_status:
        send = Send.objects.create(
            referral=referral, service=tenant.service, sent_by=tenant.users["triage_coordinator"], status=send_status
        )
        Send.objects.filter(pk=send.pk).update(created_at=when)
    return referral


def _range(start: datetime.date, end: datetime.date) -> dict[str, str]:
    return {
        "start_0": str(start.day),
        "start_1": str(start.month),
        "start_2": str(start.year),
        "end_0": str(end.day),
        "end_1": str(end.month),
        "end_2": str(end.year),
    }


def _world_of_outcomes(a) -> None:  # type: ignore[no-untyped-def]
    """The tenant's own referral (today, sent), plus: started 10 days ago, declined by the provider 40
    days ago, declined at triage 12 days ago, waiting for triage 3 days ago."""
    _referral(a, days_ago=10, status=Referral.Status.REFERRED, send_status=Send.Status.STARTED)
    _referral(a, days_ago=40, status=Referral.Status.REFERRED, send_status=Send.Status.DECLINED)
    _referral(a, days_ago=12, status=Referral.Status.DECLINED)
    _referral(a, days_ago=3, status=Referral.Status.AWAITING_TRIAGE)


def test_monitoring_breaks_referrals_down_by_outcome(world, signed_in) -> None:
    """Each referral counts once at triage, and each referral sent once by what became of it."""
    a = world["A"]
    _world_of_outcomes(a)
    response = signed_in(a.users["triage_coordinator"]).get(reverse("referrals:monitoring"))
    outcomes = dict(response.context["outcomes"])
    assert outcomes["Sent, waiting for the provider"] == "1"
    assert outcomes["Started"] == "1"
    assert outcomes["Declined by the provider"] == "1"
    triage = dict(response.context["at_triage"])
    assert triage["Declined at triage"] == "1"
    assert triage["Awaiting triage"] == "1"
    assert triage["Referred to services"] == "3"
    assert "By outcome" in response.content.decode()


def test_a_date_range_counts_only_the_referrals_made_in_it(world, signed_in) -> None:
    """From 30 days ago to 5 days ago: the start and the triage decline, not today's, the 40-day-old or the 3-day-old."""
    a = world["A"]
    _world_of_outcomes(a)
    client = signed_in(a.users["triage_coordinator"])
    response = client.get(reverse("referrals:monitoring"), _range(TODAY() - 30 * DAY, TODAY() - 5 * DAY))
    assert response.status_code == 200
    outcomes = dict(response.context["outcomes"])
    assert outcomes["Started"] == "1"
    assert outcomes.get("Declined by the provider", "0") == "0"
    assert outcomes.get("Sent, waiting for the provider", "0") == "0"
    triage = dict(response.context["at_triage"])
    assert triage == {"Referred to services": "1", "Declined at triage": "1"}
    (row,) = [r for r in response.context["rows"] if r.service == a.service]
    assert row.referred == "1"
    start, end = TODAY() - 30 * DAY, TODAY() - 5 * DAY
    assert f"Referrals made from {start.day} {start:%B %Y} to {end.day} {end:%B %Y}" in response.content.decode()


def test_a_range_that_ends_before_it_starts_is_refused_with_a_message(world, signed_in) -> None:
    """A GOV.UK error summary; the figures shown are for every referral."""
    a = world["A"]
    _world_of_outcomes(a)
    client = signed_in(a.users["triage_coordinator"])
    response = client.get(reverse("referrals:monitoring"), _range(TODAY() - 5 * DAY, TODAY() - 30 * DAY))
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert "The end date must be the same as or after the start date" in text
    assert dict(response.context["at_triage"])["Referred to services"] == "3"


def test_monitoring_downloads_as_csv_and_xlsx_with_the_range_and_is_audited(world, signed_in) -> None:
    """The download holds the page's tables for the range; numbers stay numbers in the workbook."""
    a = world["A"]
    _world_of_outcomes(a)
    user = a.users["triage_coordinator"]
    client = signed_in(user)
    query = _range(TODAY() - 30 * DAY, TODAY() - 5 * DAY)
    response = client.get(reverse("referrals:monitoring-export", args=["csv"]), query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    period = [f"{TODAY() - 30 * DAY:%d/%m/%Y}", f"{TODAY() - 5 * DAY:%d/%m/%Y}"]
    assert rows[0] == ["From", "To", "Table", "Row", "Measure", "Value"]
    assert [*period, "By outcome", "Started", "Referrals sent", "1"] in rows
    assert [*period, "At triage", "Declined at triage", "Referrals", "1"] in rows
    assert [*period, "By service", f"{a.service.name}, {a.service.provider.name}", "Referred", "1"] in rows
    response = client.get(reverse("referrals:monitoring-export", args=["xlsx"]), query)
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    outcomes = {row[0]: row[1] for row in book["By outcome"].iter_rows(min_row=2, values_only=True)}
    assert outcomes["Started"] == 1
    assert (
        AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.EXPORT, summary__contains="monitoring").count()
        == 2
    )


def test_a_councillors_download_is_rounded_like_the_page(world, signed_in) -> None:
    """Small counts are suppressed in the file as on the page."""
    a = world["A"]
    _world_of_outcomes(a)
    response = signed_in(a.users["councillor"]).get(reverse("referrals:monitoring-export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["", "", "By outcome", "Started", "Referrals sent", "c"] in rows

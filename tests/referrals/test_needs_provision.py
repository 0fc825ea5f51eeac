"""Needs against provision (Leeds quality mark objective 9; Cambridgeshire 4.1, 4.3): what referrals asked
for against the directory's places and waits, by need and by area, with gaps flagged."""

from __future__ import annotations

import csv
import datetime
import io
import random

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.referrals.models import NEEDS, Referral, Send, Service
from tests.factories import YoungPersonFactory

TODAY = timezone.localdate


def _service(tenant, name: str, needs: list[str], area: str, capacity: int | None, wait: int | None) -> Service:  # type: ignore[no-untyped-def]
    return Service.objects.create(
        provider=tenant.partner,
        name=name,
        kind=Service.Kind.EMPLOYABILITY,
        area=area,
        needs_met=needs,
        capacity=capacity,
        typical_wait_days=wait,
        active_from=TODAY() - datetime.timedelta(days=400),
    )


def _refer(tenant, needs: list[str], service: Service | None = None, *, started_after: int | None = None) -> Referral:  # type: ignore[no-untyped-def]
    person = YoungPersonFactory(council=tenant.council)
    referral = Referral.objects.create(
        council=tenant.council, person=person, made_by=tenant.users["personal_adviser"], needs=needs, triage_due=TODAY()
    )
    if service is not None:
        send = Send.objects.create(
            referral=referral,
            service=service,
            sent_by=tenant.users["triage_coordinator"],
            status=Send.Status.STARTED if started_after is not None else Send.Status.SENT,
        )
        if started_after is not None:
            sent = timezone.localdate(send.created_at)
            Send.objects.filter(pk=send.pk).update(started_on=sent + datetime.timedelta(days=started_after))
    return referral


@override_settings(ONWARD_PROVISION_WAIT_DAYS=20)
def test_gaps_are_flagged_for_no_service_long_waits_and_more_waiting_than_places(world, signed_in) -> None:
    """Risk-taking has referrals and no service; job search's only service waits 30 days; CV support has one
    place and two waiting; an apprenticeship course took 25 days on average from sending to starting."""
    a = world["A"]
    Service.objects.filter(pk=a.service.pk).update(active_to=TODAY() - datetime.timedelta(days=1))
    jobs = _service(a, "Job club", ["job_search"], "North", 10, 30)
    cv = _service(a, "CV clinic", ["cv"], "South", 1, 5)
    appr = _service(a, "Apprenticeship prep", ["apprenticeship"], "North", 10, 7)
    _refer(a, ["risk_taking"])
    _refer(a, ["job_search"], jobs)
    _refer(a, ["cv"], cv)
    _refer(a, ["cv"], cv)
    _refer(a, ["apprenticeship"], appr, started_after=20)
    _refer(a, ["apprenticeship"], appr, started_after=30)
    response = signed_in(a.users["triage_coordinator"]).get(reverse("referrals:needs-provision"))
    assert response.status_code == 200
    gaps = {s.row.need: s.row.gaps for s in response.context["by_need"]}
    assert gaps["risk_taking"] == ("No service meets this need",)
    assert gaps["job_search"] == ("Shortest typical wait over 20 days",)
    assert gaps["cv"] == ("More waiting than places",)
    assert gaps["apprenticeship"] == ("Young people waited over 20 days on average",)
    assert gaps["wellbeing"] == ()  # no referral asked for it: not a gap
    areas = {(s.row.area, s.row.need): s for s in response.context["by_area"]}
    assert set(areas) == {("North", "job_search"), ("South", "cv"), ("North", "apprenticeship")}
    assert (areas[("South", "cv")].row.waiting, areas[("South", "cv")].row.places) == (2, 1)
    assert areas[("North", "apprenticeship")].row.measured_wait == 25.0
    assert "4 needs with a gap in provision" in response.content.decode()


def test_figures_equal_a_count_by_hand(world, signed_in) -> None:
    """For random referrals and services, each need's referrals, waiting, services and places equal a count by hand."""
    a = world["A"]
    rng = random.Random(4)
    codes = [code for code, _label in NEEDS]
    services = [
        _service(a, f"Service {n}", rng.sample(codes, 2), rng.choice(["North", "South"]), rng.choice([None, 3, 8]), 10)
        for n in range(6)
    ]
    for _ in range(25):
        needs = rng.sample(codes, rng.randint(1, 3))
        _refer(a, needs, rng.choice([None, *services]), started_after=rng.choice([None, 5, 12]))
    response = signed_in(a.users["triage_coordinator"]).get(reverse("referrals:needs-provision"))
    active = [s for s in Service.objects.filter(provider=a.partner) if s.active_to is None]
    referrals = list(Referral.objects.filter(council=a.council))
    sends = list(Send.objects.filter(referral__council=a.council).select_related("referral"))
    for shown in response.context["by_need"]:
        need = shown.row.need
        meeting = [s for s in active if need in s.needs_met]
        expected_waiting = sum(
            1
            for send in sends
            if send.service_id in {s.pk for s in meeting}
            and need in send.referral.needs
            and send.status in ("sent", "accepted", "in_contact")
        )
        assert shown.row.referrals == sum(1 for r in referrals if need in r.needs)
        assert shown.row.waiting == expected_waiting
        assert shown.row.services == len(meeting)
        assert shown.row.places == sum(s.capacity or 0 for s in meeting)


def test_councillors_see_counts_suppressed_and_download_the_same(world, signed_in) -> None:
    """Counts of 1 to 5 show as c for a councillor, on the page and in the CSV; the export is audited."""
    a = world["A"]
    jobs = _service(a, "Job club", ["job_search"], "North", 10, 3)
    _refer(a, ["job_search"], jobs)
    client = signed_in(a.users["councillor"])
    response = client.get(reverse("referrals:needs-provision"))
    (row,) = [s for s in response.context["by_need"] if s.row.need == "job_search"]
    assert (row.referrals, row.waiting) == ("c", "c")
    download = client.get(reverse("referrals:needs-provision-export"))
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    (line,) = [r for r in rows if r[0] == "All areas" and r[1] == "Job search"]
    assert line[2:4] == ["c", "c"]
    assert AuditEvent.objects.filter(action="export", summary="Exported needs against provision").exists()
    exact = signed_in(a.users["triage_coordinator"]).get(reverse("referrals:needs-provision-export"))
    (line,) = [
        r for r in csv.reader(io.StringIO(exact.content.decode("utf-8-sig"))) if r[:2] == ["All areas", "Job search"]
    ]
    assert line[2:4] == ["2", "2"]  # the world's own referral asks for job search, sent and waiting too


def test_a_period_limits_the_referrals_and_a_bad_period_gets_a_message(world, signed_in) -> None:
    a = world["A"]
    old = _refer(a, ["traineeship"])
    Referral.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=100))
    client = signed_in(a.users["performance_officer"])
    start = TODAY() - datetime.timedelta(days=10)
    response = client.get(
        reverse("referrals:needs-provision"), {"start_0": start.day, "start_1": start.month, "start_2": start.year}
    )
    (row,) = [s for s in response.context["by_need"] if s.row.need == "traineeship"]
    assert row.row.referrals == 0
    bad = client.get(reverse("referrals:needs-provision"), {"start_0": "40", "start_1": "1", "start_2": "2026"})
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
    assert next(s for s in bad.context["by_need"] if s.row.need == "traineeship").row.referrals == 1
    assert signed_in(a.users["personal_adviser"]).get(reverse("referrals:needs-provision")).status_code == 403

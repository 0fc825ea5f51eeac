"""The indicator "needs referred with a directory service with places" (Leeds quality mark objective 9;
Cambridgeshire 4.1, 4.3): of the needs on the council's referrals made in the 12 months up to a date, the share
for which the council's directory has a service meeting the need, active on the date, with places. Compared
with a plain count over generated referrals and services on many dates (the window's first and last days, and
the days services open and close among them), and with the needs against provision report it is read from."""

from __future__ import annotations

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from onward.accounts.models import Partnership
from onward.audit.models import AuditEvent
from onward.core.indicators import read_indicator
from onward.referrals import selectors
from onward.referrals.indicators import NEEDS_WITH_PLACES, needs_provision_rows, year_to
from onward.referrals.models import NEEDS, Referral, Send, Service
from tests.conftest import Tenant
from tests.factories import PartnerFactory, YoungPersonFactory
from tests.supporters.world import date_fields

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
CODES = [code for code, _label in NEEDS]


def _service(provider, rng: random.Random, *, active_from: datetime.date, active_to: datetime.date | None) -> Service:  # type: ignore[no-untyped-def]
    return Service.objects.create(
        provider=provider,
        name=f"Service {rng.randint(1000, 9999)}",
        kind=Service.Kind.EMPLOYABILITY,
        area=rng.choice(["North", "South"]),
        needs_met=rng.sample(CODES, rng.randint(1, 3)),
        capacity=rng.choice([None, 0, 1, 4]),
        typical_wait_days=rng.choice([None, 7]),
        active_from=active_from,
        active_to=active_to,
    )


def _made_on(referral: Referral, day: datetime.date, hour: int) -> None:
    """Date a referral's making (local time: 00:30 and 23:30 test the day it falls on)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))
    Referral.objects.filter(pk=referral.pk).update(created_at=moment)


def _world(tenant: Tenant, other: Tenant, rng: random.Random) -> None:
    ended = PartnerFactory()
    Partnership.objects.create(council=tenant.council, partner=ended, status=Partnership.Status.ENDED)
    providers = [tenant.council, tenant.partner, ended, other.partner, other.council]
    for _ in range(24):
        start = TODAY - datetime.timedelta(days=rng.randint(0, 500))
        end = rng.choice([None, None, start + datetime.timedelta(days=rng.randint(0, 300))])
        _service(rng.choice(providers), rng, active_from=start, active_to=end)
    services = list(Service.objects.all())
    for council_tenant in (tenant, tenant, tenant, other):
        for _ in range(12):
            person = YoungPersonFactory(council=council_tenant.council)
            referral = Referral.objects.create(
                council=council_tenant.council,
                person=person,
                made_by=council_tenant.users["personal_adviser"],
                needs=rng.sample(CODES, rng.randint(0, 3)) + rng.choice([[], ["unknown_need"]]),
                triage_due=TODAY,
            )
            _made_on(referral, TODAY - datetime.timedelta(days=rng.randint(0, 540)), rng.choice([0, 12, 23]))
            if rng.random() < 0.4:
                Send.objects.create(
                    referral=referral,
                    service=rng.choice(services),
                    sent_by=council_tenant.users["triage_coordinator"],
                    status=rng.choice([Send.Status.SENT, Send.Status.STARTED]),
                )
    # A referral's needs corrected after it was made: it counts with the needs it has now.
    corrected = Referral.objects.filter(council=tenant.council).exclude(needs=[]).first()
    assert corrected is not None
    Referral.objects.filter(pk=corrected.pk).update(needs=[CODES[0], CODES[1]])


def expected(tenant: Tenant, day: datetime.date) -> tuple[int, int]:
    """The plain count, from every referral and every service."""
    live = {
        p.partner_id
        for p in Partnership.objects.filter(council=tenant.council, status=Partnership.Status.ACCEPTED)
        if p.partner.kind != "council"
    }
    first = year_to(day)
    met = total = 0
    for referral in Referral.objects.all():
        if referral.council_id != tenant.council.pk:
            continue
        made = timezone.localdate(referral.created_at)
        if not first <= made <= day:
            continue
        for need in set(referral.needs or []):
            if need not in CODES:
                continue
            total += 1
            for service in Service.objects.all():
                ours = service.provider_id == tenant.council.pk or service.provider_id in live
                active = service.active_from <= day and (service.active_to is None or service.active_to >= day)
                if ours and active and need in service.needs_met and service.capacity and service.capacity > 0:
                    met += 1
                    break
    return met, total


def test_the_indicator_agrees_with_a_plain_count_on_many_dates(world: dict[str, Tenant]) -> None:
    rng = random.Random(4309)
    tenant = world["A"]
    _world(tenant, world["B"], rng)
    days = {TODAY, TODAY - datetime.timedelta(days=90), TODAY - datetime.timedelta(days=250)}
    for made in Referral.objects.filter(council=tenant.council).values_list("created_at", flat=True)[:8]:
        local = timezone.localdate(made)
        # The first and last days of the 12 months that hold the referral, and the days either side.
        days |= {local, local - datetime.timedelta(days=1)}
        later = local.replace(year=local.year + 1) if not (local.month == 2 and local.day == 29) else local
        days |= {later - datetime.timedelta(days=1), later}
    for start, end in Service.objects.values_list("active_from", "active_to")[:8]:
        days |= {start, start - datetime.timedelta(days=1)}
        if end is not None:
            days |= {end, end + datetime.timedelta(days=1)}
    checked = sorted(day for day in days if day <= TODAY)
    assert len(checked) > 15
    partial = False
    for day in checked:
        met, total = expected(tenant, day)
        found = read_indicator(NEEDS_WITH_PLACES, council=tenant.council, as_at=day)
        if not total:
            assert found is None, day
            continue
        assert found is not None and (found.numerator, found.denominator) == (met, total), day
        assert found.value == (Decimal(100) * met / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        partial = partial or 0 < met < total
    assert partial


def test_the_figure_is_the_reports_and_the_report_shows_it(world: dict[str, Tenant], signed_in) -> None:  # type: ignore[no-untyped-def]
    """One source of truth: summed from the report's own rows for the same referrals and directory."""
    rng = random.Random(77)
    tenant = world["A"]
    _world(tenant, world["B"], rng)
    rows = needs_provision_rows(tenant.council, TODAY)
    met, total = selectors.needs_with_places(rows)
    assert total == sum(row.referrals for row in rows) and met == sum(row.referrals for row in rows if row.places)
    found = read_indicator(NEEDS_WITH_PLACES, council=tenant.council, as_at=TODAY)
    assert found is not None and (found.numerator, found.denominator) == (met, total)
    # The page, for the same 12 months, states the share from the same rows.
    client = signed_in(tenant.users["triage_coordinator"])
    page = client.get(
        reverse("referrals:needs-provision"),
        {**date_fields("start", year_to(TODAY)), **date_fields("end", TODAY)},
    )
    assert page.status_code == 200
    assert f"{met} of {total} needs referred" in page.content.decode()


def test_small_figures_are_suppressed_and_no_needs_reads_as_none(world: dict[str, Tenant]) -> None:
    tenant = world["A"]
    Referral.objects.filter(council=tenant.council).update(needs=[])
    assert read_indicator(NEEDS_WITH_PLACES, council=tenant.council, as_at=TODAY) is None
    Referral.objects.filter(council=tenant.council).update(needs=[CODES[0]])
    found = read_indicator(NEEDS_WITH_PLACES, council=tenant.council, as_at=TODAY)
    assert found is not None and found.shown == "c"


def test_the_young_people_behind_the_figures_for_those_who_may_see_them(world, signed_in) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(5)
    tenant = world["A"]
    _world(tenant, world["B"], rng)
    triage = tenant.users["triage_coordinator"]
    period = {**date_fields("start", year_to(TODAY)), **date_fields("end", TODAY)}
    page = signed_in(triage).get(reverse("referrals:needs-provision-people"), period)
    assert page.status_code == 200
    reading = read_indicator(NEEDS_WITH_PLACES, council=tenant.council, as_at=TODAY)
    assert reading is not None
    # Triage sees every referral of the council: the same figure as the indicator, and the young people.
    assert f"{reading.numerator} of {reading.denominator} needs referred" in page.content.decode()
    mine = Referral.objects.filter(council=tenant.council).exclude(needs=[]).order_by("-created_at").first()
    other = Referral.objects.filter(council=world["B"].council).first()
    assert mine is not None and other is not None
    assert reverse("referrals:referral-detail", args=[mine.pk]) in page.content.decode()
    assert reverse("referrals:referral-detail", args=[other.pk]) not in page.content.decode()
    assert AuditEvent.objects.filter(actor=triage, object_type="referrals.Referral", action="list").exists()
    # The report links to it for those who may follow it; a councillor may not open it.
    report = signed_in(triage).get(reverse("referrals:needs-provision"), period).content.decode()
    assert reverse("referrals:needs-provision-people") in report
    assert signed_in(tenant.users["councillor"]).get(reverse("referrals:needs-provision-people")).status_code == 403
    # A period ending before it starts is refused with a message, and nobody is listed.
    before = AuditEvent.objects.count()
    bad = {**date_fields("start", TODAY), **date_fields("end", TODAY - datetime.timedelta(days=3))}
    refused = signed_in(triage).get(reverse("referrals:needs-provision-people"), bad).content.decode()
    assert "There is a problem" in refused and reverse("referrals:referral-detail", args=[mine.pk]) not in refused
    assert AuditEvent.objects.count() == before

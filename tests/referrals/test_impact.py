"""Impact of a service or programme: the EET status of those who started it 3, 6 and 12 months on, beside
those referred who did not start and those who started before a chosen date (Cambridgeshire 2.5; Derby
4.12; Leeds 2e)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from onward.core.codelists import EET_ACTIVITIES, NEET_ACTIVITIES
from onward.core.indicators import read_indicator
from onward.opportunities.models import Application
from onward.people.models import EETSpell
from onward.people.selectors import months_after
from onward.performance import impact
from onward.referrals import access as referral_access
from onward.referrals import selectors
from onward.referrals.indicators import starters_eet
from onward.referrals.models import Consent, Referral, Send, Service
from tests.factories import YoungPersonFactory

TODAY = timezone.localdate
ACTIVITIES = ["further_education", "apprenticeship", "neet_seeking", "neet_illness", "not_known", "custody"]


def status_by_hand(person_id: int, day: datetime.date) -> str:
    """The reference reading: every current spell covering the day, the latest started (then latest id) wins."""
    covering = [
        s
        for s in EETSpell.objects.filter(person_id=person_id, superseded_at__isnull=True)
        if s.start <= day and (s.end is None or s.end >= day)
    ]
    if not covering:
        return impact.NOT_KNOWN
    activity = max(covering, key=lambda s: (s.start, s.pk)).activity
    return (
        impact.EET if activity in EET_ACTIVITIES else impact.NEET if activity in NEET_ACTIVITIES else impact.NOT_KNOWN
    )


def build(tenant, seed: int, people: int = 14) -> Service:  # type: ignore[no-untyped-def]
    """Young people with random EET histories, referred to one service; some started, some did not."""
    rng = random.Random(seed)
    today = TODAY()
    service = Service.objects.create(
        provider=tenant.partner,
        name="Next Steps",
        kind=Service.Kind.RE_ENGAGEMENT,
        area="North",
        active_from=today - datetime.timedelta(days=1000),
    )
    for _ in range(people):
        person = YoungPersonFactory(council=tenant.council, team=tenant.team)
        day = today - datetime.timedelta(days=rng.randint(200, 800))
        while day < today:
            length = rng.randint(10, 200)
            end = None if rng.random() < 0.15 else day + datetime.timedelta(days=length)
            EETSpell.objects.create(person=person, activity=rng.choice(ACTIVITIES), start=day, end=end)
            if end is None:
                break
            day = end + datetime.timedelta(days=rng.choice([1, 1, 1, 20]))
        for _ in range(rng.randint(1, 2)):
            referral = Referral.objects.create(
                council=tenant.council,
                person=person,
                made_by=tenant.users["personal_adviser"],
                needs=["job_search"],
                triage_due=today,
            )
            sent = today - datetime.timedelta(days=rng.randint(30, 700))
            Referral.objects.filter(pk=referral.pk).update(
                created_at=timezone.make_aware(datetime.datetime.combine(sent, datetime.time(12)))
            )
            started = sent + datetime.timedelta(days=rng.randint(1, 30)) if rng.random() < 0.6 else None
            send = Send.objects.create(
                referral=referral, service=service, sent_by=tenant.users["triage_coordinator"], started_on=started
            )
            Send.objects.filter(pk=send.pk).update(
                created_at=timezone.make_aware(datetime.datetime.combine(sent, datetime.time(12)))
            )
    return service


def by_hand(service: Service, as_at: datetime.date, before: datetime.date | None) -> dict[str, dict[str, object]]:
    """Each group's figures worked out one young person at a time, with no shared code."""
    started: dict[int, datetime.date] = {}
    referred: dict[int, datetime.date] = {}
    for send in Send.objects.filter(service=service).select_related("referral"):
        person_id = send.referral.person_id
        if send.started_on is not None and send.started_on <= as_at:
            started[person_id] = min(started.get(person_id, send.started_on), send.started_on)
        else:
            day = timezone.localdate(send.created_at)
            referred[person_id] = min(referred.get(person_id, day), day)
    groups = {"started": started, "not_started": {k: v for k, v in referred.items() if k not in started}}
    if before is not None:
        groups["before"] = {k: v for k, v in started.items() if v < before}
        groups["from"] = {k: v for k, v in started.items() if v >= before}
    found = {}
    for key, clocks in groups.items():
        clocks = {k: v for k, v in clocks.items() if v <= as_at}
        points = {}
        for months in (3, 6, 12):
            seen = [
                status_by_hand(k, months_after(v, months))
                for k, v in clocks.items()
                if months_after(v, months) <= as_at
            ]
            points[months] = (len(seen), seen.count("eet"), seen.count("neet"), seen.count("not_known"))
        found[key] = {"people": len(clocks), "points": points}
    return found


def computed(service: Service, as_at: datetime.date, before: datetime.date | None) -> dict[str, dict[str, object]]:
    groups = selectors.service_impact(Send.objects.filter(service=service), as_at, before=before)[service.pk]
    return {
        g.key: {"people": g.people, "points": {p.months: (p.reached, p.eet, p.neet, p.not_known) for p in g.points}}
        for g in groups
    }


def test_impact_equals_a_count_by_hand_today_and_at_past_dates(world) -> None:
    """For random histories and referrals, every group's figures at 3, 6 and 12 months equal a reading of
    each young person's history one by one, today and as at past dates, with and without a comparison date."""
    a = world["A"]
    today = TODAY()
    for seed in (1, 2):
        service = build(a, seed)
        for as_at, before in (
            (today, None),
            (today, today - datetime.timedelta(days=300)),
            (today - datetime.timedelta(days=200), today - datetime.timedelta(days=500)),
        ):
            expected = by_hand(service, as_at, before)
            assert computed(service, as_at, before) == expected
            assert expected["started"]["points"][3][0] > 0  # type: ignore[index]


def test_a_past_date_reads_the_same_after_later_starts_and_records(world) -> None:
    """Figures as at a past date do not move when young people start later or their history goes on."""
    a = world["A"]
    today = TODAY()
    service = build(a, 3)
    past = today - datetime.timedelta(days=150)
    before = computed(service, past, None)
    for send in Send.objects.filter(service=service, started_on__isnull=True)[:3]:
        Send.objects.filter(pk=send.pk).update(started_on=today - datetime.timedelta(days=10))
    for spell in EETSpell.objects.filter(person__referrals__sends__service=service, end__isnull=True)[:3]:
        EETSpell.objects.create(
            person_id=spell.person_id, activity="neet_seeking", start=today - datetime.timedelta(days=5)
        )
    assert computed(service, past, None) == before
    assert computed(service, today, None) != before


def test_a_young_person_in_eet_three_months_after_starting_is_counted(world) -> None:
    """A worked example: started on a day, in college from that day for five months; EET at 3 months,
    NEET at 6 (seeking work), and the 12-month point not yet come."""
    a = world["A"]
    today = TODAY()
    start = months_after(today, -8)
    person = YoungPersonFactory(council=a.council)
    EETSpell.objects.create(person=person, activity="further_education", start=start, end=months_after(start, 5))
    EETSpell.objects.create(
        person=person, activity="neet_seeking", start=months_after(start, 5) + datetime.timedelta(days=1)
    )
    (started, not_started) = impact.impact({person.pk: start}, {}, today)
    assert started.point(3) == impact.Point(3, 1, 1, 0, 0)
    assert started.point(6) == impact.Point(6, 1, 0, 1, 0)
    assert started.point(12) == impact.Point(12, 0, 0, 0, 0)
    assert not_started.people == 0


def _started_send(tenant, person, service, started: datetime.date) -> Send:  # type: ignore[no-untyped-def]
    referral = Referral.objects.create(
        council=tenant.council, person=person, made_by=tenant.users["personal_adviser"], needs=[], triage_due=started
    )
    return Send.objects.create(
        referral=referral, service=service, sent_by=tenant.users["triage_coordinator"], started_on=started
    )


def test_service_page_shows_impact_exact_to_triage_and_nothing_to_an_adviser(world, signed_in) -> None:
    """Triage sees the service's impact exactly; an adviser, who does not see monitoring, sees no impact."""
    a = world["A"]
    start = months_after(TODAY(), -7)
    EETSpell.objects.filter(person=a.person).update(start=start - datetime.timedelta(days=30))
    _started_send(a, a.person, a.service, start)
    response = signed_in(a.users["triage_coordinator"]).get(reverse("referrals:service-detail", args=[a.service.pk]))
    assert response.status_code == 200
    (started, _not_started) = response.context["impact"]
    assert (started.people, started.points[1].eet, started.points[1].eet_share) == ("1", "1", "100.0%")
    assert 'id="impact"' in response.content.decode()
    adviser = signed_in(a.users["personal_adviser"]).get(reverse("referrals:service-detail", args=[a.service.pk]))
    assert "impact" not in adviser.context and 'id="impact"' not in adviser.content.decode()


def test_service_page_impact_as_at_a_past_date_and_a_bad_date_changes_nothing(world, signed_in) -> None:
    """As at a date before the 3-month point, no one has reached it; a date that is not real gets a message."""
    a = world["A"]
    start = months_after(TODAY(), -4)
    _started_send(a, a.person, a.service, start)
    client = signed_in(a.users["triage_coordinator"])
    url = reverse("referrals:service-detail", args=[a.service.pk])
    past = start + datetime.timedelta(days=10)
    response = client.get(url, {"as_at_0": past.day, "as_at_1": past.month, "as_at_2": past.year})
    (started, _not_started) = response.context["impact"]
    assert started.points[0].reached == "0" and started.points[0].eet_share == "No one yet"
    bad = client.get(url, {"as_at_0": "31", "as_at_1": "2", "as_at_2": "2024"})
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
    (today_started, _x) = bad.context["impact"]
    assert today_started.points[0].reached == "1"


def test_councillors_see_impact_on_monitoring_suppressed(world, signed_in) -> None:
    """A councillor sees the impact of each service on referral monitoring with 1 to 5 shown as c."""
    a = world["A"]
    start = months_after(TODAY(), -7)
    EETSpell.objects.filter(person=a.person).update(start=start - datetime.timedelta(days=30))
    _started_send(a, a.person, a.service, start)
    response = signed_in(a.users["councillor"]).get(reverse("referrals:monitoring"))
    ((service, started, _not_started),) = response.context["impact_rows"]
    assert service == a.service
    assert started.people == "c" and started.points[0].eet_share == "c"
    triage = signed_in(a.users["triage_coordinator"]).get(reverse("referrals:monitoring"))
    ((_service, exact, _n),) = triage.context["impact_rows"]
    assert exact.people == "1" and exact.points[0].eet_share == "100.0%"


def test_a_partner_counts_only_referrals_whose_consent_shares_the_eet_history(world, signed_in) -> None:
    """A partner's user sees the impact of their own service from the referrals sent to them whose consent
    shares the EET history, and no impact of another provider's service."""
    a = world["A"]
    partner_user = a.users["partner_provider"]
    start = months_after(TODAY(), -4)
    Send.objects.filter(pk=a.send.pk).update(started_on=start)
    assert not referral_access.impact_sends_for(partner_user).exists()
    Consent.objects.filter(referral=a.referral).update(shared_fields=["needs", "eet_history"])
    assert list(referral_access.impact_sends_for(partner_user)) == [a.send]
    response = signed_in(partner_user).get(reverse("referrals:service-detail", args=[a.service.pk]))
    assert response.status_code == 200 and "impact" in response.context
    (started, _not_started) = response.context["impact"]
    assert started.people == "1"  # exact: the partner already sees this young person's referral
    other = Service.objects.create(
        provider=a.council, name="Council own course", kind="college_course", area="All", active_from=start
    )
    page = signed_in(partner_user).get(reverse("referrals:service-detail", args=[other.pk]))
    assert page.status_code in (200, 404) and "impact" not in (page.context or {})
    assert not referral_access.impact_sends_for(a.users["personal_adviser"]).exists()
    assert not referral_access.impact_sends_for(a.users["councillor"]).filter(referral__council=world["B"].council)


def test_the_indicator_equals_a_count_by_hand_and_reads_as_at_a_past_date(world) -> None:
    """Starters of directory services in EET 6 months on: the share, over the starts whose 6-month date fell
    in the 12 months up to the date, equals a reading by hand, today and at a past date; by type of service too."""
    a = world["A"]
    service = build(a, 5, people=20)
    today = TODAY()
    for as_at in (today, today - datetime.timedelta(days=120)):
        first = as_at.replace(year=as_at.year - 1) + datetime.timedelta(days=1)
        points = set()
        for send in Send.objects.filter(referral__council=a.council, started_on__lte=as_at):
            firsts = Send.objects.filter(
                service=send.service, referral__person=send.referral.person, started_on__isnull=False
            ).order_by("started_on")[0]
            if firsts.pk != send.pk and firsts.started_on != send.started_on:
                continue
            due = months_after(send.started_on, 6)
            if first <= due <= as_at:
                points.add((send.service_id, send.referral.person_id, due))
        eet = sum(status_by_hand(person_id, due) == "eet" for _s, person_id, due in points)
        reading = read_indicator("service_starters_eet_6_months", council=a.council, as_at=as_at)
        assert reading is not None and (reading.numerator, reading.denominator) == (eet, len(points))
        assert reading.value == (Decimal(100) * eet / len(points)).quantize(Decimal("0.1"))
        kind = read_indicator(f"service_starters_eet_6_months_{service.kind}", council=a.council, as_at=as_at)
        assert kind is not None and kind.denominator == len(points)
    assert starters_eet(world["B"].council, today, months=6) is None


def test_opportunity_page_and_indicator_show_what_became_of_starters(world, signed_in) -> None:
    """An opportunity's page shows those who started it in EET 6 months on; the indicator counts them."""
    a = world["A"]
    start = months_after(TODAY(), -7)
    EETSpell.objects.filter(person=a.person).update(start=start - datetime.timedelta(days=30))
    Application.objects.filter(pk=a.application.pk).update(started_on=start, status="started")
    response = signed_in(a.users["employer_engagement_worker"]).get(
        reverse("opportunities:opportunity-detail", args=[a.opportunity.pk])
    )
    assert response.status_code == 200
    (started, _not_started) = response.context["impact"]
    assert (started.points[1].reached, started.points[1].eet_share) == ("1", "100.0%")
    reading = read_indicator("opportunity_starters_eet_6_months", council=a.council, as_at=TODAY())
    assert reading is not None and (reading.numerator, reading.denominator, reading.shown) == (1, 1, "c")
    assert read_indicator("opportunity_starters_eet_6_months", council=a.council, as_at=start) is None


def test_the_monitoring_download_carries_the_impact(world, signed_in) -> None:
    """Referral monitoring's CSV holds each service's impact rows as the page shows them (c for a councillor)."""
    import csv
    import io

    a = world["A"]
    start = months_after(TODAY(), -7)
    EETSpell.objects.filter(person=a.person).update(start=start - datetime.timedelta(days=30))
    _started_send(a, a.person, a.service, start)
    for role, share in (("triage_coordinator", "100.0%"), ("councillor", "c")):
        response = signed_in(a.users[role]).get(reverse("referrals:monitoring-export", args=["csv"]))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        impact_rows = {(r[3], r[4]): r[5] for r in rows if r[2] == "Impact"}
        assert impact_rows[(f"{a.service.name}: Started", "In EET 3 months on")] == share

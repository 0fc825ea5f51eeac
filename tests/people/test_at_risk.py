"""The at-risk-of-NEET list: computed in the database, ranked by risk, paginated, for every role
with a caseload. The SQL ranking is checked against the rules worked out in Python, one young
person at a time, over a generated council."""

from __future__ import annotations

import datetime
import random
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from onward.core.codelists import NEET_ACTIVITIES, EETActivity
from onward.people import access as people_access
from onward.people import open_work, selectors, services, views
from onward.people.categories import Category
from onward.people.generator import generate_council
from onward.people.models import (
    PEP,
    AccommodationSpell,
    Contact,
    EETSpell,
    PathwayPlanReview,
    YoungPerson,
)
from onward.referrals.models import Referral, Send
from tests.factories import CouncilFactory, YoungPersonFactory
from tests.people.test_pages import add_care_leaver

TODAY = timezone.localdate


def _latest(records: list, key):  # type: ignore[no-untyped-def]
    return max(records, key=key) if records else None


def _python_facts(person: YoungPerson, day: datetime.date) -> SimpleNamespace:
    """What the rules need, read one young person at a time and worked out in Python."""
    spells = [s for s in EETSpell.objects.filter(person=person) if s.superseded_at is None]
    covering = [s for s in spells if s.start <= day and (s.end is None or s.end >= day)]
    eet = _latest(covering, key=lambda s: (s.start, s.pk))
    stays = [
        a
        for a in AccommodationSpell.objects.filter(person=person, superseded_at__isnull=True)
        if a.start <= day and (a.end is None or a.end >= day)
    ]
    home = _latest(stays, key=lambda a: (a.start, a.pk))
    contacts = [c for c in Contact.objects.filter(person=person, superseded_at__isnull=True) if c.date <= day]
    contact = _latest(contacts, key=lambda c: (c.date, c.pk))
    reviews = [r for r in PathwayPlanReview.objects.filter(person=person, superseded_at__isnull=True) if r.date <= day]
    review = _latest(reviews, key=lambda r: (r.date, r.pk))
    open_statuses = {Referral.Status.AWAITING_TRIAGE, Referral.Status.MORE_INFO}
    live_sends = {Send.Status.SENT, Send.Status.ACCEPTED, Send.Status.IN_CONTACT, Send.Status.STARTED}
    open_referral = any(
        r.status in open_statuses or any(s.status in live_sends for s in r.sends.all())
        for r in Referral.objects.filter(person=person)
    )
    return SimpleNamespace(
        category=selectors.category_of(person, day).value,
        date_of_birth=person.date_of_birth,
        eet_activity=eet.activity if eet else EETActivity.NOT_KNOWN.value,
        eet_since=eet.start if eet else None,
        eet_end=eet.end if eet else None,
        has_next_step=eet is not None and eet.end is not None and any(s.start > eet.end for s in spells),
        open_referral=open_referral,
        recent_pep=any(
            day - datetime.timedelta(days=selectors.PEP_TERM_DAYS) < p.date <= day
            for p in PEP.objects.filter(person=person, superseded_at__isnull=True)
        ),
        last_contact_on=contact.date if contact else None,
        last_in_touch=contact.in_touch if contact else None,
        plan_next_due=review.next_due if review else None,
        accommodation_type=home.accommodation_type if home else None,
        accommodation_since=home.start if home else None,
    )


def _score(signs: list) -> int:  # type: ignore[type-arg]
    return sum(sign.weight for sign, _reason in signs)


@pytest.mark.django_db
def test_the_ranking_in_sql_agrees_with_the_rules_worked_out_in_python() -> None:
    """Over a generated council with homeless young people and referrals in progress added, the
    database gives exactly the young people, and the scores, that the Python rules give."""
    council = CouncilFactory()
    generate_council(council=council, size=150, seed=11)
    rng = random.Random(5)
    people = list(YoungPerson.objects.filter(council=council).order_by("pk"))
    adviser = next(p.personal_adviser for p in people if p.personal_adviser is not None)
    today = TODAY()
    for person in rng.sample(people, 25):
        services.accommodation_record(
            acting_user=adviser,
            person=person,
            accommodation_type=rng.choice(["S", "V", "W"]),
            suitability="unsuitable",
            start=today - datetime.timedelta(days=rng.randint(0, 90)),
        )
    neet = [p for p in people if (spell := selectors.eet_spell_on(p, today)) and spell.activity in NEET_ACTIVITIES]
    for person in neet[::3]:
        Referral.objects.create(council=council, person=person, made_by=adviser, needs=["job_search"], triage_due=today)
    signs_seen: set[str] = set()
    for day in (today, today + datetime.timedelta(days=20)):
        expected = {}
        for person in people:
            signs = selectors.risk_signs(_python_facts(person, day), day)
            if signs:
                expected[person.pk] = _score(signs)
                signs_seen |= {sign.key for sign, _reason in signs}
        ranked, total = selectors.ranked_at_risk(YoungPerson.objects.filter(council=council), day)
        assert dict(ranked) == expected
        # A young person's own page gives the same reasons (whether work is in progress asked with SQL
        # compiled once: ``selectors._open_work_sql``).
        assert selectors._open_work_sql(connection.vendor, open_work.registered()) is not None
        in_progress = set()
        for person in people:
            python = _python_facts(person, day)
            status = selectors.status_on(person, day)
            records = [entry.record for entry in selectors.timeline(person)]
            assert selectors._risk_facts(person, status, records).open_referral == python.open_referral, person.pk
            assert status.risks == selectors.risk_reasons(python, day), person.pk
            in_progress |= {person.pk} if python.open_referral else set()
        assert in_progress, "some young people have a referral in progress"
        assert total == len(expected)
        scores = [score for _pk, score in ranked]
        assert scores == sorted(scores, reverse=True)
        # The reasons on the page (read for one page's young people) add up to the same scores.
        rows = selectors.at_risk_rows(YoungPerson.objects.filter(council=council), ranked, day)
        assert [row.person.pk for row in rows] == [pk for pk, _score in ranked]
        for row in rows:
            assert _score(selectors.risk_signs(row.person, day)) == row.score
            assert len(row.reasons) >= 1
    # The generated council exercises the rules: every sign but the PEP one, which needs Year 12 or 13.
    assert {"homeless", "long_neet", "no_contact", "not_in_touch", "plan_overdue"} <= signs_seen, signs_seen


@pytest.mark.django_db
def test_the_list_is_ranked_by_risk_with_the_reasons(world, signed_in) -> None:
    """Homeless and out of contact outranks NEET and out of contact, which outranks out of contact alone."""
    a = world["A"]
    working = add_care_leaver(a, name="Bryn", age=20, activity="employment_full_time")
    neet = add_care_leaver(a, name="Cerys", age=20, activity="neet_seeking", months_in_activity=5)
    homeless = add_care_leaver(a, name="Dylan", age=20, activity="employment_full_time")
    services.accommodation_record(
        acting_user=a.users["personal_adviser"],
        person=homeless,
        accommodation_type="S",
        suitability="unsuitable",
        start=TODAY() - datetime.timedelta(days=3),
    )
    response = signed_in(a.users["team_manager"]).get(reverse("people:at-risk"))
    assert response.status_code == 200
    rows = response.context["rows"]
    order = [row.person.pk for row in rows]
    assert order.index(homeless.pk) < order.index(neet.pk) < order.index(working.pk)
    by_pk = {row.person.pk: row for row in rows}
    assert by_pk[homeless.pk].reasons[0].startswith("No fixed abode or homeless since")
    assert by_pk[homeless.pk].score == 5 + 3 + 2  # homeless, no contact, plan review overdue
    assert by_pk[homeless.pk].priority == "High"
    assert by_pk[working.pk].score == 3 + 2
    assert by_pk[working.pk].priority == "Medium"
    assert by_pk[neet.pk].reasons[0].startswith("Not in education, employment or training for 4 months")
    assert "No fixed abode or homeless since" in response.content.decode()
    # The young person's own page gives the same new reason.
    detail = signed_in(a.users["team_manager"]).get(reverse("people:person-detail", args=[homeless.pk]))
    assert any(r.startswith("No fixed abode or homeless") for r in detail.context["status"].risks)


@pytest.mark.django_db
def test_a_personal_adviser_opens_the_list_for_their_own_caseload(world, signed_in) -> None:
    """A personal adviser sees the list, starting from (and never beyond) the young people allocated to them."""
    a = world["A"]
    adviser = a.users["personal_adviser"]
    mine = add_care_leaver(a, name="Elin", age=20, activity="neet_seeking", months_in_activity=4)
    theirs = add_care_leaver(a, name="Ffion", age=20, activity="neet_seeking", months_in_activity=4)
    YoungPerson.objects.filter(pk=theirs.pk).update(personal_adviser=a.users["team_manager"])
    client = signed_in(adviser)
    response = client.get(reverse("people:at-risk"))
    assert response.status_code == 200
    assert response.context["scope"] == "mine"
    shown = {row.person.pk for row in response.context["rows"]}
    assert mine.pk in shown and theirs.pk not in shown
    assert shown <= set(people_access.people_visible_to(adviser).values_list("pk", flat=True))
    for scope in ("team", "all"):
        shown = {row.person.pk for row in client.get(reverse("people:at-risk"), {"scope": scope}).context["rows"]}
        assert theirs.pk not in shown
        assert mine.pk in shown
    manager = signed_in(a.users["team_manager"]).get(reverse("people:at-risk")).context["rows"]
    assert {mine.pk, theirs.pk} <= {row.person.pk for row in manager}
    other = world["B"]
    elsewhere = {
        row.person.pk for row in signed_in(other.users["team_manager"]).get(reverse("people:at-risk")).context["rows"]
    }
    assert not elsewhere & {mine.pk, theirs.pk}


@pytest.mark.django_db
def test_the_list_comes_a_page_at_a_time(world, signed_in, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages hold PAGE_SIZE young people each, every one exactly once; a page past the end shows the
    last page and a page that is not a number the first."""
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    a = world["A"]
    people = [
        add_care_leaver(a, name=f"Gwyn{n}", age=20, activity="neet_seeking", months_in_activity=3 + n) for n in range(5)
    ]
    manager = a.users["team_manager"]
    client = signed_in(manager)
    at_risk = {pk for pk, _score in selectors.ranked_at_risk(selectors.people_in_scope(manager, "team"), TODAY())[0]}
    assert {p.pk for p in people} <= at_risk and len(at_risk) in (5, 6)  # with the tenant's own young person
    seen: list[int] = []
    for number in (1, 2, 3):
        response = client.get(reverse("people:at-risk"), {"page": number, "scope": "team"})
        page = response.context["page"]
        assert page.number == number
        assert page.paginator.count == len(at_risk)
        assert page.paginator.num_pages == 3
        seen += [row.person.pk for row in response.context["rows"]]
    assert sorted(seen) == sorted(at_risk)
    assert len(seen) == len(set(seen))
    html = client.get(reverse("people:at-risk"), {"page": 2, "scope": "team"}).content.decode()
    assert "govuk-pagination" in html and "scope=team&amp;page=3" in html and "scope=team&amp;page=1" in html
    far = client.get(reverse("people:at-risk"), {"page": "9" * 20})
    assert far.status_code == 200 and far.context["page"].number == 3
    last = client.get(reverse("people:at-risk"), {"page": 99})
    assert last.context["page"].number == 3 and len(last.context["rows"]) == len(at_risk) - 4
    assert client.get(reverse("people:at-risk"), {"page": "x"}).context["page"].number == 1


@pytest.mark.django_db
def test_under_16s_and_those_no_longer_care_leavers_are_not_listed(world, signed_in) -> None:
    """Only care leavers and young people looked after from 16 are counted."""
    a = world["A"]
    young = YoungPersonFactory(council=a.council, team=a.team, date_of_birth=TODAY().replace(year=TODAY().year - 14))
    ranked, _total = selectors.ranked_at_risk(YoungPerson.objects.filter(pk=young.pk), TODAY())
    assert selectors.category_of(young, TODAY()) in (Category.NONE, Category.LOOKED_AFTER)
    assert ranked == []

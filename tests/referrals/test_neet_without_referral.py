"""NEET without a referral: the list for advisers and managers (through the people access policy), the
adviser's home page task, and the indicator of young people referred in time."""

from __future__ import annotations

import datetime
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from onward.accounts.permissions import Perm
from onward.core import indicators
from onward.people.categories import birthday
from onward.people.models import CareEpisode, EETSpell, YoungPerson
from onward.people.services import refresh_care_summary
from onward.referrals import indicators as referral_indicators
from onward.referrals import selectors
from onward.referrals.models import Referral
from onward.referrals.services import working_days_after
from tests.factories import CouncilFactory, UserFactory, YoungPersonFactory

D = datetime.date


def care_leaver(council, **fields) -> YoungPerson:  # type: ignore[no-untyped-def]
    """A 20-year-old former relevant care leaver."""
    today = timezone.localdate()
    dob = today.replace(year=today.year - 20) - datetime.timedelta(days=10)
    person = YoungPersonFactory(council=council, date_of_birth=dob, **fields)
    CareEpisode.objects.create(
        person=person,
        start=birthday(dob, 15),
        end=birthday(dob, 18),
        reason_new_episode="S",
        legal_status="C2",
        placement_type="U4",
        reason_ceased="E17",
    )
    refresh_care_summary(person)
    return person


def _referral(person: YoungPerson, made_by, status: str, made_on: D) -> Referral:  # type: ignore[no-untyped-def]
    referral = Referral.objects.create(
        council=person.council,
        person=person,
        made_by=made_by,
        needs=["job_search"],
        status=status,
        triage_due=made_on + datetime.timedelta(days=7),
    )
    Referral.objects.filter(pk=referral.pk).update(
        created_at=datetime.datetime.combine(made_on, datetime.time(12), tzinfo=datetime.UTC)
    )
    return referral


@pytest.fixture
def caseloads(world):  # type: ignore[no-untyped-def]
    """In council A: the adviser's NEET young person (two NEET reasons running on), a colleague's NEET young
    person in the same team, one NEET with a referral waiting for triage, one NEET whose referral closed,
    and one in EET. The world's own young person is in further education."""
    a = world["A"]
    today = timezone.localdate()
    adviser = a.users["personal_adviser"]
    colleague = UserFactory(organisation=a.council, roles=["personal_adviser"])
    mine = care_leaver(a.council, personal_adviser=adviser, team=a.team)
    EETSpell.objects.create(
        person=mine,
        activity="neet_seeking",
        start=today - datetime.timedelta(days=40),
        end=today - datetime.timedelta(days=11),
    )
    EETSpell.objects.create(person=mine, activity="neet_illness", start=today - datetime.timedelta(days=10))
    theirs = care_leaver(a.council, personal_adviser=colleague, team=a.team)
    EETSpell.objects.create(person=theirs, activity="neet_seeking", start=today - datetime.timedelta(days=3))
    referred = care_leaver(a.council, personal_adviser=adviser, team=a.team)
    EETSpell.objects.create(person=referred, activity="neet_seeking", start=today - datetime.timedelta(days=30))
    _referral(referred, adviser, Referral.Status.AWAITING_TRIAGE, today - datetime.timedelta(days=2))
    closed = care_leaver(a.council, personal_adviser=adviser, team=a.team)
    EETSpell.objects.create(person=closed, activity="neet_other", start=today - datetime.timedelta(days=60))
    _referral(closed, adviser, Referral.Status.CLOSED, today - datetime.timedelta(days=50))
    working = care_leaver(a.council, personal_adviser=adviser, team=a.team)
    EETSpell.objects.create(person=working, activity="apprenticeship", start=today - datetime.timedelta(days=30))
    other = world["B"]
    elsewhere = care_leaver(other.council, personal_adviser=other.users["personal_adviser"], team=other.team)
    EETSpell.objects.create(person=elsewhere, activity="neet_seeking", start=today - datetime.timedelta(days=30))
    return a, {"mine": mine, "theirs": theirs, "closed": closed, "referred": referred, "elsewhere": elsewhere}


def test_the_list_shows_neet_young_people_without_an_active_referral_with_days_since_becoming_neet(
    caseloads, signed_in
) -> None:
    """An adviser sees their own caseload by default: days counted from the first of two NEET spells in a
    row, a closed referral not counting as active, a referral waiting for triage counting."""
    a, people = caseloads
    response = signed_in(a.users["personal_adviser"]).get(reverse("referrals:neet-without-referral"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.person for row in rows] == [people["closed"], people["mine"]]
    assert [row.days for row in rows] == [60, 40]
    assert all(row.overdue for row in rows)
    content = response.content.decode()
    assert people["mine"].display_name in content
    assert people["theirs"].display_name not in content


def test_a_manager_sees_the_team_and_an_adviser_cannot_widen_to_people_they_cannot_see(caseloads, signed_in) -> None:
    a, people = caseloads
    manager_rows = signed_in(a.users["team_manager"]).get(reverse("referrals:neet-without-referral")).context["rows"]
    assert {row.person for row in manager_rows} == {people["mine"], people["theirs"], people["closed"]}
    adviser_rows = (
        signed_in(a.users["personal_adviser"])
        .get(reverse("referrals:neet-without-referral"), {"scope": "all"})
        .context["rows"]
    )
    assert people["elsewhere"] not in {row.person for row in adviser_rows}
    assert people["theirs"] not in {row.person for row in adviser_rows}


def test_becoming_neet_puts_a_task_on_the_advisers_home_page(caseloads, signed_in) -> None:
    a, _people = caseloads
    tasks = signed_in(a.users["personal_adviser"]).get(reverse("core:home")).context["tasks"]
    texts = [task.text for task in tasks]
    assert "2 young people on your caseload NEET with no referral, 2 overdue" in texts
    task = next(task for task in tasks if "NEET with no referral" in task.text)
    assert task.urgent and task.url == reverse("referrals:neet-without-referral") + "?scope=mine"


def test_no_task_once_a_referral_is_in_progress(caseloads, signed_in) -> None:
    a, people = caseloads
    today = timezone.localdate()
    for key in ("mine", "closed"):
        _referral(people[key], a.users["personal_adviser"], Referral.Status.AWAITING_TRIAGE, today)
    tasks = signed_in(a.users["personal_adviser"]).get(reverse("core:home")).context["tasks"]
    assert not [task for task in tasks if "NEET with no referral" in task.text]


def test_referred_in_time_equals_a_brute_force_count_as_at_a_past_date(db) -> None:
    rng = random.Random(14)
    council = CouncilFactory()
    maker = UserFactory(organisation=council, roles=["personal_adviser"])
    activities = ["neet_seeking", "neet_illness", "further_education", "apprenticeship", "neet_other"]
    for _ in range(40):
        person = YoungPersonFactory(council=council)
        day = D(2022, 6, 1) + datetime.timedelta(days=rng.randint(0, 300))
        starts = []
        for _ in range(rng.randint(1, 5)):
            end = day + datetime.timedelta(days=rng.randint(5, 120))
            EETSpell.objects.create(person=person, activity=rng.choice(activities), start=day, end=end)
            starts.append(day)
            day = end + datetime.timedelta(days=rng.choice([1, 1, 5]))
        for _ in range(rng.randint(0, 3)):
            made = rng.choice(starts) + datetime.timedelta(days=rng.randint(-3, 25))
            _referral(person, maker, Referral.Status.CLOSED, made)
    as_at = D(2023, 8, 31)
    first = D(2022, 9, 1)
    expected_total = expected_referred = 0
    neet = {"neet_seeking", "neet_illness", "neet_other"}
    for person in YoungPerson.objects.filter(council=council):
        spells = list(EETSpell.objects.filter(person=person).order_by("start"))
        covered = {
            s.start + datetime.timedelta(days=offset)
            for s in spells
            if s.activity in neet
            for offset in range((s.end - s.start).days + 1)
        }
        made = [r.created_at.date() for r in Referral.objects.filter(person=person)]
        for day in sorted(covered):
            if day - datetime.timedelta(days=1) in covered:
                continue  # not the first day of a stretch of being NEET
            due = working_days_after(day, 10)
            if first <= due <= as_at:
                expected_total += 1
                expected_referred += any(day <= m <= due for m in made)
    reading = indicators.read_indicator(referral_indicators.NEET_REFERRED_IN_TIME, council=council, as_at=as_at)
    assert reading is not None
    assert (reading.numerator, reading.denominator) == (expected_referred, expected_total)
    assert expected_total > 5 and expected_referred > 0


def test_the_deadline_is_working_days_from_the_setting(settings) -> None:
    settings.ONWARD_NEET_REFERRAL_WORKING_DAYS = 10
    assert selectors.referral_due(D(2026, 12, 4)) == D(2026, 12, 18)  # a Friday, two weeks on
    settings.ONWARD_NEET_REFERRAL_WORKING_DAYS = 5
    assert selectors.referral_due(D(2026, 12, 4)) == D(2026, 12, 11)


def test_the_referrals_page_links_to_the_list_for_those_who_can_see_young_people(world, signed_in) -> None:
    a = world["A"]
    link = reverse("referrals:neet-without-referral")
    assert link in signed_in(a.users["personal_adviser"]).get(reverse("referrals:referral-list")).content.decode()
    triage = signed_in(a.users["triage_coordinator"]).get(reverse("referrals:referral-list"))
    assert (link in triage.content.decode()) == a.users["triage_coordinator"].can_any(
        (Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)
    )


def test_the_list_is_read_in_a_fixed_number_of_queries(caseloads, django_assert_max_num_queries) -> None:
    """However many young people are NEET, the list is read in three queries (as its selector says)."""
    a, _people = caseloads
    for _ in range(5):
        extra = care_leaver(a.council, personal_adviser=a.users["personal_adviser"], team=a.team)
        EETSpell.objects.create(person=extra, activity="neet_seeking", start=timezone.localdate())
    people = YoungPerson.objects.filter(council=a.council)
    with django_assert_max_num_queries(3):
        rows = selectors.neet_without_referral(people, timezone.localdate())
    assert len(rows) == 8


@pytest.mark.parametrize("scope", ["", "everyone", "-1", "y" * 10_001])
def test_an_unknown_scope_falls_back_to_the_users_own(caseloads, signed_in, scope) -> None:
    a, _people = caseloads
    response = signed_in(a.users["personal_adviser"]).get(reverse("referrals:neet-without-referral"), {"scope": scope})
    assert response.status_code == 200
    assert response.context["scope"] == "mine"


def test_the_list_is_in_the_menu_for_advisers_and_managers_only(world, signed_in) -> None:
    """The menu links to the list for whoever can see young people's records, and for no one else."""
    from onward.core.navigation import navigation_for

    a = world["A"]
    link = reverse("referrals:neet-without-referral")
    for role in ("personal_adviser", "team_manager"):
        entries = navigation_for(a.users[role], "/")
        assert [e["text"] for e in entries if e["href"] == link] == ["NEET without a referral"], role
        page = signed_in(a.users[role]).get(reverse("core:home")).content.decode()
        assert f'href="{link}"' in page, role
    for role, user in a.users.items():
        shown = any(e["href"] == link for e in navigation_for(user, "/"))
        assert shown == user.can_any((Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)), role
    partner_or_councillor = [
        u
        for u in a.users.values()
        if not u.can_any((Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE))
    ]
    assert partner_or_councillor  # the world has users the item must not show to
    current = navigation_for(a.users["personal_adviser"], link)
    assert [e["text"] for e in current if e["active"]] == ["NEET without a referral"]

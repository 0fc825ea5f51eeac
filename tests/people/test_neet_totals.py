"""The NEET total is one question with one answer: every page that shows it counts the same young
people (care leavers aged 16 to 25 not in education, employment or training, as the dashboard's
indicator counts them) and says so. Young people who are not care leavers are set apart on caseloads."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from onward.people import selectors, services
from onward.people.categories import Category, birthday
from onward.people.models import EETSpell
from tests.factories import YoungPersonFactory
from tests.people.test_pages import add_care_leaver

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)
NEET_POPULATION = "care leavers aged 16 to 25 not in education, employment or training"


def _not_a_care_leaver(tenant, name: str, activity: str = "neet_seeking"):  # type: ignore[no-untyped-def]
    """A 19-year-old with no care history: the register calls them 'Not a care leaver'."""
    dob = TODAY().replace(year=TODAY().year - 19) - 10 * DAY
    person = YoungPersonFactory(
        council=tenant.council,
        legal_given_name=name,
        date_of_birth=dob,
        team=tenant.team,
        personal_adviser=tenant.users["personal_adviser"],
    )
    EETSpell.objects.create(person=person, activity=activity, start=TODAY() - 40 * DAY)
    return person


def _looked_after_neet(tenant, name: str):  # type: ignore[no-untyped-def]
    """A 16-year-old still looked after and NEET: in the register, not in the care leaver count."""
    dob = TODAY().replace(year=TODAY().year - 16) - 30 * DAY
    person = YoungPersonFactory(
        council=tenant.council,
        legal_given_name=name,
        date_of_birth=dob,
        team=tenant.team,
        personal_adviser=tenant.users["personal_adviser"],
    )
    services.episode_add(
        acting_user=tenant.users["personal_adviser"],
        person=person,
        start=birthday(dob, 13),
        reason_new_episode="S",
        legal_status="C2",
        placement_type="U4",
    )
    EETSpell.objects.create(person=person, activity="neet_seeking", start=TODAY() - 20 * DAY)
    return person


def _world(a) -> int:  # type: ignore[no-untyped-def]
    """Three NEET care leavers, one in custody, two NEET young people who are not care leavers or not yet;
    returns how many the NEET total must count."""
    add_care_leaver(a, name="Neet one", age=19, activity="neet_seeking")
    add_care_leaver(a, name="Neet two", age=22, activity="neet_other")
    add_care_leaver(a, name="Neet three", age=17, activity="neet_parenting")
    add_care_leaver(a, name="In work", age=20, activity="employment_full_time")
    _not_a_care_leaver(a, "Outside one")
    _looked_after_neet(a, "Still looked after")
    return 3


def _number(pattern: str, text: str) -> int:
    found = re.search(pattern, re.sub(r"\s+", " ", text))
    assert found, f"no match for {pattern!r}"
    return int(found.group(1).replace(",", ""))


def test_every_page_that_shows_the_neet_total_shows_the_same_number_and_says_what_it_counts(world, signed_in) -> None:
    """Home, the NEET cohort page, referral monitoring and the dashboard agree, for a council-wide viewer."""
    a = world["A"]
    expected = _world(a)
    client = signed_in(a.users["performance_officer"])
    shown: dict[str, int] = {}

    home = client.get(reverse("core:home"))
    shown["home"] = home.context["summary"]["neet"]
    assert NEET_POPULATION in home.content.decode()

    cohort = client.get(reverse("people:neet"))
    shown["NEET cohort"] = cohort.context["page"].paginator.count
    assert _number(r"(\d[\d,]*) " + NEET_POPULATION, cohort.content.decode()) == shown["NEET cohort"]

    monitoring = client.get(reverse("referrals:monitoring"))
    shown["referral monitoring"] = int(monitoring.context["neet_total"])
    assert NEET_POPULATION in monitoring.content.decode()

    dashboard = client.get(reverse("performance:dashboard"))
    (row,) = [h for h in dashboard.context["headline"] if h.indicator.code == "neet_cohort_size"]
    shown["dashboard"] = int(row.cell.text.replace(",", ""))

    assert shown == dict.fromkeys(shown, expected), shown


def test_the_home_total_and_the_cohort_page_agree_for_each_scope(world, signed_in) -> None:
    """An adviser's home figure is the number on the NEET cohort page they are taken to."""
    a = world["A"]
    expected = _world(a)
    client = signed_in(a.users["personal_adviser"])
    home = client.get(reverse("core:home"))
    summary = home.context["summary"]
    assert summary["neet"] == expected
    link = reverse("people:neet") + f"?scope={summary['scope']}"
    assert link.replace("&", "&amp;") in home.content.decode()
    assert client.get(link).context["page"].paginator.count == expected


def test_young_people_who_are_not_care_leavers_are_set_apart_on_the_caseload(world, signed_in) -> None:
    """The caseload lists care leavers and those in care; the others are counted and one click away."""
    a = world["A"]
    _world(a)
    client = signed_in(a.users["personal_adviser"])
    response = client.get(reverse("people:caseload"))
    names = [row.person.legal_given_name for row in response.context["rows"]]
    assert "Outside one" not in names
    assert "Neet one" in names and "Still looked after" in names
    text = response.content.decode()
    assert "1 young person who is not a care leaver is not listed" in text
    shown = client.get(reverse("people:caseload"), {"category": "none"})
    assert [row.person.legal_given_name for row in shown.context["rows"]] == ["Outside one"]


def test_the_caseloads_total_and_those_set_apart_agree_with_each_young_persons_category(world, signed_in) -> None:
    """Unfiltered, the caseload counts its list and those set apart at once; filtered, it counts each on
    its own. Both agree with each young person's category worked out from their history, in every scope."""
    a = world["A"]
    _world(a)
    _not_a_care_leaver(a, "Outside two")
    adviser = a.users["personal_adviser"]
    client = signed_in(adviser)
    for scope in selectors.SCOPES:
        everyone = list(selectors.people_in_scope(adviser, scope))
        listed = [p for p in everyone if selectors.category_of(p, TODAY()) != Category.NONE]
        assert listed and len(listed) < len(everyone)
        unfiltered = client.get(reverse("people:caseload"), {"scope": scope})
        sorted_only = client.get(reverse("people:caseload"), {"scope": scope, "sort": "-age", "q": ""})
        for response in (unfiltered, sorted_only):
            assert response.context["page"].paginator.count == len(response.context["rows"]) == len(listed)
            assert response.context["set_apart"] == len(everyone) - len(listed)
        assert {row.person for row in unfiltered.context["rows"]} == set(listed)
        narrowed = client.get(reverse("people:caseload"), {"scope": scope, "status": "neet"})
        assert narrowed.context["page"].paginator.count == len(narrowed.context["rows"]) < len(listed)
        assert narrowed.context["set_apart"] == len(everyone) - len(listed)  # still everyone in scope

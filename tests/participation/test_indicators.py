"""The participation indicators against a brute-force count, person by person, on a generated council;
and read as at a past date, unchanged by what is recorded afterwards."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from onward.accounts.models import Organisation
from onward.core.codelists import NCCIS_PARTICIPATING, InTouch, nccis_code
from onward.core.indicators import indicator_source, read_indicator
from onward.participation import registry
from onward.people.models import Contact, EETSpell, IntendedDestination, YoungPerson

pytestmark = pytest.mark.django_db

LAPSE = {"2": 365, "3": 183, "4": 183, "6": 92, "7": 183}


@pytest.fixture
def council() -> Organisation:
    call_command("generate_cohort", "--council", "Indicator Test Council", "--size", "300", "--seed", "23")
    return Organisation.objects.get(name="Indicator Test Council")


def academic_age(dob: datetime.date, day: datetime.date) -> int:
    august = datetime.date(day.year if day.month >= 9 else day.year - 1, 8, 31)
    return august.year - dob.year - ((august.month, august.day) < (dob.month, dob.day))


def brute(council: Organisation, day: datetime.date) -> list[str]:
    """What each academic age 16-17 young person counts as on ``day``, the long way round."""
    found = []
    for person in YoungPerson.objects.filter(council=council):
        if person.died_on and person.died_on <= day:
            continue
        if academic_age(person.date_of_birth, day) not in (16, 17):
            continue
        spells = [
            s
            for s in EETSpell.objects.filter(person=person, superseded_at__isnull=True)
            if s.start <= day and (s.end is None or s.end >= day)
        ]
        if not spells:
            found.append("not_known")
            continue
        spell = max(spells, key=lambda s: (s.start, s.id))
        code = nccis_code(spell.activity, part_time=spell.part_time)
        contacts = [
            c.date
            for c in Contact.objects.filter(person=person, superseded_at__isnull=True, in_touch=InTouch.YES)
            if c.date <= day
        ]
        ascertained = max([spell.start, *contacts])
        if code[0] == "8":
            found.append("not_known")
            continue
        days = LAPSE.get(code[0], 92)
        if code in ("530", "540"):
            days = 92
        if day > ascertained + datetime.timedelta(days=days):
            found.append("not_known")
        elif code in NCCIS_PARTICIPATING:
            found.append("participating")
        elif code == "540" or code[0] == "6":
            found.append("neet")
        elif code == "710":
            found.append("custody")
        else:
            found.append("other")
    return found


def percent(top: int, bottom: int) -> Decimal:
    return (Decimal(100) * top / bottom).quantize(Decimal("0.1"))


def test_participation_matches_a_brute_force_count(council) -> None:
    day = datetime.date.today() - datetime.timedelta(days=40)  # noqa: DTZ011
    counted = brute(council, day)
    reading = read_indicator(registry.PARTICIPATION, council=council, as_at=day)
    assert reading is not None
    assert reading.denominator == len(counted) > 20
    assert reading.numerator == counted.count("participating")
    assert reading.value == percent(reading.numerator, reading.denominator)


def test_neet_and_not_known_is_the_average_of_december_to_february(council) -> None:
    today = datetime.date.today()  # noqa: DTZ011
    year = today.year if today >= datetime.date(today.year, 2, 28) else today.year - 1
    months = [datetime.date(year - 1, 12, 31), datetime.date(year, 1, 31), datetime.date(year, 2, 28)]
    if year % 4 == 0:
        months[2] = datetime.date(year, 2, 29)
    tops, bottoms = 0, 0
    for month in months:
        counted = [c for c in brute(council, month) if c != "custody"]
        tops += sum(1 for c in counted if c in ("neet", "not_known"))
        bottoms += len(counted)
    reading = read_indicator(registry.NEET_NOT_KNOWN, council=council, as_at=today)
    assert reading is not None
    assert reading.value == percent(tops, bottoms)
    assert reading.numerator == round(tops / 3) and reading.denominator == round(bottoms / 3)
    assert tops > 0


def test_september_guarantee_offers_match_a_brute_force_count(council) -> None:
    day = datetime.date(datetime.date.today().year, 7, 15)  # noqa: DTZ011
    if day > datetime.date.today():  # noqa: DTZ011
        day = day.replace(year=day.year - 1)
    round_year = day.year
    made, total = 0, 0
    for person in YoungPerson.objects.filter(council=council):
        if person.died_on and person.died_on <= day:
            continue
        age = academic_age(person.date_of_birth, datetime.date(round_year - 1, 9, 1))
        if age not in (15, 16):
            continue
        total += 1
        offers = [
            d
            for d in IntendedDestination.objects.filter(person=person, school_year=age - 4, superseded_at__isnull=True)
            if datetime.date(round_year - 1, 9, 1) <= d.date <= day
        ]
        latest = max(offers, key=lambda d: (d.date, d.id)) if offers else None
        made += latest is not None and latest.september_guarantee == "offered"
    reading = read_indicator(registry.GUARANTEE_OFFERS, council=council, as_at=day)
    assert reading is not None
    assert (reading.numerator, reading.denominator) == (made, total)
    assert total > 10


def test_a_reading_for_a_past_date_does_not_change_with_what_is_recorded_after_it(council) -> None:
    past = datetime.date.today() - datetime.timedelta(days=120)  # noqa: DTZ011
    before = {code: read_indicator(code, council=council, as_at=past) for code, _, _ in registry.INDICATORS}
    later = past + datetime.timedelta(days=30)
    for person in YoungPerson.objects.filter(council=council)[:50]:
        EETSpell.objects.create(person=person, activity="apprenticeship", start=later)
        Contact.objects.create(person=person, date=later, method="phone", in_touch=InTouch.YES)
    after = {code: read_indicator(code, council=council, as_at=past) for code, _, _ in registry.INDICATORS}
    assert before == after
    assert read_indicator(registry.PARTICIPATION, council=council, as_at=later) != before[registry.PARTICIPATION]


def test_the_indicators_are_registered_for_plan_measures() -> None:
    for code, name, _ in registry.INDICATORS:
        source = indicator_source(code)
        assert source is not None and source.name == name
    assert registry.reading(0, 0) is None

"""A past year's return is the same whenever it is made; generated councils can stand on any date."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from onward.accounts.models import Organisation
from onward.people import services as people
from onward.people.categories import age_on
from onward.people.models import CareEpisode, Contact, EETSpell, YoungPerson
from onward.returns import checking, selectors, services

D = datetime.date
THEN = D(2025, 5, 15)  # the 2024-25 return's date


def generate(name: str, size: int, seed: int, as_of: datetime.date) -> Organisation:
    out = io.StringIO()
    call_command(
        "generate_cohort",
        "--council",
        name,
        "--size",
        str(size),
        "--seed",
        str(seed),
        "--as-of",
        as_of.isoformat(),
        stdout=out,
    )
    return Organisation.objects.get(name=name)


def test_generated_histories_reach_the_date_given_and_no_further(db) -> None:
    council = generate("Asof Council", 300, 5, THEN)
    people_ = YoungPerson.objects.filter(council=council)
    assert people_.count() == 300
    assert max(CareEpisode.objects.filter(person__council=council).values_list("start", flat=True)) <= THEN
    latest_end = CareEpisode.objects.filter(person__council=council, end__isnull=False).order_by("-end").first()
    assert latest_end is not None and latest_end.end <= THEN  # type: ignore[operator]
    assert max(Contact.objects.filter(person__council=council).values_list("date", flat=True)) <= THEN
    assert max(EETSpell.objects.filter(person__council=council).values_list("start", flat=True)) <= THEN
    # Young people's ages are reckoned from that date: none of them is older than 25 then.
    assert min(people_.values_list("date_of_birth", flat=True)) > D(1998, 5, 15)


def test_a_date_to_come_is_refused(db) -> None:
    with pytest.raises(CommandError, match="today or earlier"):
        generate("Future Council", 10, 1, D(2100, 1, 1))


def test_a_past_years_return_is_the_one_made_then_after_the_council_moves_on(db) -> None:
    """Made on its return date, then again a year on, after young people came back into care, left it and
    were seen again: the same files, and nobody who came back into care is dropped."""
    from tests.factories import UserFactory

    council = generate("Movingon Council", 1500, 7, THEN)
    adviser = UserFactory(organisation=council, roles=["personal_adviser"])
    with time_machine.travel(datetime.datetime(2025, 5, 15, 12, tzinfo=datetime.UTC), tick=False):
        then = selectors.build_return(council=council, year=2025)
    assert len(then.oc3) > 300
    # A year on: 17 and 18 year olds come back into care for a while, and those in care at the year end leave it.
    returned = []
    for row in then.oc3:
        person = YoungPerson.objects.get(council=council, child_id=row["CHILD"])
        if CareEpisode.objects.filter(person=person, start__gt=D(2025, 3, 31)).exists():
            continue
        open_episode = CareEpisode.objects.filter(person=person, end__isnull=True).first()
        if open_episode is not None:
            people.episode_update(acting_user=adviser, episode=open_episode, end=D(2025, 9, 1), reason_ceased="E13")
        elif len(returned) < 40 and age_on(person.date_of_birth, D(2025, 3, 31)) in (17, 18):
            people.episode_add(
                acting_user=adviser,
                person=person,
                start=D(2025, 7, 1),
                end=D(2025, 10, 1),
                reason_ceased="E13",
                reason_new_episode="S",
                legal_status="V2",
                placement_type="U6",
                placement_provider="PR1",
                category_of_need="N4",
                home_postcode="SW1A 1AA",
                placement_postcode="SW1A 2AA",
                urn="1234567",
            )
            returned.append(row["CHILD"])
        people.contact_record(
            acting_user=adviser,
            person=person,
            date=D(2026, 1, 10),
            method="phone",
            in_touch="YES",
        )
    assert len(returned) >= 20
    now = services.return_export(acting_user=None, council=council, year=2025)
    assert now.files() == then.files()
    assert set(returned) <= {row["CHILD"] for row in now.oc3}


@pytest.mark.parametrize(("size", "seed"), [(2500, 9), (800, 4)])
def test_generated_councils_pass_the_departments_rules_in_every_year(db, size: int, seed: int) -> None:
    """Each collection year ending 2024 to 2026, exported on its return date: no real error and no rule left
    unrun, under the rules of that year and the cross-year rules against the previous year."""
    for year in (2024, 2025, 2026):
        council = generate(f"Rules Council {year} {size}", size, seed + year, D(year, 5, 15))
        with time_machine.travel(datetime.datetime(year, 5, 15, 12, tzinfo=datetime.UTC), tick=False):
            result = selectors.build_return(council=council, year=year)
            checked = checking.check_return(result, council=council)  # the cross-year rules too
        assert len(result.oc3) > size / 5
        assert checked.errors == [], checked.errors[:5]
        assert checked.failed_rules == []

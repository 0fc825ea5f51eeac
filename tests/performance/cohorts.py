"""Hand-built cohorts with known answers, for the indicator tests.

Everyone's birthday is on 15 May and the figures are taken on 30 June 2025, so the age on the date
and the age at the birthday in the 2025-26 collection year are the same, and one cohort serves
both counting methods.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from onward.accounts.models import Organisation, Team
from onward.people.categories import birthday
from onward.people.models import (
    PEP,
    AccommodationSpell,
    CareEpisode,
    Contact,
    EETSpell,
    PathwayPlanReview,
    YoungPerson,
)
from onward.people.services import refresh_care_summary
from tests.factories import YoungPersonFactory

if TYPE_CHECKING:
    from tests.conftest import Tenant

DAY = datetime.date(2025, 6, 30)
CONTACT_DAY = datetime.date(2025, 5, 20)
SPELL_START = datetime.date(2025, 1, 1)


def dob_for(age: int) -> datetime.date:
    return datetime.date(DAY.year - age, 5, 15)


def care(
    person: YoungPerson, start: datetime.date, end: datetime.date | None, reason: str = "", status: str = "C2"
) -> None:
    CareEpisode.objects.create(
        person=person,
        start=start,
        end=end,
        reason_new_episode="S",
        legal_status=status,
        placement_type="U4",
        reason_ceased=reason if end else "",
    )
    refresh_care_summary(person)


def care_leaver(
    council: Organisation, age: int, *, left_at: float = 18, reason: str = "E17", **extra: object
) -> YoungPerson:
    """A young person looked after from their 14th birthday until ``left_at``, born on 15 May."""
    dob = dob_for(age)
    person: YoungPerson = YoungPersonFactory(council=council, date_of_birth=dob, **extra)
    whole = int(left_at)
    end = birthday(dob, whole) + datetime.timedelta(days=int((left_at - whole) * 365))
    care(person, birthday(dob, 14), end, reason)
    return person


def status(
    person: YoungPerson,
    *,
    activity: str | None = None,
    suitable: bool | None = True,
    accommodation: str = "U",
    in_touch: str | None = "YES",
    contact_on: datetime.date = CONTACT_DAY,
) -> None:
    if activity:
        EETSpell.objects.create(person=person, activity=activity, start=SPELL_START)
    if suitable is not None:
        AccommodationSpell.objects.create(
            person=person,
            start=SPELL_START,
            accommodation_type=accommodation,
            suitability="suitable" if suitable else "unsuitable",
        )
    if in_touch:
        Contact.objects.create(person=person, date=contact_on, method="in_person", in_touch=in_touch)


@dataclass
class Cohort:
    council: Organisation
    team: Team | None = None
    people: dict[str, YoungPerson] = field(default_factory=dict)

    def ids(self, *keys: str) -> set[int]:
        return {self.people[k].pk for k in keys}


def build(council: Organisation, team: Team | None = None) -> Cohort:
    """Six 19 to 21 year olds, two 17 to 18 year olds, and one of each exclusion (see the tests)."""
    cohort = Cohort(council=council, team=team)
    p = cohort.people

    def leaver(key: str, age: int, **kwargs: object) -> YoungPerson:
        p[key] = care_leaver(council, age, team=team, **kwargs)
        return p[key]

    status(leaver("A", 20, sex="F", send=True), activity="further_education")
    status(leaver("B", 19, sex="M"), activity="neet_illness", suitable=False, in_touch="NO")
    status(leaver("C", 21, sex="F"), activity="higher_education")
    status(leaver("D", 20, sex="M"))  # in touch, but no activity recorded
    status(leaver("E", 20, sex="F"), activity="neet_parenting")
    status(leaver("F", 19, sex="M", uasc=True), activity="neet_seeking")
    # 17 and 18: left care before the birthday.
    status(leaver("G", 17, left_at=16.5, reason="E8", sex="F"), activity="apprenticeship")
    status(leaver("H", 18, left_at=17.5, reason="E8", sex="M"), activity="neet_other")
    # Still looked after at 17: no care leaver figures (rule 1007).
    dob = dob_for(17)
    p["I"] = YoungPersonFactory(council=council, date_of_birth=dob, team=team, sex="F")
    care(p["I"], birthday(dob, 14), None)
    status(p["I"], activity="further_education")
    # The exclusions, each otherwise like A.
    died = leaver("J_died", 20)
    status(died, activity="further_education", in_touch="DIED", contact_on=datetime.date(2025, 3, 1))
    YoungPerson.objects.filter(pk=died.pk).update(died_on=datetime.date(2025, 3, 1))
    status(leaver("K_returned_home", 20), activity="further_education", in_touch="RHOM")
    dob = dob_for(20)
    p["L_short_breaks"] = YoungPersonFactory(council=council, date_of_birth=dob, team=team)
    care(p["L_short_breaks"], birthday(dob, 14), birthday(dob, 18), "E8", status="V3")
    status(p["L_short_breaks"], activity="further_education")
    status(leaver("M_transferred", 20, left_at=17, reason="E3"), activity="further_education")
    p["N_never_in_care"] = YoungPersonFactory(council=council, date_of_birth=dob_for(20), team=team)
    status(p["N_never_in_care"], activity="further_education")
    # Pathway plans: A's review is in date, B's overdue; nobody else has one.
    PathwayPlanReview.objects.create(person=p["A"], date=datetime.date(2025, 3, 1), next_due=datetime.date(2025, 9, 1))
    PathwayPlanReview.objects.create(person=p["B"], date=datetime.date(2024, 12, 1), next_due=datetime.date(2025, 6, 1))
    return cohort


def build_peps(council: Organisation) -> Cohort:
    """Looked after in Years 12 and 13 on 30 June 2025 (academic year from September 2024), with PEPs."""
    cohort = Cohort(council=council)
    p = cohort.people
    for key, dob, looked_after in (
        ("year12_good", datetime.date(2008, 1, 10), True),
        ("year12_weak", datetime.date(2007, 12, 1), True),
        ("year13_none", datetime.date(2007, 3, 1), True),
        ("year12_left_care", datetime.date(2008, 2, 1), False),
        ("year11", datetime.date(2009, 2, 1), True),
    ):
        p[key] = YoungPersonFactory(council=council, date_of_birth=dob)
        care(p[key], datetime.date(2022, 1, 1), None if looked_after else datetime.date(2025, 1, 1), "E8")
    PEP.objects.create(
        person=p["year12_good"],
        date=datetime.date(2025, 5, 1),
        school_year=12,
        social_worker_attended=True,
        quality="good",
    )
    PEP.objects.create(
        person=p["year12_weak"],
        date=datetime.date(2025, 5, 10),
        school_year=12,
        social_worker_attended=False,
        quality="requires_improvement",
    )
    PEP.objects.create(
        person=p["year13_none"],
        date=datetime.date(2024, 12, 1),
        school_year=13,
        social_worker_attended=True,
        quality="outstanding",
    )
    PEP.objects.create(
        person=p["year12_left_care"],
        date=datetime.date(2025, 5, 1),
        school_year=12,
        social_worker_attended=True,
        quality="good",
    )
    return cohort


def age_out_the_worlds_young_person(tenant: Tenant) -> None:
    """The world's own young person would be 20 on 30 June 2025; make them 31 so the cohort's answers stand."""
    assert tenant.person is not None
    YoungPerson.objects.filter(pk=tenant.person.pk).update(
        date_of_birth=tenant.person.date_of_birth - datetime.timedelta(days=11 * 366)
    )

"""Synthetic councils for the demo, tests and benchmarks: care histories and EET journeys.

Deterministic for a given seed. Proportions on the day of generation resemble the national
figures (REFERENCE.md §3): aged 19 to 21, 54% in education, employment or training, 40% not,
6% not known; aged 17 to 18, 64%, 30% and 6%; accommodation suitable for about 89%; in touch
with about 94%. Names come from Faker (en_GB); postcodes are those of public buildings, so no
real person's address is ever used. Rows are written with ``insert_many`` in chunks, so a
national-scale set (250,000 young people, over 5 million history records) fits in memory.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from faker import Faker

from onward.accounts import services as account_services
from onward.accounts.models import Organisation, Team, User
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record
from onward.core import codelists
from onward.core.bulk import analyze_loaded, insert_many
from onward.people import categories
from onward.people.models import (
    PEP,
    AccommodationSpell,
    Allocation,
    Aspiration,
    CareEpisode,
    Contact,
    DatedRecord,
    EETSpell,
    IntendedDestination,
    PathwayPlanReview,
    YoungPerson,
)
from onward.people.selectors import plan_review_due

CHUNK = 5000
# Public buildings (town halls, civic centres, landmarks): valid postcodes that are nobody's home.
POSTCODES = [
    "SW1A 1AA",
    "SW1A 2AA",
    "SW1A 0AA",
    "EC2R 8AH",
    "M2 5DB",
    "B1 1BB",
    "LS1 1UR",
    "L2 2DH",
    "NE1 8QH",
    "M1 1AE",
    "CV1 5RR",
    "YO1 9QN",
]
AGE_WEIGHTS = {14: 4, 15: 5, 16: 8, 17: 9, 18: 11, 19: 12, 20: 12, 21: 11, 22: 9, 23: 7, 24: 6, 25: 6}
PLACES = ["U4", "U6", "U6", "U4", "K2", "U1", "U3", "K2", "P1", "R1"]  # valid in every year's rules
LEAVING = ["E13", "E5", "E6", "E8", "E4A"]
SECTORS = [
    "construction",
    "health and care",
    "digital",
    "hospitality",
    "retail",
    "creative",
    "logistics",
    "animal care",
    "sport",
]
PLACES_ELSEWHERE = ["Harrowfield", "Brockmoor", "Alderley", "Fernhill", "Kingsmere", "Lowden"]

E = codelists.EETActivity


def _destination_sector(aspired: str, dob: datetime.date) -> str:
    """The sector of a Year 11 intended destination: mostly the one aspired to, sometimes another, now and
    then not recorded. Taken from the date of birth, not the random stream, so the rest of a generated
    cohort stays as it was."""
    if not aspired or dob.day % 9 == 0:
        return ""
    if dob.day % 4 == 0:
        return SECTORS[(SECTORS.index(aspired) + 1) % len(SECTORS)]
    return aspired


NEET_OTHER = [E.NEET_OTHER, E.NEET_SEEKING, E.NEET_NOT_READY, E.NEET_YOUNG_CARER, E.VOLUNTEERING]
# Shares (per cent) of the current activity, by age band.
MIX_19_21 = [
    (E.HIGHER_EDUCATION, 6),
    (E.FURTHER_EDUCATION, 21),
    (E.APPRENTICESHIP, 2),
    (E.EMPLOYMENT_FULL_TIME, 14),
    (E.EMPLOYMENT_PART_TIME, 7),
    (E.TRAINEESHIP, 2),
    (E.SELF_EMPLOYMENT, 2),
    (E.NEET_ILLNESS, 9),
    (E.NEET_PARENTING, 4),
    ("neet_other_mix", 27),
    (E.NOT_KNOWN, 6),
]
MIX_17_18 = [
    (E.HIGHER_EDUCATION, 3),
    (E.FURTHER_EDUCATION, 48),
    (E.APPRENTICESHIP, 4),
    (E.EMPLOYMENT_FULL_TIME, 5),
    (E.EMPLOYMENT_PART_TIME, 3),
    (E.TRAINEESHIP, 1),
    (E.NEET_ILLNESS, 5),
    (E.NEET_PARENTING, 3),
    ("neet_other_mix", 22),
    (E.NOT_KNOWN, 6),
]
MIX_22_25 = [
    (E.HIGHER_EDUCATION, 5),
    (E.FURTHER_EDUCATION, 10),
    (E.APPRENTICESHIP, 2),
    (E.EMPLOYMENT_FULL_TIME, 22),
    (E.EMPLOYMENT_PART_TIME, 9),
    (E.SELF_EMPLOYMENT, 2),
    (E.NEET_ILLNESS, 10),
    (E.NEET_PARENTING, 6),
    ("neet_other_mix", 26),
    (E.NOT_KNOWN, 8),
]
PAST_ACTIVITIES = [
    E.FURTHER_EDUCATION,
    E.NEET_SEEKING,
    E.TRAINEESHIP,
    E.EMPLOYMENT_PART_TIME,
    E.NEET_OTHER,
    E.RE_ENGAGEMENT,
]


def _pick(rng: random.Random, mix: list[tuple[Any, int]]) -> str:
    value = rng.choices([v for v, _ in mix], weights=[w for _, w in mix])[0]
    return str(rng.choice(NEET_OTHER) if value == "neet_other_mix" else value)


def _days(rng: random.Random, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, max(low, high)))


@dataclass
class Batch:
    people: list[YoungPerson] = field(default_factory=list)
    rows: dict[type, list[Any]] = field(default_factory=dict)

    def add(self, obj: Any) -> None:
        self.rows.setdefault(type(obj), []).append(obj)


@dataclass
class Staff:
    advisers: list[tuple[User, Team | None]]
    recorder: User | None


def _staff(council: Organisation, fake: Faker, size: int) -> Staff:
    advisers = [
        (user, user.teams.order_by("pk").first())
        for user in User.objects.filter(organisation=council, groups__name="personal_adviser", is_active=True).order_by(
            "pk"
        )
    ]
    if not advisers:
        teams = []
        for name in ("Leaving Care North", "Leaving Care South", "16 Plus Team"):
            team = Team.objects.filter(council=council, name=name).first() or account_services.team_create(
                acting_user=None, council=council, name=name
            )
            teams.append(team)
        slug = "".join(ch for ch in council.name.lower() if ch.isalnum())[:20]
        for i in range(max(3, min(60, size // 30))):
            user = account_services.user_create(
                acting_user=None,
                organisation=council,
                email=f"adviser{i + 1}@{slug}.example",
                given_name=fake.first_name(),
                family_name=fake.last_name(),
                job_title="Personal adviser",
                role_keys={"personal_adviser"},
                teams=[teams[i % len(teams)]],
            )
            advisers.append((user, teams[i % len(teams)]))
    return Staff(advisers=advisers, recorder=advisers[0][0] if advisers else None)


def _chain_new(records: list[Any]) -> None:
    """Set ``next_date`` on new young people's dated records before they are inserted.

    The same rule as ``people.services.history_chain``, worked out in memory: ids follow the order
    of insertion, so "date, then id" is "date, then position in the list".
    """
    by_person: dict[int, list[tuple[datetime.date, int, Any]]] = {}
    for position, record in enumerate(records):
        by_person.setdefault(record.person_id, []).append((record.date, position, record))
    for chain in by_person.values():
        chain.sort(key=lambda item: (item[0], item[1]))
        for (_, _, record), (following, _, _) in itertools.pairwise(chain):
            record.next_date = following


def generate_council(
    *,
    council: Organisation,
    size: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
    as_of: datetime.date | None = None,
    loaded: dict[type[models.Model], int] | None = None,
) -> dict[str, int]:
    """Generate ``size`` young people for ``council``; returns the number of rows written per table.

    Their histories reach ``as_of`` (today unless given): a council as it would have stood on that date.
    The tables filled are analysed at the end (``core.bulk.analyze_loaded``), unless ``loaded`` is
    given: the rows written per model are then added to it, for a caller generating several councils
    to analyse once when all are done.
    """
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    today = as_of or timezone.localdate()
    with transaction.atomic():
        staff = _staff(council, fake, size)
    counts: dict[str, int] = {}
    written: dict[type[models.Model], int] = {}
    prefix = f"{seed % 1000:03d}"
    for start in range(0, size, CHUNK):
        batch = Batch()
        for i in range(start, min(size, start + CHUNK)):
            _person(batch, rng, fake, council, staff, f"G{prefix}{i:07d}", i, today)
        with transaction.atomic():
            insert_many(YoungPerson, batch.people)
            ids = dict(
                YoungPerson.objects.filter(
                    council=council, child_id__in=[p.child_id for p in batch.people]
                ).values_list("child_id", "pk")
            )
            for person in batch.people:
                person.pk = ids[person.child_id]
            for model, objects in batch.rows.items():
                for obj in objects:
                    obj.person_id = obj.person.pk
                if issubclass(model, DatedRecord):
                    _chain_new(objects)
                insert_many(model, objects)
                counts[model.__name__] = counts.get(model.__name__, 0) + len(objects)
                written[model] = written.get(model, 0) + len(objects)
        counts["YoungPerson"] = counts.get("YoungPerson", 0) + len(batch.people)
        written[YoungPerson] = written.get(YoungPerson, 0) + len(batch.people)
        if progress:
            progress(min(size, start + CHUNK))
    if loaded is None:
        analyze_loaded(written)
    else:
        for model, rows in written.items():
            loaded[model] = loaded.get(model, 0) + rows
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditEvent.Action.CREATE,
            council=council,
            object_type="people.YoungPerson",
            summary=f"Generated {size} young people (seed {seed})",
        )
    return counts


def _person(
    batch: Batch,
    rng: random.Random,
    fake: Faker,
    council: Organisation,
    staff: Staff,
    child_id: str,
    index: int,
    today: datetime.date,
) -> None:
    age = rng.choices(list(AGE_WEIGHTS), weights=list(AGE_WEIGHTS.values()))[0]
    dob = today - datetime.timedelta(days=age * 365 + age // 4) - _days(rng, 1, 360)
    sex = "F" if rng.random() < 0.45 else ("M" if rng.random() < 0.995 else "U")
    adviser, team = staff.advisers[index % len(staff.advisers)] if staff.advisers else (None, None)
    out_of_area = rng.random() < 0.3
    person = YoungPerson(
        council=council,
        child_id=child_id,
        legal_given_name=fake.first_name_female() if sex == "F" else fake.first_name_male(),
        legal_family_name=fake.last_name(),
        preferred_name=fake.first_name() if rng.random() < 0.08 else "",
        date_of_birth=dob,
        sex=sex,
        ethnicity=rng.choices(
            codelists.Ethnicity.values, weights=[60, 2, 6, 1, 1, 3, 2, 2, 3, 2, 2, 1, 2, 2, 4, 1, 1, 3, 1, 1]
        )[0],
        upn=f"{rng.choice('ABCDEFGHJKLMNPQRTUVWXYZ')}{rng.randint(10**11, 10**12 - 1)}" if rng.random() < 0.85 else "",
        uasc=rng.random() < 0.12,
        send=rng.random() < 0.25,
        is_parent=rng.random() < 0.06,
        is_pregnant=rng.random() < 0.02,
        lives_out_of_area=out_of_area,
        out_of_area_location=rng.choice(PLACES_ELSEWHERE) if out_of_area else "",
        phone=f"07700 9{rng.randint(0, 99999):05d}" if rng.random() < 0.8 else "",
        email="",
        communication_preferences=rng.sample(["phone", "text", "email", "in_person"], 2),
        personal_adviser=adviser if age >= 16 else None,
        team=team if age >= 16 else None,
    )
    person.ehcp = person.send and rng.random() < 0.4
    if person.is_parent and sex == "F":
        earliest = max(categories.birthday(dob, 16), today - datetime.timedelta(days=900))
        person.child_born_on = min(today - datetime.timedelta(days=30), earliest + _days(rng, 0, 600))
    batch.people.append(person)

    episodes = _care_history(batch, rng, person, age, today)
    summary = categories.summarise(
        dob, [categories.Episode(e.start, e.end, e.legal_status, e.reason_ceased) for e in episodes]
    )
    person.eligible_from = summary.eligible_from
    person.looked_after_now = summary.looked_after_now
    person.care_ended_on = summary.care_ended_on
    person.final_reason = summary.final_reason
    person.left_care_after_16 = summary.left_care_after_16_by(datetime.date.max, categories.birthday(dob, 16))
    category = categories.category_on(dob, summary, today)
    if category in (categories.Category.DIED, categories.Category.TRANSFERRED, categories.Category.ADOPTED):
        if category == categories.Category.DIED:
            person.died_on = summary.care_ended_on
        return

    sixteenth = categories.birthday(dob, 16)
    if age >= 16 and adviser is not None:
        batch.add(
            Allocation(
                person=person,
                role=Allocation.Role.PERSONAL_ADVISER,
                worker=adviser,
                team=team,
                start=max(sixteenth, today - _days(rng, 30, 700)),
                recorded_by=staff.recorder,
            )
        )
    aspired = ""
    if age >= 14:
        aspired_on = categories.birthday(dob, 14) + _days(rng, 30, 200)
        hope = f"Work in {rng.choice(SECTORS)}"
        aspired = rng.choice(SECTORS)
        batch.add(
            Aspiration(
                person=person,
                date=aspired_on,
                school_year=9,
                aspiration=hope,
                sector=aspired,
                recorded_by=staff.recorder,
            )
        )
    if age >= 16:
        batch.add(
            IntendedDestination(
                person=person,
                date=categories.birthday(dob, 15) + _days(rng, 100, 250),
                school_year=11,
                destination=rng.choice([E.FURTHER_EDUCATION, E.APPRENTICESHIP, E.TRAINEESHIP]),
                september_guarantee=rng.choice(["offered", "offered", "offered", "no_offer"]),
                sector=_destination_sector(aspired, dob),
                recorded_by=staff.recorder,
            )
        )
    if age >= 16:
        _eet_journey(batch, rng, person, age, today, staff)
        _accommodation(batch, rng, person, summary, today, staff)
        _contacts(batch, rng, person, today, staff)
        if person.eligible_from is not None:
            _reviews(batch, rng, person, today, staff)
    if summary.looked_after_now and age >= 16:
        for term in range(3):
            day = today - datetime.timedelta(days=30 + 120 * term)
            if day > sixteenth - datetime.timedelta(days=300):
                batch.add(
                    PEP(
                        person=person,
                        date=day,
                        school_year=12 if age == 16 else 13,
                        social_worker_attended=rng.random() < 0.95,
                        quality=rng.choices(
                            ["outstanding", "good", "requires_improvement", "inadequate"], weights=[15, 70, 12, 3]
                        )[0],
                        recorded_by=staff.recorder,
                    )
                )


def _care_history(
    batch: Batch, rng: random.Random, person: YoungPerson, age: int, today: datetime.date
) -> list[CareEpisode]:
    dob = person.date_of_birth
    kind = rng.random()
    episodes: list[CareEpisode] = []

    home = rng.choice(POSTCODES[:6])
    need = rng.choice(["N1", "N1", "N4", "N5", "N8"])

    def episode(
        start: datetime.date,
        end: datetime.date | None,
        reason: str,
        legal: str = "C2",
        rne: str = "S",
        place: str | None = None,
    ) -> None:
        place = place or rng.choice(PLACES)
        temporary = place.startswith("T") or place.startswith("Z1")
        episodes.append(
            CareEpisode(
                person=person,
                start=start,
                end=end,
                reason_new_episode=rne,
                # The reason for a change of placement sits on the episode the change ends (rule 225).
                reason_place_change=rng.choice(["CARPL", "CARPL", "CREQO", "CHILD", "LAREQ"]) if reason == "X1" else "",
                legal_status=legal,
                category_of_need=need,  # one category of need for the whole period (rule 504)
                placement_type=place,
                placement_provider="" if temporary else ("PR0" if place == "P1" else rng.choice(["PR4", "PR5"])),
                reason_ceased=reason if end else "",
                # No home postcode for unaccompanied asylum-seeking children (rule 406); with parents,
                # home is the placement.
                home_postcode="" if person.uasc else home,
                placement_postcode=home if place == "P1" else rng.choice(POSTCODES[6:]),
                urn="" if place in ("P1", "R1") else f"SC{rng.randint(100000, 999999)}",
            )
        )

    if kind < 0.04:  # short breaks only: not a care leaver
        start = categories.birthday(dob, 12)
        episode(start, min(start + _days(rng, 300, 900), today), "E8", legal="V3", place="U6")
    elif kind < 0.07:  # qualifying: in care briefly after 16
        start = categories.birthday(dob, 16) + _days(rng, 10, 200)
        if start < today:
            episode(start, min(start + _days(rng, 20, 80), today), rng.choice(LEAVING), legal="V2")
    elif kind < 0.08:  # care taken over by another council
        start = categories.birthday(dob, 13)
        episode(start, min(categories.birthday(dob, 15), today), "E3")
    elif kind < 0.085:  # died in care
        start = categories.birthday(dob, 14)
        died = min(categories.birthday(dob, 16) + _days(rng, 30, 300), today)
        episode(start, died, "E2")
    else:  # looked after from somewhere between 10 and 16, to leaving or to 18
        start = dob + datetime.timedelta(days=int(365.25 * rng.uniform(10, 16.2)))
        if start >= today:
            return episodes
        leave_age = rng.choices([16.3, 16.8, 17.2, 17.7, 18.0], weights=[12, 14, 16, 18, 40])[0]
        leave = (
            categories.birthday(dob, 18)
            if leave_age == 18.0
            else dob + datetime.timedelta(days=int(365.25 * leave_age))
        )
        if leave <= start:
            leave = start + datetime.timedelta(days=200)
        end: datetime.date | None = leave if leave <= today else None
        reason = "E17" if leave_age == 18.0 and rng.random() < 0.3 else rng.choice(LEAVING)
        changes = rng.randint(0, 2)
        current = start
        for n in range(changes):
            split = current + _days(rng, 90, 500)
            if (end is not None and split >= end) or split >= today:
                break
            episode(current, split, "X1", rne="S" if n == 0 else "P")
            current = split
        episode(current, end, reason, rne="S" if current == start else "P")
    for e in episodes:
        batch.add(e)
    return episodes


def _eet_journey(
    batch: Batch, rng: random.Random, person: YoungPerson, age: int, today: datetime.date, staff: Staff
) -> None:
    dob = person.date_of_birth
    mix = MIX_17_18 if age <= 18 else MIX_19_21 if age <= 21 else MIX_22_25
    current = _pick(rng, mix)
    sixteenth = categories.birthday(dob, 16)
    start = sixteenth + _days(rng, 0, 60)
    past = rng.randint(0, 3)
    for _ in range(past):
        length = _days(rng, 90, 500)
        if start + length >= today - datetime.timedelta(days=60):
            break
        activity = rng.choice(PAST_ACTIVITIES)
        batch.add(
            EETSpell(
                person=person,
                activity=activity,
                part_time=activity in codelists.FULL_OR_PART_TIME and rng.random() < 0.2,
                start=start,
                end=start + length,
                provider="",
                source="worker",
                recorded_by=staff.recorder,
            )
        )
        start = start + length + _days(rng, 1, 20)
    if start >= today:
        start = today - _days(rng, 10, 60)
    end = None
    if current in codelists.EET_ACTIVITIES and rng.random() < 0.12:
        end = today + _days(rng, 7, 70)  # a course or job due to end
    batch.add(
        EETSpell(
            person=person,
            activity=current,
            part_time=current in codelists.FULL_OR_PART_TIME and rng.random() < 0.15,
            start=start,
            end=end,
            provider=rng.choice(["Wexbridge College", "Northgate Training", "Brightwell Logistics", ""])
            if current in codelists.EET_ACTIVITIES
            else "",
            source=rng.choice(["worker", "worker", "worker", "partner", "import"]),
            recorded_by=staff.recorder,
        )
    )


def _accommodation(
    batch: Batch,
    rng: random.Random,
    person: YoungPerson,
    summary: categories.CareSummary,
    today: datetime.date,
    staff: Staff,
) -> None:
    left = summary.care_ended_on
    if left is None:
        return
    roll = rng.random()
    if roll < 0.06:
        return  # not known
    kind = rng.choices(["U", "D", "B", "Z", "E", "K", "T"], weights=[35, 25, 12, 10, 8, 5, 5])[0]
    if kind == "Z" and categories.age_on(person.date_of_birth, today) < 18:
        kind = "D"
    suitable = "unsuitable" if roll < 0.11 else "suitable"
    batch.add(
        AccommodationSpell(
            person=person, accommodation_type=kind, suitability=suitable, start=left, recorded_by=staff.recorder
        )
    )


def _contacts(batch: Batch, rng: random.Random, person: YoungPerson, today: datetime.date, staff: Staff) -> None:
    start = max(categories.birthday(person.date_of_birth, 16), today - datetime.timedelta(days=540))
    latest = rng.choices(["YES", "NO", "REFU", "NREQ", "RHOM"], weights=[93, 4, 1, 1, 1])[0]
    gap = rng.randint(20, 60)
    day = start
    dates = []
    while day < today:
        dates.append(day)
        day += datetime.timedelta(days=gap + rng.randint(-10, 10))
    if not dates:
        dates = [today - datetime.timedelta(days=5)]
    if rng.random() < 0.1:
        dates = [d for d in dates if d < today - datetime.timedelta(days=70)] or dates[:1]  # drifting out of touch
    for n, day in enumerate(dates):
        status = latest if n == len(dates) - 1 else "YES"
        batch.add(
            Contact(
                person=person,
                date=day,
                method=rng.choice(["in_person", "phone", "message"]),
                in_touch=status,
                recorded_by=staff.recorder,
            )
        )
    _birthday_contacts(batch, person, before=start, staff=staff)


def _birthday_contacts(batch: Batch, person: YoungPerson, *, before: datetime.date, staff: Staff) -> None:
    """A contact in the weeks before each 17th to 21st birthday older than the regular contacts.

    The SSDA903 return describes a care leaver around each of those birthdays, so past years'
    returns need a contact there as a real record would have. A generator of its own, seeded by
    the young person, leaves the main sequence (and so everything else generated) as it was.
    """
    rng = random.Random(f"birthday-contacts-{person.child_id}")  # noqa: S311 - synthetic data
    for age in range(17, 22):
        day = categories.birthday(person.date_of_birth, age) - _days(rng, 0, 60)
        if day >= before:
            break
        batch.add(
            Contact(
                person=person,
                date=day,
                method=rng.choice(["in_person", "phone", "message"]),
                in_touch=rng.choices(["YES", "NO", "REFU"], weights=[94, 4, 2])[0],
                recorded_by=staff.recorder,
            )
        )


def _reviews(batch: Batch, rng: random.Random, person: YoungPerson, today: datetime.date, staff: Staff) -> None:
    day = max(person.eligible_from or today, today - datetime.timedelta(days=900))
    overdue = rng.random() < 0.15
    stop = today - datetime.timedelta(days=200) if overdue else today
    while day <= stop:
        due = plan_review_due(day)
        batch.add(
            PathwayPlanReview(
                person=person,
                date=day,
                next_due=due,
                passport=rng.sample(
                    ["money", "bank_account", "identity", "health", "cooking", "home", "travel", "eet", "entitlements"],
                    rng.randint(2, 8),
                ),
                recorded_by=staff.recorder,
            )
        )
        day = due - _days(rng, 0, 30)


# Careers guidance, pathway plans for children in care, audits, extended PEPs, higher education -----------


INSTITUTIONS = ["University of the North", "Midlands College of Art", "City University", "Coastal University"]
COURSES = ["Nursing", "Computer science", "Social work", "Business", "Engineering", "Early years education"]
GUIDANCE = [
    "Talked through college courses and apprenticeships; helped with a college application",
    "Explored careers in health and care; looked at the entry routes",
    "Went through the local offer and the September Guarantee",
]


def generate_education_records(
    *, council: Organisation, seed: int, as_of: datetime.date | None = None
) -> dict[str, int]:
    """Add to a generated council what the issue 26 indicators count, so they are not zero: careers
    guidance appointments for Year 11 children in care, a careers adviser and a Virtual School contact
    among the allocations, pathway plans for children in care from 15 years 6 months, managers' audits
    of pathway plans, PEPs of care leavers in Year 13, and higher education applications (a start goes
    through ``people.services``, the EET history's one writer). Its own seed, so the cohort itself is
    as ``generate_council`` made it. Returns the rows added per kind."""
    from django.core.exceptions import ValidationError

    from onward.people import selectors, services
    from onward.people.models import GuidanceAppointment, PathwayPlanAudit

    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    today = as_of or timezone.localdate()
    first = selectors.academic_year_first(today)
    people = YoungPerson.objects.filter(council=council)
    looked_after = set(selectors.looked_after_on(people, today).values_list("pk", flat=True))
    recorder = User.objects.filter(organisation=council, is_active=True).order_by("pk").first()
    planned = set(
        PathwayPlanReview.objects.filter(person__council=council, date__lte=today).values_list("person_id", flat=True)
    )
    counts = {"guidance": 0, "allocations": 0, "plans": 0, "audits": 0, "peps": 0, "he": 0}
    guidance: list[Any] = []
    allocations: list[Any] = []
    reviews: list[Any] = []
    peps: list[Any] = []
    audits: list[Any] = []
    for person in people.order_by("pk"):
        year = selectors.school_year_on(person.date_of_birth, today)
        in_care = person.pk in looked_after
        if in_care and year == 11:
            for _ in range(rng.choice([0, 1, 1, 1, 2])):
                attended = rng.random() < 0.8
                guidance.append(
                    GuidanceAppointment(
                        person=person,
                        date=first + datetime.timedelta(days=rng.randint(0, max(0, (today - first).days))),
                        adviser=f"Careers adviser {rng.randint(1, 4)}",
                        attendance="attended" if attended else rng.choice(["did_not_attend", "rearranged"]),
                        guidance_given=rng.choice(GUIDANCE) if attended else "",
                        next_step="Apply to college by January" if attended else "",
                        recorded_by=recorder,
                    )
                )
        if 10 <= year <= 13 and (in_care or year == 13) and rng.random() < 0.6:
            allocations.append(
                Allocation(
                    person=person,
                    role=Allocation.Role.CAREERS_ADVISER,
                    worker_name=f"Careers adviser {rng.randint(1, 4)}",
                    start=today - _days(rng, 20, 500),
                    recorded_by=recorder,
                )
            )
            if in_care:
                allocations.append(
                    Allocation(
                        person=person,
                        role=Allocation.Role.VIRTUAL_SCHOOL,
                        worker_name=f"Virtual School officer {rng.randint(1, 3)}",
                        start=today - _days(rng, 20, 700),
                        recorded_by=recorder,
                    )
                )
        fifteen_and_a_half = selectors.months_after(categories.birthday(person.date_of_birth, 15), 6)
        if in_care and fifteen_and_a_half <= today and person.pk not in planned and rng.random() < 0.75:
            day = min(today, fifteen_and_a_half + _days(rng, 0, 60))
            reviews.append(
                PathwayPlanReview(
                    person=person, date=day, next_due=plan_review_due(day), passport=["identity"], recorded_by=recorder
                )
            )
        if not in_care and year == 13 and person.eligible_from is not None and rng.random() < 0.8:
            peps.append(
                PEP(
                    person=person,
                    date=today - _days(rng, 5, 100),
                    school_year=13,
                    social_worker_attended=rng.random() < 0.8,
                    quality=rng.choices(["outstanding", "good", "requires_improvement"], weights=[10, 70, 20])[0],
                    recorded_by=recorder,
                )
            )
    insert_many(GuidanceAppointment, guidance)
    insert_many(Allocation, allocations)
    insert_many(PathwayPlanReview, reviews)
    insert_many(PEP, peps)
    services.history_chain(model=PathwayPlanReview, person_ids=[r.person_id for r in reviews])
    services.history_chain(model=PEP, person_ids=[p.person_id for p in peps])
    counts.update(guidance=len(guidance), allocations=len(allocations), plans=len(reviews), peps=len(peps))
    # Managers' audits of a share of the plans reviewed in the last year.
    recent = PathwayPlanReview.objects.filter(
        person__council=council, superseded_at__isnull=True, date__gt=today - datetime.timedelta(days=300)
    ).order_by("pk")
    for review in recent:
        if rng.random() < 0.2:
            met = rng.random() < 0.85
            audits.append(
                PathwayPlanAudit(
                    person_id=review.person_id,
                    review=review,
                    date=min(today, review.date + _days(rng, 5, 60)),
                    grade=rng.choices(["outstanding", "good", "requires_improvement", "inadequate"], [10, 60, 25, 5])[
                        0
                    ],
                    eet_needs_met=met,
                    eet_needs_note="" if met else "No EET goals after the current course",
                    recorded_by=recorder,
                )
            )
    insert_many(PathwayPlanAudit, audits)
    counts["audits"] = len(audits)
    # Higher education applications from care leavers aged 17 to 20, through the services.
    for person in people.filter(eligible_from__isnull=False, looked_after_now=False).order_by("pk"):
        if recorder is None:
            break
        if not 17 <= categories.age_on(person.date_of_birth, today) <= 20 or rng.random() > 0.15:
            continue
        applied = today - _days(rng, 30, 330)
        status = rng.choice(["applied", "offer", "accepted", "started", "started", "withdrawn"])
        status_date = min(today, applied + _days(rng, 10, 200))
        try:
            services.he_application_record(
                acting_user=recorder,
                person=person,
                date=applied,
                institution=rng.choice(INSTITUTIONS),
                course=rng.choice(COURSES),
                status=status,
                status_date=status_date,
            )
        except ValidationError:  # the start does not fit the EET history held: an accepted offer instead
            services.he_application_record(
                acting_user=recorder,
                person=person,
                date=applied,
                institution=rng.choice(INSTITUTIONS),
                course=rng.choice(COURSES),
                status="accepted",
                status_date=status_date,
            )
        counts["he"] += 1
    return counts

"""Demo data for the people around each young person: a mentor register with matches and meetings,
(and, as each part is added, carers and accommodation providers).

Idempotent: does nothing once the demo council has a mentor (EHC plans: once it has any, loaded before
the plans so their first review quotes the EHC plan figure). Called by ``load_demo``. Every name is
made up (Faker ``en_GB`` with a fixed seed).
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from faker import Faker

from onward.accounts.models import Organisation, User
from onward.core.models import touched
from onward.people.models import AccommodationSpell, YoungPerson
from onward.people.selectors import today
from onward.supporters.models import (
    AccommodationProvider,
    Carer,
    EHCPlan,
    Mentor,
    MentorMatch,
    MentorMeeting,
    MoveOnPlan,
    ProviderRating,
)

SEED = 20261206
EMPLOYERS = ("Brightwell Logistics", "Wexbridge Building Society", "Riverside Hospital Trust")


def load_supporters_demo(council: Organisation) -> None:
    if Mentor.objects.filter(council=council).exists():
        return
    rng = random.Random(SEED)  # noqa: S311 - synthetic data, not security
    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    recorder = User.objects.filter(organisation=council, email__startswith="manager@").first()
    if recorder is None:
        return
    with transaction.atomic():
        _mentors(council, recorder, rng, fake)
        _carers(council, recorder, rng, fake)
        _providers(council, recorder, rng)


def load_ehc_plans_demo(council: Organisation) -> None:
    """Dated EHC plans for the young people the generator gave one (``YoungPerson.ehcp``): most in force
    since an issue date, some replacing an earlier plan that ceased the day the new one was issued, and a
    few ceased last term (their yes/no brought back in step). Once: nothing if the council has any."""
    from onward.supporters.services import ehcp_flags_refresh

    if EHCPlan.objects.filter(person__council=council).exists():
        return
    rng = random.Random(SEED + 1)  # noqa: S311 - synthetic data, not security
    day = today()
    plans = []
    for person in YoungPerson.objects.filter(council=council, ehcp=True).order_by("pk"):
        earliest = person.date_of_birth + datetime.timedelta(days=365 * 4)
        issued = max(earliest, day - datetime.timedelta(days=rng.randint(60, 2000)))
        shape = rng.random()
        if shape < 0.25 and (issued - earliest).days > 400:
            replaced = issued - datetime.timedelta(days=rng.randint(300, 800))
            plans.append(EHCPlan(person=person, issued_on=max(earliest, replaced), ceases_on=issued))
        ceases = day - datetime.timedelta(days=rng.randint(10, 90)) if 0.25 <= shape < 0.35 else None
        if ceases is not None and ceases <= issued:
            ceases = None
        plans.append(EHCPlan(person=person, issued_on=issued, reviewed_on=None, ceases_on=ceases))
    EHCPlan.objects.bulk_create(plans)
    ehcp_flags_refresh(day=day)


def _mentors(council: Organisation, recorder: User, rng: random.Random, fake: Faker) -> None:
    day = today()
    mentors = []
    for i in range(12):
        kind = (Mentor.Kind.VOLUNTEER, Mentor.Kind.EMPLOYER, Mentor.Kind.PEER)[i % 3]
        checked = day - datetime.timedelta(days=rng.randint(30, 900))
        complete = i not in (4, 9)  # two still waiting for their training
        mentors.append(
            Mentor.objects.create(
                council=council,
                name=fake.name(),
                kind=kind,
                organisation_name=EMPLOYERS[i % len(EMPLOYERS)] if kind == Mentor.Kind.EMPLOYER else "",
                email=f"mentor{i + 1}@mentors.example",
                dbs_checked_on=checked,
                dbs_reference=f"00{rng.randint(1000000000, 9999999999)}",
                references_checked_on=checked + datetime.timedelta(days=7),
                trained_on=checked + datetime.timedelta(days=21) if complete else None,
            )
        )
    ready = [m for m in mentors if m.ready_on(day)]
    people = list(YoungPerson.objects.filter(council=council, looked_after_now=False).order_by("pk")[:40])
    for person in rng.sample(people, min(14, len(people))):
        mentor = rng.choice(ready)
        earliest = max(mentor.trained_on or day, day - datetime.timedelta(days=300))
        start = earliest + datetime.timedelta(days=rng.randint(0, max(0, (day - earliest).days - 1)))
        ended = rng.random() < 0.25 and (day - start).days > 60
        match = MentorMatch.objects.create(
            mentor=mentor,
            person=person,
            start=start,
            end=start + datetime.timedelta(days=(day - start).days // 2) if ended else None,
            end_reason="Goals met" if ended else "",
            goals=rng.choice(["Confidence and job search", "Settling into college", "Getting ready for work"]),
            recorded_by=recorder,
        )
        last = match.end or day
        held = start
        while held <= last:
            MentorMeeting.objects.create(
                match=match, held_on=held, minutes=rng.choice([45, 60, 90]), note="", recorded_by=recorder
            )
            held += datetime.timedelta(days=rng.randint(10, 21))


HOMES = ("Beech House", "Millbrook Children's Home", "The Willows")


def _carers(council: Organisation, recorder: User, rng: random.Random, fake: Faker) -> None:
    """Foster carers or residential staff for most young people looked after, and staying-put carers for a few
    care leavers."""
    day = today()
    looked_after = YoungPerson.objects.filter(council=council, looked_after_now=True).order_by("pk")[:60]
    for person in looked_after:
        residential = rng.random() < 0.3
        family = fake.last_name()
        Carer.objects.create(
            person=person,
            kind=Carer.Kind.RESIDENTIAL if residential else Carer.Kind.FOSTER_CARER,
            name=rng.choice(HOMES) if residential else f"{fake.first_name()} and {fake.first_name()} {family}",
            named_contact=f"{fake.first_name()} {fake.last_name()}" if residential else f"{fake.first_name()} {family}",
            phone=f"01632 {rng.randint(960000, 960999)}",
            start=day - datetime.timedelta(days=rng.randint(60, 1200)),
            recorded_by=recorder,
        )
    leavers = YoungPerson.objects.filter(council=council, looked_after_now=False).order_by("-pk")[:8]
    for person in leavers:
        family = fake.last_name()
        Carer.objects.create(
            person=person,
            kind=Carer.Kind.STAYING_PUT,
            name=f"{fake.first_name()} {family}",
            named_contact=f"{fake.first_name()} {family}",
            start=day - datetime.timedelta(days=rng.randint(30, 500)),
            recorded_by=recorder,
        )


# (name, kind, area, units, the SSDA903 accommodation types its young people live in)
PROVIDERS = (
    ("Harbour Lodge", AccommodationProvider.Kind.SUPPORTED, "City centre", 14, ("D",)),
    ("Wexbridge Foyer", AccommodationProvider.Kind.FOYER, "Northgate", 30, ("T",)),
    ("Homes4Us Supported Lodgings", AccommodationProvider.Kind.SUPPORTED_LODGINGS, "Citywide", 18, ("E",)),
    ("Riverside Housing Association", AccommodationProvider.Kind.HOUSING_ASSOCIATION, "Riverside", 40, ("U",)),
    ("Wexbridge Night Shelter", AccommodationProvider.Kind.EMERGENCY, "City centre", 10, ("V",)),
)
COMMENTS = ("Staff are kind", "Too far from college", "My key worker helps with bills", "", "Noisy at night", "")


def _providers(council: Organisation, recorder: User, rng: random.Random) -> None:
    """The provider register; the current spells of the matching types name a provider; a third of those young
    people rated it; and move-on plans for about fifteen young people in the coming weeks."""
    day = today()
    by_type: dict[str, AccommodationProvider] = {}
    for name, kind, area, units, types in PROVIDERS:
        provider = AccommodationProvider.objects.create(
            council=council,
            name=name,
            kind=kind,
            area=area,
            units=units,
            contact_name=f"{name} manager",
            phone=f"01632 {rng.randint(961000, 961999)}",
        )
        for code in types:
            by_type[code] = provider
    spells = AccommodationSpell.objects.filter(
        person__council=council, superseded_at__isnull=True, accommodation_type__in=list(by_type), end__isnull=True
    ).order_by("pk")
    for spell in spells:
        provider = by_type[spell.accommodation_type]
        AccommodationSpell.objects.filter(pk=spell.pk).update(**touched(provider=provider))
        if rng.random() < 0.35:
            ProviderRating.objects.create(
                provider=provider,
                person_id=spell.person_id,
                rated_on=day - datetime.timedelta(days=rng.randint(0, 200)),
                score=rng.choice([2, 3, 4, 4, 5]),
                comment=rng.choice(COMMENTS),
                recorded_by=recorder,
            )
    movers = list(spells.filter(accommodation_type__in=["D", "T", "E"]).values_list("person_id", flat=True)[:15])
    for person_id in movers:
        MoveOnPlan.objects.create(
            person_id=person_id,
            planned_type="U",
            planned_provider=by_type.get("U"),
            planned_on=day + datetime.timedelta(days=rng.randint(-5, 70)),
            notes="Tenancy ready course booked",
            recorded_by=recorder,
        )

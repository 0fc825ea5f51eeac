"""Demo data for the network: the council's schools, colleges, university and training providers (made-up
names and identifiers), where each young person is on roll, data sharing agreements with the college and
Jobcentre Plus (and one that has expired), work coaches and benefit statuses, and an on-roll list from
the college waiting to be committed, with a few differences to settle.

Idempotent: does nothing once the demo council has settings. Called by ``load_demo``.
"""

from __future__ import annotations

import datetime
import random

from onward.accounts.models import Organisation, User
from onward.core import exports
from onward.network import selectors, services
from onward.network.models import BenefitSpell, Setting, WorkCoach
from onward.people.models import EETSpell, YoungPerson
from onward.people.selectors import school_year_on, today

SETTINGS = (
    ("Northgate Academy", "school", "139201", ""),
    ("Riverside High School", "school", "107944", ""),
    ("St Aidan's Church of England School", "school", "108087", ""),
    ("Eastfield Pupil Referral Unit", "alternative_provision", "133770", ""),
    ("Wexbridge College", "college", "130551", "10007315"),
    ("Northgate Sixth Form College", "college", "130552", "10004599"),
    ("University of Wexbridge", "university", "", "10007795"),
    ("Riverside Training", "training_provider", "", "10035621"),
)
COACHES = (("Sam Okafor", "Wexbridge Jobcentre Plus"), ("Ellen Marsh", "Northgate Jobcentre Plus"))


def _user(council: Organisation, local: str) -> User | None:
    return User.objects.filter(organisation=council, email__startswith=f"{local}@").first()


def load_network_demo(council: Organisation) -> None:
    if Setting.objects.filter(council=council).exists():
        return
    officer = _user(council, "performance")
    recorder = _user(council, "virtualschool") or officer
    adviser = _user(council, "adviser") or officer
    if officer is None or recorder is None or adviser is None:
        return
    rng = random.Random(20261206)  # noqa: S311 - synthetic data, not security
    day = today()
    college_partner = Organisation.objects.filter(name="Wexbridge College").first()
    dwp = Organisation.objects.filter(kind=Organisation.Kind.DWP, councils_served=council).first()
    made: dict[str, Setting] = {}
    for name, kind, urn, ukprn in SETTINGS:
        made[name] = services.setting_create(
            acting_user=officer,
            council=council,
            name=name,
            kind=kind,
            urn=urn,
            ukprn=ukprn,
            postcode=f"WX{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFG')}{rng.choice('HJLNPQ')}",
            organisation=college_partner if name == "Wexbridge College" else None,
        )
    _histories(council, day, rng, recorder, made)
    college = made["Wexbridge College"]
    services.agreement_create(
        acting_user=officer,
        council=council,
        title="Wexbridge College: care leavers on roll",
        partner=college_partner,
        setting=college,
        purpose="To exchange, each term, the list of children in care and care leavers on roll, so that "
        "every young person's place is known and anyone who has left is followed up within a week.",
        fields=["child_id", "name", "date_of_birth", "status", "on_roll_from", "personal_adviser"],
        start=day - datetime.timedelta(days=200),
        end=day + datetime.timedelta(days=530),
    )
    services.agreement_create(
        acting_user=officer,
        council=council,
        title="Riverside High School: Year 9 and 10 lists (2024 to 2025)",
        setting=made["Riverside High School"],
        purpose="Year 9 and 10 lists for the Virtual School's aspiration audit.",
        fields=["name", "date_of_birth", "school_year"],
        start=day - datetime.timedelta(days=700),
        end=day - datetime.timedelta(days=300),
    )
    coaches = [
        services.work_coach_create(
            acting_user=officer,
            council=council,
            name=name,
            jobcentre=office,
            phone=f"01632 96{rng.randint(1000, 9999)}",
            email=f"{name.split()[0].lower()}.{name.split()[1].lower()}@jobcentre.example",
        )
        for name, office in COACHES
    ]
    if dwp is not None:
        services.agreement_create(
            acting_user=officer,
            council=council,
            title="Jobcentre Plus: care leavers claiming benefits",
            partner=dwp,
            purpose="The right benefits at the right time: a monthly list of care leavers claiming or applying, "
            "with their work coach and personal adviser, so that each claim is supported.",
            fields=["name", "date_of_birth", "benefit", "work_coach", "personal_adviser", "eet_activity"],
            start=day - datetime.timedelta(days=90),
            end=day + datetime.timedelta(days=640),
        )
    _benefits(council, day, rng, adviser, coaches)
    _college_list(council, day, officer, college)


def _people(council: Organisation, day: datetime.date) -> list[YoungPerson]:
    return list(
        selectors.in_care_or_care_leavers(YoungPerson.objects.filter(council=council), day).order_by("child_id")
    )


def _histories(
    council: Organisation, day: datetime.date, rng: random.Random, recorder: User, made: dict[str, Setting]
) -> None:
    """A school for most children of school age, a college or training provider at 16 and 17, the
    university for those in higher education (a few have none recorded, to find)."""
    schools = [made[n] for n in ("Northgate Academy", "Riverside High School", "St Aidan's Church of England School")]
    sixteen_plus = [made[n] for n in ("Wexbridge College", "Northgate Sixth Form College", "Riverside Training")]
    in_higher_education = set(
        EETSpell.objects.filter(person__council=council, activity="higher_education", superseded_at__isnull=True)
        .filter(EETSpell.covering(day))
        .values_list("person_id", flat=True)
    )
    september = datetime.date(day.year if day.month >= 9 else day.year - 1, 9, 1)
    for person in _people(council, day):
        year = school_year_on(person.date_of_birth, day)
        if rng.random() < 0.08:
            continue
        if 1 <= year <= 11:
            setting = made["Eastfield Pupil Referral Unit"] if rng.random() < 0.05 else rng.choice(schools)
            back = min(year - 7, 4) if year >= 7 else year - 1
            start = september.replace(year=september.year - max(back, 0))
        elif year in (12, 13):
            setting = rng.choice(sixteen_plus)
            start = september.replace(year=september.year - (year - 12))
        elif person.pk in in_higher_education:
            setting = made["University of Wexbridge"]
            start = september
        else:
            continue
        services.setting_history_record(acting_user=recorder, person=person, setting=setting, start=start)


def _benefits(
    council: Organisation, day: datetime.date, rng: random.Random, adviser: User, coaches: list[WorkCoach]
) -> None:
    """Universal Credit for most care leavers 18 and over who are not in education, employment or training."""
    neet = set(
        EETSpell.objects.filter(person__council=council, activity__startswith="neet", superseded_at__isnull=True)
        .filter(EETSpell.covering(day))
        .values_list("person_id", flat=True)
    )
    for person in _people(council, day):
        age = (day - person.date_of_birth).days // 365
        if age < 18 or person.pk not in neet or rng.random() < 0.2:
            continue
        applied = day - datetime.timedelta(days=rng.randint(60, 300))
        coach = rng.choice(coaches)
        services.benefit_record(
            acting_user=adviser,
            person=person,
            benefit=BenefitSpell.Benefit.UNIVERSAL_CREDIT,
            status="applied",
            start=applied,
            work_coach=coach,
        )
        if rng.random() < 0.85:
            services.benefit_record(
                acting_user=adviser,
                person=person,
                benefit=rng.choice([BenefitSpell.Benefit.UNIVERSAL_CREDIT, BenefitSpell.Benefit.UC_HOUSING]),
                status="sanctioned" if rng.random() < 0.08 else "receiving",
                start=applied + datetime.timedelta(days=35),
                work_coach=coach,
            )


def _college_list(council: Organisation, day: datetime.date, officer: User, college: Setting) -> None:
    """The college's on-roll list, checked and waiting to be committed: one young person recorded there is
    missing from it, one recorded at another college is on it, and it has pupils Onward does not hold."""
    people = YoungPerson.objects.filter(council=council)
    on_roll = [r.person for r in selectors.on_roll_at(people, college, day)]
    others = [p for p in _people(council, day) if p not in on_roll and 16 <= (day - p.date_of_birth).days // 365 <= 18]
    listed = on_roll[1:] + others[:1]
    rows = [[p.upn, p.legal_given_name, p.legal_family_name, p.date_of_birth.strftime("%d/%m/%Y")] for p in listed]
    rows += [["", "Jordan", "Pemberton-Hale", "14/03/2008"], ["", "Amira", "Castellano", "02/11/2007"]]
    content = exports.csv_bytes(rows, header=["UPN", "Given name", "Family name", "Date of birth"])
    services.roll_list_preview(
        acting_user=officer,
        council=council,
        setting=college,
        on_date=day,
        name="wexbridge-college-on-roll.csv",
        content=content,
    )

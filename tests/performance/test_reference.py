"""Each indicator against a brute-force reference: plain Python over the same records of a generated council."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.management import call_command

from onward.accounts.models import Organisation
from onward.core import codelists
from onward.people import categories
from onward.people import selectors as people_selectors
from onward.people import services as people_services
from onward.people.generator import generate_education_records
from onward.people.models import PEP, AccommodationSpell, CareEpisode, Contact, EETSpell, PathwayPlanReview, YoungPerson
from onward.performance import indicators, live, selectors
from onward.performance.models import Method
from onward.returns.selectors import build_return
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXCLUDING = {codelists.ReasonEpisodeCeased.E2, codelists.ReasonEpisodeCeased.E3, *codelists.ADOPTED}


def _latest_covering(spells: list[Any], day: datetime.date) -> Any:
    covering = [s for s in spells if s.start <= day and (s.end is None or s.end >= day) and s.superseded_at is None]
    return max(covering, key=lambda s: (s.start, s.pk)) if covering else None


def _latest_on(records: list[Any], day: datetime.date) -> Any:
    found = [r for r in records if r.date <= day and r.superseded_at is None]
    return max(found, key=lambda r: (r.date, r.pk)) if found else None


def reference_facts(person: YoungPerson, day: datetime.date) -> dict[str, Any] | None:
    """One young person's facts on ``day``, worked out record by record from the care rules."""
    age = categories.age_on(person.date_of_birth, day)
    if not 16 <= age <= 25:
        return None
    episodes = [
        categories.Episode(e.start, e.end, e.legal_status, e.reason_ceased)
        for e in CareEpisode.objects.filter(person=person)
    ]
    summary = people_selectors.summary_for(person, episodes)
    looked_after = summary.looked_after_on(day)
    qualified = summary.eligible_from is not None and summary.eligible_from <= day
    contact = _latest_on(list(Contact.objects.filter(person=person)), day)
    excluded = (
        (person.died_on is not None and person.died_on <= day)
        or summary.final_reason_by(day) in EXCLUDING
        or (contact is not None and contact.in_touch in (codelists.InTouch.RHOM, codelists.InTouch.DIED))
    )
    spell = _latest_covering(list(EETSpell.objects.filter(person=person)), day)
    activity = spell.activity if spell else ""
    group = codelists.ACTIVITY_INFO[activity].group if activity else codelists.EETGroup.NOT_KNOWN
    neet = group in (codelists.EETGroup.NEET, codelists.EETGroup.CUSTODY)
    stay = _latest_covering(list(AccommodationSpell.objects.filter(person=person)), day)
    review = _latest_on(list(PathwayPlanReview.objects.filter(person=person)), day)
    term = [
        p
        for p in PEP.objects.filter(person=person)
        if p.superseded_at is None and day - datetime.timedelta(days=people_selectors.PEP_TERM_DAYS) < p.date <= day
    ]
    pep = max(term, key=lambda p: (p.date, p.pk)) if term else None
    band = "16" if age == 16 else "17_18" if age <= 18 else "19_21" if age <= 21 else "22_25"
    return {
        "cl": int(qualified and not excluded and not looked_after),
        "band": band,
        "eet_group": "eet" if group == codelists.EETGroup.EET else "neet" if neet else "not_known",
        "neet_reason": (
            ""
            if not neet
            else "illness"
            if activity == "neet_illness"
            else "parenting"
            if activity == "neet_parenting"
            else "other"
        ),
        "he": int(activity == "higher_education"),
        "suitable": int(stay is not None and stay.suitable and stay.accommodation_type not in ("S", "X")),
        "in_touch": int(
            contact is not None
            and contact.in_touch == codelists.InTouch.YES
            and contact.date >= day - datetime.timedelta(days=live.IN_TOUCH_DAYS)
        ),
        "plan_cohort": int(qualified and not excluded and age <= 24),
        "plan_in_date": int(review is not None and review.next_due >= day),
        "pep_cohort": int(
            (looked_after and people_selectors.school_year_on(person.date_of_birth, day) in (12, 13))
            or (
                qualified
                and not excluded
                and not looked_after
                and people_selectors.school_year_on(person.date_of_birth, day) == 13
            )
        ),
        "pep_recent": int(pep is not None),
        "pep_sw": int(pep is not None and pep.social_worker_attended),
        "pep_good": int(pep is not None and pep.good_or_better),
    }


@pytest.fixture
def generated(db: None) -> Organisation:
    call_command("generate_cohort", "--council", "Reference Council", "--size", "500", "--seed", "21")
    council = Organisation.objects.get(name="Reference Council")
    # PEPs of care leavers in Year 13, and the other records issue 26 counts, so the PEP cohort reaches them.
    generate_education_records(council=council, seed=21)
    return council


def _days() -> list[datetime.date]:
    today = people_selectors.today()
    return [today, indicators.month_end(today - datetime.timedelta(days=95)), today - datetime.timedelta(days=400)]


@pytest.mark.parametrize("offset", [0, 1, 2])
def test_every_live_indicator_matches_plain_python_over_the_same_records(generated: Organisation, offset: int) -> None:
    """Today, a past month end and a day over a year ago: each figure and each list equals the reference."""
    day = _days()[offset]
    rows = []
    for person in YoungPerson.objects.filter(council=generated):
        facts = reference_facts(person, day)
        if facts is not None:
            rows.append((person.pk, facts))
    reference = indicators.figures_from_facts(rows, method=Method.SNAPSHOT, day=day)
    computed = selectors.headline(generated, day, Method.SNAPSHOT)
    assert reference["eet_19_21"].denominator and reference["eet_19_21"].denominator > 50
    for code, expected in reference.items():
        assert (computed[code].numerator, computed[code].denominator) == (expected.numerator, expected.denominator), (
            code
        )
        ids = live.live_ids(
            YoungPerson.objects.filter(council=generated), day, indicators.numerator_condition(indicators.get(code))
        )
        assert set(ids) == expected.people, code


def test_everyone_at_once_counts_each_council_as_it_counts_alone(generated: Organisation) -> None:
    """Every council in one query (each history read whole) gives each council's own figures and facts."""
    call_command("generate_cohort", "--council", "Second Council", "--size", "150", "--seed", "22")
    second = Organisation.objects.get(name="Second Council")
    day = _days()[1]
    everyone = live.live_counts(YoungPerson.objects.all(), day)
    assert len(everyone) == 2
    facts = live.live_facts(YoungPerson.objects.all(), day)
    seen: set[int] = set()
    for council in (generated, second):
        alone = live.live_counts(YoungPerson.objects.filter(council=council), day)
        assert everyone[(str(council.pk), "")] == alone[(str(council.pk), "")]
        own = live.live_facts(YoungPerson.objects.filter(council=council), day)
        assert own and own == {pk: row for pk, row in facts.items() if pk in own}
        seen |= set(own)
    assert seen == set(facts)


def test_live_facts_follow_back_dated_and_same_day_records(generated: Organisation) -> None:
    """A record dated before the latest does not replace it; of two on one day the later recorded counts."""
    day = _days()[0]
    leavers = [
        p for p in YoungPerson.objects.filter(council=generated) if (reference_facts(p, day) or {}).get("in_touch")
    ][:3]
    assert len(leavers) == 3
    first, second, third = leavers
    adviser = UserFactory(organisation=generated, roles=["personal_adviser"])
    latest = people_selectors.contact_on(first, day)
    assert latest is not None
    back = latest.date - datetime.timedelta(days=1)
    people_services.contact_record(acting_user=adviser, person=first, date=back, method="phone", in_touch="RHOM")
    people_services.contact_record(acting_user=adviser, person=second, date=day, method="attempt", in_touch="NO")
    review = people_selectors.pathway_review_on(third, day)
    people_services.pathway_review_record(
        acting_user=adviser, person=third, date=(review.date if review else day) - datetime.timedelta(days=30)
    )
    chosen = YoungPerson.objects.filter(pk__in=[p.pk for p in leavers])
    facts = live.live_facts(chosen, day)
    counted = live.live_counts(chosen, day)[(str(generated.pk), "")]
    reference = indicators.figures_from_facts(
        [(p.pk, f) for p in leavers if (f := reference_facts(p, day)) is not None], method=Method.SNAPSHOT, day=day
    )
    assert {c: (f.numerator, f.denominator) for c, f in counted.items()} == {
        c: (f.numerator, f.denominator) for c, f in reference.items()
    }
    for person in leavers:
        expected = reference_facts(person, day)
        assert expected is not None
        found = facts[person.pk]
        assert {k: found[k] if isinstance(v, str) else int(found[k]) for k, v in expected.items()} == expected
    assert facts[first.pk]["in_touch"] and facts[first.pk]["cl"]
    assert not facts[second.pk]["in_touch"]


def test_every_live_breakdown_matches_plain_python(generated: Organisation) -> None:
    """By team and by age, the groups' figures equal the reference's."""
    day = _days()[0]
    people = {p.pk: p for p in YoungPerson.objects.filter(council=generated)}
    facts = {pk: f for pk, p in people.items() if (f := reference_facts(p, day)) is not None}
    for dimension, key in (("team", lambda p: str(p.team_id or "")), ("age", None)):
        computed = selectors.breakdown(generated, day, Method.SNAPSHOT, dimension)
        groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for pk, row in facts.items():
            group = key(people[pk]) if key else str(categories.age_on(people[pk].date_of_birth, day))
            groups.setdefault(group, []).append((pk, row))
        assert set(computed) == set(groups)
        for group, members in groups.items():
            reference = indicators.figures_from_facts(members, method=Method.SNAPSHOT, day=day)
            for code, expected in reference.items():
                got = computed[group][code]
                assert (got.numerator, got.denominator) == (expected.numerator, expected.denominator), (group, code)


def test_every_return_indicator_matches_a_plain_count_of_the_return(generated: Organisation) -> None:
    """The return method's figures equal counting the OC3 rows by hand (with the cohort's data quality issues as not known)."""
    day = people_selectors.today()
    year = indicators.collection_year(day)
    built = build_return(council=generated, year=year)
    start = datetime.date(year - 1, 4, 1)
    people = {p.child_id: p for p in YoungPerson.objects.filter(council=generated)}

    def birthday_age(child: str) -> int | None:
        dob = people[child].date_of_birth
        return next((n for n in range(17, 22) if start <= categories.birthday(dob, n) <= day), None)

    expected: dict[str, list[int]] = {
        code: [0, 0] for code in indicators.BY_CODE if Method.RETURN in indicators.get(code).methods
    }
    for row in built.oc3:
        age = birthday_age(row["CHILD"])
        if age is None or row["IN_TOUCH"] in ("DIED", "RHOM"):
            continue
        band = "17_18" if age <= 18 else "19_21"
        activ, accom = row["ACTIV"], row["ACCOM"]
        checks = {
            f"eet_{band}": activ[0] in "FP",
            f"neet_{band}": activ.startswith("G"),
            f"he_{band}": activ in ("F1", "P1"),
            f"not_known_{band}": activ == "0",
            f"suitable_accommodation_{band}": accom.endswith("1"),
            f"in_touch_{band}": row["IN_TOUCH"] == "YES",
            f"neet_illness_{band}": activ == "G4",
            f"neet_other_{band}": activ == "G5",
            f"neet_parenting_{band}": activ == "G6",
        }
        for code, met in checks.items():
            if code in expected:
                expected[code][1] += 1
                expected[code][0] += int(met)
    for issue in {i.person.child_id for i in built.issues}:
        age = birthday_age(issue)
        if age is None or issue in {r["CHILD"] for r in built.oc3}:
            continue
        band = "17_18" if age <= 18 else "19_21"
        for code in expected:
            if code.endswith(band):
                expected[code][1] += 1
                expected[code][0] += int(code == f"not_known_{band}")
    computed = selectors.headline(generated, day, Method.RETURN)
    assert expected["eet_19_21"][1] > 20
    for code, (numerator, denominator) in expected.items():
        assert (computed[code].numerator, computed[code].denominator) == (numerator, denominator), code


def test_counting_in_python_from_the_facts_agrees_with_counting_in_sql(generated: Organisation) -> None:
    """The snapshot's tally of every breakdown equals the SQL count of each, group by group."""
    day = _days()[1]
    people = YoungPerson.objects.filter(council=generated)
    dimensions = ["", *live.BREAKDOWNS]
    in_python = live.live_counts_per_person(people, day, dimensions=dimensions)
    in_sql = live.live_counts_many(people, day, dimensions=dimensions)
    for dimension in dimensions:
        assert set(in_python[dimension]) == set(in_sql[dimension]), dimension
        for key, figures in in_sql[dimension].items():
            assert {c: (f.numerator, f.denominator) for c, f in in_python[dimension][key].items()} == {
                c: (f.numerator, f.denominator) for c, f in figures.items()
            }, (dimension, key)


def test_the_birthday_cohort_return_holds_the_full_returns_rows_for_that_cohort(generated: Organisation) -> None:
    """Built for counting, the return keeps every 17 to 21 birthday row and issue of the full return, and reads fewer."""
    day = people_selectors.today()
    year = indicators.collection_year(day)
    start, end = datetime.date(year - 1, 4, 1), datetime.date(year, 3, 31)
    full = build_return(council=generated, year=year)
    cohort = build_return(council=generated, year=year, birthday_cohort=True)
    born = dict(YoungPerson.objects.filter(council=generated).values_list("child_id", "date_of_birth"))

    def in_cohort(child: str) -> bool:
        return any(start <= categories.birthday(born[child], n) <= end for n in range(17, 22))

    kept = [row for row in full.oc3 if in_cohort(row["CHILD"])]
    assert len(kept) > 20
    assert [row for row in cohort.oc3 if in_cohort(row["CHILD"])] == kept
    assert len(cohort.oc3) < len(full.oc3)  # most 22 to 25 year olds in touch are not read
    assert {(i.person.child_id, i.message) for i in cohort.issues if in_cohort(i.person.child_id)} == {
        (i.person.child_id, i.message) for i in full.issues if in_cohort(i.person.child_id)
    }

"""EET outcomes: how an activity ended and the qualification gained, sustainment from the EET history
for every start, and the indicators the people app registers for plan measures."""

from __future__ import annotations

import datetime
import random

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.core import indicators
from onward.core.codelists import ACTIVITY_INFO, EET_ACTIVITIES, EETGroup
from onward.people import registry, selectors, services
from onward.people.models import EETSpell, YoungPerson
from tests.factories import CouncilFactory, UserFactory, YoungPersonFactory

D = datetime.date


@pytest.fixture
def adviser_and_person(db):  # type: ignore[no-untyped-def]
    council = CouncilFactory()
    adviser = UserFactory(organisation=council, roles=["personal_adviser"])
    person = YoungPersonFactory(council=council, date_of_birth=D(2004, 6, 1))
    return adviser, person


def _spell(person: YoungPerson, activity: str, start: D, end: D | None = None, **extra: object) -> EETSpell:
    return EETSpell.objects.create(person=person, activity=activity, start=start, end=end, **extra)


def _date(prefix: str, day: D) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


# Recording how an activity ended ------------------------------------------------------------------


def test_ending_an_activity_records_outcome_and_qualification_with_an_audit_entry(adviser_and_person) -> None:
    """The end, outcome and qualification are saved together, and the audit entry names each change."""
    adviser, person = adviser_and_person
    spell = _spell(person, "further_education", D(2024, 9, 1))
    services.eet_end(
        acting_user=adviser,
        spell=spell,
        end=D(2025, 6, 30),
        outcome=EETSpell.Outcome.QUALIFICATION,
        qualification_level="2",
        qualification_subject=" English ",
        qualification_date=D(2025, 6, 20),
    )
    spell.refresh_from_db()
    assert (spell.end, spell.outcome, spell.qualification_level, spell.qualification_subject) == (
        D(2025, 6, 30),
        "qualification",
        "2",
        "English",
    )
    assert spell.outcome_summary == "Completed with a qualification; Level 2 in English, gained 20 June 2025"
    event = AuditEvent.objects.filter(object_id=str(spell.pk), action=AuditEvent.Action.CHANGE).latest("pk")
    assert event.changes["outcome"] == ["", "qualification"]
    assert event.changes["qualification_level"] == ["", "2"]
    assert "Completed with a qualification" in event.summary


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"end": D(2024, 8, 1), "outcome": "completed"}, "end"),
        ({"end": D(2025, 3, 1), "outcome": "completed"}, "end"),  # the next activity starts 1 March
        ({"end": D(2025, 1, 1), "outcome": "passed"}, "outcome"),
        ({"end": D(2025, 1, 1), "outcome": "qualification"}, "qualification_level"),
        ({"end": D(2025, 1, 1), "outcome": "left_early", "qualification_level": "9"}, "qualification_level"),
        (
            {
                "end": D(2025, 1, 1),
                "outcome": "left_early",
                "qualification_level": "1",
                "qualification_subject": "Maths",
            },
            "qualification_date",
        ),
        (
            {
                "end": D(2025, 1, 1),
                "outcome": "completed",
                "qualification_level": "1",
                "qualification_date": D(2024, 12, 1),
            },
            "qualification_subject",
        ),
        (
            {
                "end": D(2025, 1, 1),
                "outcome": "completed",
                "qualification_level": "1",
                "qualification_subject": "Maths",
                "qualification_date": D(2024, 1, 1),
            },
            "qualification_date",
        ),
    ],
)
def test_a_bad_ending_is_refused_and_changes_nothing(adviser_and_person, fields, field) -> None:
    """Each bad value is refused against its field, and the activity and the audit trail are as they were."""
    adviser, person = adviser_and_person
    spell = _spell(person, "apprenticeship", D(2024, 9, 1))
    _spell(person, "neet_seeking", D(2025, 3, 1))
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.eet_end(acting_user=adviser, spell=spell, **fields)
    assert field in refused.value.message_dict
    spell.refresh_from_db()
    assert (spell.end, spell.outcome, spell.qualification_level) == (None, "", "")
    assert AuditEvent.objects.count() == events


def test_a_future_end_and_a_corrected_record_are_refused(adviser_and_person) -> None:
    adviser, person = adviser_and_person
    spell = _spell(person, "apprenticeship", D(2024, 9, 1))
    with pytest.raises(ValidationError):
        services.eet_end(
            acting_user=adviser,
            spell=spell,
            end=timezone.localdate() + datetime.timedelta(days=1),
            outcome="completed",
        )
    spell.superseded_at = timezone.now()
    spell.save()
    with pytest.raises(ValidationError):
        services.eet_end(acting_user=adviser, spell=spell, end=D(2025, 1, 1), outcome="completed")


def test_a_correction_keeps_the_outcome(adviser_and_person) -> None:
    """Correcting an ended activity's provider keeps how it ended."""
    adviser, person = adviser_and_person
    spell = _spell(person, "apprenticeship", D(2024, 9, 1))
    services.eet_end(acting_user=adviser, spell=spell, end=D(2025, 1, 1), outcome="left_early")
    spell.refresh_from_db()
    corrected = services.eet_correct(acting_user=adviser, spell=spell, reason="Wrong employer", provider="Acme")
    assert (corrected.outcome, corrected.end, corrected.provider) == ("left_early", D(2025, 1, 1), "Acme")


def test_the_end_of_activity_page_records_the_outcome_and_shows_it_on_the_young_persons_page(world, signed_in) -> None:
    """An adviser ends the activity on its page; the young person's history then says how it ended."""
    tenant = world["A"]
    client = signed_in(tenant.users["personal_adviser"])
    spell = tenant.spell
    url = reverse("people:eet-end", args=[tenant.person.pk, spell.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "How did it end?" in page.content.decode()
    ended = spell.start + datetime.timedelta(days=30)
    response = client.post(
        url,
        {
            **_date("end", ended),
            "outcome": "qualification",
            "qualification_level": "entry",
            "qualification_subject": "Functional skills maths",
            **_date("qualification_date", ended),
        },
    )
    assert response.status_code == 302
    detail = client.get(reverse("people:person-detail", args=[tenant.person.pk])).content.decode()
    assert "Completed with a qualification; Entry level in Functional skills maths" in detail


def test_the_end_of_activity_page_shows_errors_and_saves_nothing_on_bad_input(world, signed_in) -> None:
    tenant = world["A"]
    client = signed_in(tenant.users["personal_adviser"])
    spell = tenant.spell
    ended = spell.start + datetime.timedelta(days=30)
    response = client.post(
        reverse("people:eet-end", args=[tenant.person.pk, spell.pk]),
        {**_date("end", ended), "outcome": "qualification"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert "Select the level of the qualification" in content
    spell.refresh_from_db()
    assert spell.end is None and spell.outcome == ""


def test_another_councils_activity_cannot_be_ended(world, signed_in) -> None:
    client = signed_in(world["A"].users["personal_adviser"])
    other = world["B"]
    response = client.get(reverse("people:eet-end", args=[other.person.pk, other.spell.pk]))
    assert response.status_code == 404


# Sustainment, brute force -------------------------------------------------------------------------


def _random_history(person: YoungPerson, rng: random.Random, first: D) -> None:
    day = first
    activities = sorted(ACTIVITY_INFO)
    for _ in range(rng.randint(1, 6)):
        day += datetime.timedelta(days=rng.choice([0, 0, 1, 2, 20]))
        length = rng.randint(10, 400)
        end = None if rng.random() < 0.15 else day + datetime.timedelta(days=length)
        _spell(person, rng.choice(activities), day, end, superseded_at=timezone.now() if rng.random() < 0.1 else None)
        if end is None:
            return
        day = end + datetime.timedelta(days=1)


def _in_eet(spells: list[EETSpell], day: D) -> bool:
    return any(s.start <= day and (s.end is None or s.end >= day) for s in spells)


def _brute_sustained(spell: EETSpell, months: int, spells: list[EETSpell], as_at: D) -> bool | None:
    due = selectors.months_after(spell.start, months)
    if due > as_at:
        return None
    day = spell.start
    while day <= due:
        if not _in_eet(spells, day):
            return False
        day += datetime.timedelta(days=1)
    return True


@pytest.fixture
def random_council(db):  # type: ignore[no-untyped-def]
    rng = random.Random(26)
    council = CouncilFactory()
    for _ in range(30):
        person = YoungPersonFactory(council=council)
        _random_history(person, rng, D(2022, 1, 1) + datetime.timedelta(days=rng.randint(0, 700)))
    return council


def test_sustainment_of_every_start_equals_a_day_by_day_check(random_council) -> None:
    """Each EET start's 3, 6 and 12 month sustainment is what walking the history a day at a time says."""
    as_at = D(2024, 3, 15)
    people = YoungPerson.objects.filter(council=random_council)
    found = {start.spell_id: start for start in selectors.eet_starts(people, as_at=as_at)}
    current = list(EETSpell.objects.filter(person__council=random_council, superseded_at__isnull=True))
    expected_ids = {s.pk for s in current if s.activity in EET_ACTIVITIES and s.start <= as_at}
    assert set(found) == expected_ids
    assert any(start.sustained[6] for start in found.values())
    assert any(start.sustained[6] is False for start in found.values())
    for spell in current:
        if spell.pk not in found:
            continue
        eet = [s for s in current if s.person_id == spell.person_id and ACTIVITY_INFO[s.activity].group == EETGroup.EET]
        for months in selectors.SUSTAIN_MONTHS:
            assert found[spell.pk].sustained[months] == _brute_sustained(spell, months, eet, as_at), (spell, months)


def test_eet_sustained_indicator_equals_a_brute_force_count_at_a_past_date(random_council) -> None:
    as_at = D(2024, 3, 15)
    current = list(EETSpell.objects.filter(person__council=random_council, superseded_at__isnull=True))
    first = D(2022, 9, 16)  # the 12 months ending 15 September 2023, 6 months before
    starts = [s for s in current if s.activity in EET_ACTIVITIES and first <= s.start <= D(2023, 9, 15)]
    sustained = 0
    for spell in starts:
        eet = [s for s in current if s.person_id == spell.person_id and s.activity in EET_ACTIVITIES]
        sustained += bool(_brute_sustained(spell, 6, eet, as_at))
    reading = indicators.read_indicator(registry.EET_SUSTAINED_6, council=random_council, as_at=as_at)
    assert reading is not None
    assert (reading.numerator, reading.denominator) == (sustained, len(starts))
    assert len(starts) > 5


def test_qualification_and_completion_indicators_equal_brute_force_counts_at_a_past_date(db) -> None:
    rng = random.Random(7)
    council = CouncilFactory()
    other = YoungPersonFactory(council=CouncilFactory())
    _spell(other, "apprenticeship", D(2023, 1, 1), D(2023, 6, 1), outcome="completed")
    levels = [value for value, _label in EETSpell.QualificationLevel.choices]
    outcomes = [value for value, _label in EETSpell.Outcome.choices] + [""]
    for _ in range(40):
        person = YoungPersonFactory(council=council)
        start = D(2022, 1, 1) + datetime.timedelta(days=rng.randint(0, 700))
        end = start + datetime.timedelta(days=rng.randint(30, 400))
        level = rng.choice(levels + [""] * 3)
        _spell(
            person,
            rng.choice(
                ["further_education", "higher_education", "apprenticeship", "traineeship", "employment_full_time"]
            ),
            start,
            end,
            outcome=rng.choice(outcomes),
            qualification_level=level,
            qualification_subject="English" if level else "",
            qualification_date=end if level else None,
            superseded_at=timezone.now() if rng.random() < 0.1 else None,
        )
    as_at = D(2023, 10, 31)
    first = D(2022, 11, 1)
    rows = list(EETSpell.objects.filter(person__council=council, superseded_at__isnull=True))

    def read(code: str) -> indicators.IndicatorReading:
        reading = indicators.read_indicator(code, council=council, as_at=as_at)
        assert reading is not None
        return reading

    gained = [s for s in rows if s.qualification_level and first <= s.qualification_date <= as_at]
    assert read(registry.QUALIFICATIONS).numerator == len(gained) > 0
    assert read(f"{registry.QUALIFICATIONS}_level_3").numerator == sum(s.qualification_level == "3" for s in gained)
    assert read(f"{registry.QUALIFICATIONS}_level_4_plus").numerator == sum(
        s.qualification_level in {"4", "5", "6", "7", "8"} for s in gained
    )
    for code, kinds in (
        (registry.APPRENTICESHIP_COMPLETION, {"apprenticeship"}),
        (registry.COURSE_COMPLETION, {"further_education", "higher_education", "traineeship"}),
    ):
        ended = [
            s for s in rows if s.activity in kinds and first <= s.end <= as_at and s.outcome not in ("", "still_going")
        ]
        done = [s for s in ended if s.outcome in ("completed", "qualification")]
        reading = read(code)
        assert (reading.numerator, reading.denominator) == (len(done), len(ended))


def test_the_people_indicators_are_registered_and_small_counts_are_suppressed(db) -> None:
    codes = {source.code for source in indicators.registered_indicators()}
    assert {registry.EET_SUSTAINED_6, registry.QUALIFICATIONS, registry.COURSE_COMPLETION} <= codes
    assert registry.count_reading(3).shown == "c"
    assert registry.count_reading(0).shown == "0"
    assert registry.count_reading(12).shown == "12"
    assert registry.share_reading(0, 0) is None
    assert registry.share_reading(3, 10) is not None and registry.share_reading(3, 10).shown == "c"  # type: ignore[union-attr]
    assert registry.share_reading(10, 20).shown == "50%"  # type: ignore[union-attr]


@pytest.mark.parametrize("value", ["0001-01-01", "99999999999999999999", "-1", "31/12/9999", "y" * 10_001, "\x00"])
def test_hostile_values_on_the_end_of_activity_page_are_refused_without_a_change(world, signed_in, value) -> None:
    tenant = world["A"]
    client = signed_in(tenant.users["personal_adviser"])
    fields = ["end_0", "end_1", "end_2", "outcome", "qualification_level", "qualification_subject"]
    fields += ["qualification_date_0", "qualification_date_1", "qualification_date_2"]
    response = client.post(
        reverse("people:eet-end", args=[tenant.person.pk, tenant.spell.pk]), dict.fromkeys(fields, value)
    )
    assert response.status_code in (200, 400)
    tenant.spell.refresh_from_db()
    assert tenant.spell.end is None and tenant.spell.outcome == ""


def test_the_demo_cohort_has_outcomes_for_the_indicators_to_count(db) -> None:
    """The demo's ended activities say how they ended, so the EET outcome indicators show figures."""
    from onward.people.demo import demo_outcomes
    from onward.people.generator import generate_council

    council = CouncilFactory()
    generate_council(council=council, size=60, seed=20261122)
    assert demo_outcomes(council) > 0
    today = timezone.localdate()
    assert EETSpell.objects.filter(person__council=council).exclude(qualification_level="").exists()
    reading = indicators.read_indicator(registry.COURSE_COMPLETION, council=council, as_at=today)
    assert reading is not None and reading.denominator

"""Effective-dated histories: as-at answers, new statuses, overlaps, corrections and stale edits."""

from __future__ import annotations

import datetime
import functools

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.core.concurrency import StaleRecordError
from onward.people import selectors, services
from onward.people.categories import Category, birthday
from onward.people.models import Contact, EETSpell
from tests.chains import assert_chained
from tests.factories import CouncilFactory, UserFactory, YoungPersonFactory

D = datetime.date


@pytest.fixture
def setting(db):  # type: ignore[no-untyped-def]
    council = CouncilFactory()
    adviser = UserFactory(organisation=council, roles=["personal_adviser"])
    dob = D(2004, 6, 1)
    person = YoungPersonFactory(council=council, date_of_birth=dob)
    services.episode_add(
        acting_user=adviser,
        person=person,
        start=birthday(dob, 15),
        end=birthday(dob, 18),
        reason_new_episode="S",
        legal_status="C2",
        placement_type="U4",
        reason_ceased="E17",
    )
    person.refresh_from_db()
    return adviser, person


def test_as_at_answers_before_inside_between_and_after_spells(setting) -> None:
    """Status on a date is the spell covering it; nothing before the first; the open spell after."""
    adviser, person = setting
    services.eet_record(
        acting_user=adviser,
        person=person,
        activity="further_education",
        start=D(2022, 9, 1),
        end=D(2023, 6, 30),
        source="worker",
    )
    services.eet_record(
        acting_user=adviser, person=person, activity="neet_seeking", start=D(2023, 8, 1), source="worker"
    )
    assert selectors.eet_spell_on(person, D(2022, 8, 31)) is None
    assert selectors.eet_spell_on(person, D(2022, 9, 1)).activity == "further_education"
    assert selectors.eet_spell_on(person, D(2023, 6, 30)).activity == "further_education"
    assert selectors.eet_spell_on(person, D(2023, 7, 15)) is None
    assert selectors.eet_spell_on(person, D(2030, 1, 1)).activity == "neet_seeking"
    people = type(person).objects.filter(pk=person.pk)
    assert list(selectors.neet_on(people, D(2023, 8, 1))) == [person]
    assert list(selectors.neet_on(people, D(2023, 7, 31))) == []


def test_a_new_status_ends_the_open_one_the_day_before(setting) -> None:
    """Recording an apprenticeship from 1 March ends the open NEET spell on 28 February."""
    adviser, person = setting
    neet = services.eet_record(
        acting_user=adviser, person=person, activity="neet_other", start=D(2024, 1, 10), source="worker"
    )
    services.eet_record(
        acting_user=adviser,
        person=person,
        activity="apprenticeship",
        start=D(2024, 3, 1),
        source="partner",
        provider="Brightwell Logistics",
    )
    neet.refresh_from_db()
    assert neet.end == D(2024, 2, 29)
    assert selectors.eet_spell_on(person, D(2024, 2, 29)).activity == "neet_other"
    assert selectors.eet_spell_on(person, D(2024, 3, 1)).activity == "apprenticeship"
    assert AuditEvent.objects.filter(
        object_type="people.EETSpell", action=AuditEvent.Action.CHANGE, object_id=str(neet.pk)
    ).exists()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (D(2023, 1, 1), D(2022, 12, 1), "The end date must be the same as or after the start date"),
        (D(2023, 3, 1), D(2023, 4, 1), "This overlaps"),
        (D(2022, 12, 1), None, "This overlaps"),
        (D(1990, 1, 1), D(1990, 2, 1), "before the young person's date of birth"),
    ],
)
def test_overlapping_backwards_and_impossible_spells_are_refused(setting, start, end, message) -> None:
    """An end before its start, an overlap with a closed spell, or a date before birth changes nothing."""
    adviser, person = setting
    services.eet_record(
        acting_user=adviser,
        person=person,
        activity="further_education",
        start=D(2023, 1, 1),
        end=D(2023, 6, 30),
        source="worker",
    )
    before = EETSpell.objects.count()
    with pytest.raises(ValidationError, match=message):
        services.eet_record(
            acting_user=adviser, person=person, activity="traineeship", start=start, end=end, source="worker"
        )
    assert EETSpell.objects.count() == before


def test_a_correction_keeps_the_old_record_with_its_reason_and_who_made_it(setting) -> None:
    """Correcting a spell supersedes it; as-at answers use the correction; the original stays."""
    adviser, person = setting
    wrong = services.eet_record(
        acting_user=adviser, person=person, activity="employment_full_time", start=D(2024, 1, 8), source="worker"
    )
    fixed = services.eet_correct(
        acting_user=adviser,
        spell=wrong,
        reason="It was an apprenticeship, not a job",
        activity="apprenticeship",
        start=D(2024, 1, 8),
        end=None,
        part_time=False,
        provider="",
        hours_per_week=None,
        source="worker",
    )
    wrong.refresh_from_db()
    assert wrong.superseded_at is not None
    assert wrong.activity == "employment_full_time"
    assert fixed.corrects == wrong
    assert fixed.correction_reason == "It was an apprenticeship, not a job"
    assert fixed.recorded_by == adviser
    assert selectors.eet_spell_on(person, D(2024, 2, 1)) == fixed
    entries = [e for e in selectors.timeline(person) if e.kind == "EET"]
    assert [e.superseded for e in entries] == [False, True] or [e.superseded for e in entries] == [True, False]
    with pytest.raises(ValidationError, match="already been corrected"):
        services.eet_correct(
            acting_user=adviser, spell=wrong, reason="again", activity="apprenticeship", start=D(2024, 1, 8)
        )
    with pytest.raises(ValidationError, match="Enter the reason"):
        services.eet_correct(
            acting_user=adviser, spell=fixed, reason=" ", activity="apprenticeship", start=D(2024, 1, 8)
        )


def test_a_stale_edit_is_refused_and_says_what_changed(setting) -> None:
    """Two people edit one young person: the second save, from an older version, is refused."""
    adviser, person = setting
    other = UserFactory(organisation=person.council, roles=["team_manager"], email="manager@example.org")
    seen_version = person.version
    services.person_update(
        acting_user=other, person=person, version=seen_version, phone="07700 900123", preferred_name="Jay"
    )
    with pytest.raises(StaleRecordError) as error:
        services.person_update(acting_user=adviser, person=person, version=seen_version, preferred_name="Jas")
    message = error.value.messages[0]
    assert "manager@example.org changed" in message
    assert "preferred name" in message and "phone" in message
    person.refresh_from_db()
    assert person.preferred_name == "Jay"


def test_category_on_the_page_follows_the_care_history_and_age(setting) -> None:
    """The derived category changes with age: eligible in care at 17, former relevant at 19."""
    _adviser, person = setting
    assert selectors.category_of(person, birthday(person.date_of_birth, 17)) == Category.ELIGIBLE
    assert selectors.category_of(person, birthday(person.date_of_birth, 19)) == Category.FORMER_RELEVANT
    assert selectors.category_of(person, birthday(person.date_of_birth, 22)) == Category.FORMER_RELEVANT_21_25


def test_sql_category_agrees_with_the_rules(setting) -> None:
    """The database version of the category (for lists) matches the Python rules after the history."""
    _adviser, person = setting
    for years in (16, 17, 18, 20, 21, 24, 26):
        day = birthday(person.date_of_birth, years) + datetime.timedelta(days=3)
        if day < person.care_ended_on:
            continue
        annotated = selectors.annotate_category(type(person).objects.filter(pk=person.pk), day).get()
        assert annotated.category == selectors.category_of(person, day).value, years


def test_contact_recording_says_whether_in_touch_and_a_death_ends_the_category(setting) -> None:
    """The latest contact on or before a date answers 'in touch?'; DIED sets the category to died."""
    adviser, person = setting
    services.contact_record(acting_user=adviser, person=person, date=D(2024, 5, 1), method="phone", in_touch="YES")
    services.contact_record(acting_user=adviser, person=person, date=D(2024, 7, 1), method="attempt", in_touch="NO")
    assert selectors.contact_on(person, D(2024, 6, 1)).in_touch == "YES"
    assert selectors.contact_on(person, D(2024, 7, 2)).in_touch == "NO"
    assert selectors.contact_on(person, D(2024, 4, 1)) is None
    services.contact_record(
        acting_user=adviser, person=person, date=D(2024, 8, 1), method="third_party", in_touch="DIED"
    )
    person.refresh_from_db()
    assert selectors.category_of(person, D(2024, 8, 2)) == Category.DIED
    with pytest.raises(ValidationError, match="today or in the past"):
        services.contact_record(
            acting_user=adviser,
            person=person,
            date=timezone.localdate() + datetime.timedelta(days=1),
            method="phone",
            in_touch="YES",
        )


def test_each_dated_record_knows_the_date_of_the_next_one(setting) -> None:
    """Back-dated, same-day and corrected records keep the chain the indicators read: date, then id."""
    adviser, person = setting
    record = functools.partial(services.contact_record, acting_user=adviser, person=person, method="phone")
    july = record(date=D(2024, 7, 1), in_touch="YES")
    may = record(date=D(2024, 5, 1), in_touch="YES")
    assert_chained(Contact)
    may_again = record(date=D(2024, 5, 1), in_touch="NO")  # the same day, recorded later: it counts
    july.refresh_from_db()
    may.refresh_from_db()
    may_again.refresh_from_db()
    assert (may.next_date, may_again.next_date, july.next_date) == (D(2024, 5, 1), D(2024, 7, 1), None)
    # No page corrects a contact yet; the engine every correction goes through keeps the chain too.
    moved = services._correct(Contact, acting_user=adviser, record=july, reason="Wrong month", date=D(2024, 4, 1))
    assert_chained(Contact)
    assert Contact.objects.get(pk=moved.pk).next_date == D(2024, 5, 1)
    for day in (D(2024, 3, 31), D(2024, 4, 1), D(2024, 4, 30), D(2024, 5, 1), D(2024, 7, 1), D(2025, 1, 1)):
        in_force = Contact.objects.filter(
            Q(next_date__isnull=True) | Q(next_date__gt=day), person=person, superseded_at__isnull=True, date__lte=day
        )
        assert list(in_force) == ([selectors.contact_on(person, day)] if selectors.contact_on(person, day) else [])
    services.pathway_review_record(acting_user=adviser, person=person, date=D(2024, 6, 1))
    services.pathway_review_record(acting_user=adviser, person=person, date=D(2024, 2, 1))
    for school_year, day in ((13, D(2022, 3, 1)), (12, D(2021, 10, 1))):
        services.pep_record(
            acting_user=adviser,
            person=person,
            date=day,
            school_year=school_year,
            social_worker_attended=True,
            quality="good",
        )
    assert_chained()
    assert not AuditEvent.objects.filter(changes__has_key="next_date").exists()


def test_pathway_reviews_are_due_within_6_months_and_overdue_after(setting) -> None:
    """A review sets the next due date (6 months by default); after it, the plan is overdue."""
    adviser, person = setting
    review = services.pathway_review_record(
        acting_user=adviser, person=person, date=D(2024, 8, 31), passport=["money", "bank_account"]
    )
    assert review.next_due == D(2025, 2, 28)
    with pytest.raises(ValidationError, match="within 6 months"):
        services.pathway_review_record(acting_user=adviser, person=person, date=D(2024, 9, 1), next_due=D(2025, 6, 1))
    status = selectors.status_on(person, D(2025, 3, 1))
    assert status.pathway_overdue
    assert "Pathway plan review overdue" in status.risks
    assert not selectors.status_on(person, D(2025, 2, 1)).pathway_overdue


def test_allocating_a_personal_adviser_keeps_history_and_the_current_one(setting) -> None:
    """A new personal adviser ends the previous allocation; the young person shows the new one."""
    adviser, person = setting
    other = UserFactory(organisation=person.council, roles=["personal_adviser"])
    services.allocate(acting_user=adviser, person=person, role="personal_adviser", start=D(2024, 1, 1), worker=adviser)
    services.allocate(acting_user=adviser, person=person, role="personal_adviser", start=D(2024, 6, 1), worker=other)
    person.refresh_from_db()
    assert person.personal_adviser == other
    first = person.allocations.get(worker=adviser)
    assert first.end == D(2024, 5, 31)
    with pytest.raises(ValidationError, match="must start after the current one"):
        services.allocate(
            acting_user=adviser, person=person, role="personal_adviser", start=D(2024, 5, 1), worker=adviser
        )

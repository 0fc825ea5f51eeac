"""A young person's page picks their situation from the timeline it has read (``status_on(timeline=...)``)
rather than query each history again: the answers must be the queries' answers."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from onward.people import selectors
from onward.people.categories import birthday
from onward.people.generator import generate_council
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
from tests.factories import CouncilFactory, YoungPersonFactory

pytestmark = pytest.mark.django_db


def _days() -> list[datetime.date]:
    today = timezone.localdate()
    return [today - datetime.timedelta(days=n) for n in (0, 45, 200, 420, 800, 1500, 2600)]


@pytest.fixture
def council():  # type: ignore[no-untyped-def]
    council = CouncilFactory()
    generate_council(council=council, size=60, seed=404)
    # Corrections: some spells superseded, so that the picks must leave them out; some ended.
    for model in (EETSpell, AccommodationSpell):
        spells = list(model.objects.filter(person__council=council).order_by("pk"))
        for spell in spells[::5]:
            model.objects.filter(pk=spell.pk).update(superseded_at=timezone.now(), updated_at=timezone.now())
        for spell in spells[1::4]:
            if spell.end is None:
                end = spell.start + datetime.timedelta(days=40)
                model.objects.filter(pk=spell.pk).update(end=end, updated_at=timezone.now())
    for model in (Contact, PathwayPlanReview):
        for record in list(model.objects.filter(person__council=council).order_by("-date", "pk"))[::3]:
            model.objects.filter(pk=record.pk).update(superseded_at=timezone.now(), updated_at=timezone.now())
    return council


def _picked(status: selectors.StatusOn) -> tuple[object, ...]:
    return (
        status.category,
        getattr(status.eet, "pk", None),
        getattr(status.accommodation, "pk", None),
        getattr(status.contact, "pk", None),
        getattr(status.pathway_review, "pk", None),
        status.pathway_overdue,
        tuple(status.risks),
    )


def test_the_situation_picked_from_the_timeline_is_the_one_the_queries_find(council) -> None:
    compared = 0
    for person in YoungPerson.objects.filter(council=council):
        timeline = selectors.timeline(person)
        for day in _days():
            assert _picked(selectors.status_on(person, day, timeline=timeline)) == _picked(
                selectors.status_on(person, day)
            ), (person.pk, day)
            compared += 1
    assert compared == 60 * len(_days())


@pytest.mark.parametrize("model", [EETSpell, AccommodationSpell])
def test_a_spell_covers_a_day_exactly_when_the_covering_filter_finds_it(council, model) -> None:
    spells = list(model.objects.filter(person__council=council))
    assert any(spell.superseded_at for spell in spells) and any(spell.end for spell in spells)
    for day in _days():
        found = set(model.objects.filter(model.covering(day), person__council=council).values_list("pk", flat=True))
        assert {spell.pk for spell in spells if spell.covers(day)} == found
        for spell in spells:  # the boundaries: the first and last day, and the days either side
            for edge in (spell.start, spell.end):
                if edge is None:
                    continue
                for near in (edge - datetime.timedelta(days=1), edge, edge + datetime.timedelta(days=1)):
                    assert spell.covers(near) == model.objects.filter(model.covering(near), pk=spell.pk).exists()


@pytest.mark.parametrize("next_step_stands", [False, True])
@pytest.mark.parametrize("pep_days_ago", [selectors.PEP_TERM_DAYS, selectors.PEP_TERM_DAYS - 1])
def test_the_signs_picked_from_the_timeline_are_the_queries_at_their_edges(next_step_stands, pep_days_ago) -> None:
    """A looked-after young person in Year 12 or 13 whose course ends within 6 weeks: a next step counts
    only if it stands (not corrected away), and a PEP is this term's only within ``PEP_TERM_DAYS``."""
    day = timezone.localdate()
    dob = datetime.date(day.year - 17, 1, 15)
    assert selectors.school_year_on(dob, day) in (12, 13)
    person = YoungPersonFactory(date_of_birth=dob)
    CareEpisode.objects.create(
        person=person,
        start=birthday(dob, 14),
        reason_new_episode="S",
        legal_status="C2",
        placement_type="U4",
    )
    refresh_care_summary(person)
    EETSpell.objects.create(
        person=person,
        activity="further_education",
        start=day - datetime.timedelta(days=100),
        end=day + datetime.timedelta(days=20),
    )
    later = EETSpell.objects.create(person=person, activity="employment", start=day + datetime.timedelta(days=30))
    if not next_step_stands:
        EETSpell.objects.filter(pk=later.pk).update(superseded_at=timezone.now())
    PEP.objects.create(
        person=person,
        date=day - datetime.timedelta(days=pep_days_ago),
        school_year=12,
        social_worker_attended=True,
        quality="good",
    )
    corrected = PEP.objects.create(
        person=person,
        date=day - datetime.timedelta(days=5),
        school_year=12,
        social_worker_attended=True,
        quality="good",
    )
    PEP.objects.filter(pk=corrected.pk).update(superseded_at=timezone.now())
    person.refresh_from_db()

    from_timeline = selectors.status_on(person, day, timeline=selectors.timeline(person)).risks
    assert from_timeline == selectors.status_on(person, day).risks
    ending = any("ends on" in reason for reason in from_timeline)
    no_pep = any("No PEP this term" in reason for reason in from_timeline)
    assert (ending, no_pep) == (not next_step_stands, pep_days_ago == selectors.PEP_TERM_DAYS)


def test_the_timeline_reads_every_record_of_each_kind_the_young_person_has_and_no_one_elses(council) -> None:
    """The timeline asks first which kinds of record a young person has any of, then reads those
    kinds with SQL compiled once: what it holds must be what the ORM finds, kind by kind, value by value
    (and the records read with them)."""
    kinds = selectors._TIMELINE_KINDS
    assert all(selectors._records_sql(kind, connection.vendor) is not None for kind in range(len(kinds)))
    kinds_seen = set()
    for person in YoungPerson.objects.filter(council=council):
        held = {(type(entry.record), entry.record.pk): entry.record for entry in selectors.timeline(person)}
        expected = {
            (model, record.pk): record
            for model, related in kinds
            for record in model.objects.filter(person=person).select_related(*related)
        }
        assert held.keys() == expected.keys(), person.pk
        for (model, pk), record in held.items():
            related = dict(kinds)[model]
            assert _values(record, related) == _values(expected[model, pk], related), (model, pk)
        kinds_seen |= {model for model, _pk in held}
    assert len(kinds_seen) >= 6, kinds_seen  # the generated council has many kinds of record


def _values(record: Any, related: tuple[str, ...] = ()) -> dict[str, Any]:
    """A record's stored values, and those of the records ``related`` read with it (``select_related``)."""
    values = {field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields}
    for name in related:
        assert record._meta.get_field(name).is_cached(record), name  # read with it, not asked for after
        found = getattr(record, name)
        values[name] = None if found is None else _values(found)
    return values

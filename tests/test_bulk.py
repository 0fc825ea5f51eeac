"""Bulk inserts from plain values: what a caller leaves out is filled as Django would fill it."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone

from onward.core import bulk
from onward.core.bulk import insert_values
from onward.people.generator import generate_council
from onward.people.models import Contact, EETSpell, YoungPerson
from onward.performance.models import IndicatorSnapshot
from tests.factories import CouncilFactory, YoungPersonFactory

pytestmark = pytest.mark.django_db


def test_values_are_written_with_defaults_and_timestamps() -> None:
    """Every row is stored; an omitted field takes its default and the timestamps are the time of the call."""
    council = CouncilFactory()
    before = timezone.now()
    insert_values(
        IndicatorSnapshot,
        (
            {
                "council_id": council.pk,
                "indicator": f"code_{n}",
                "method": "snapshot",
                "month_end": datetime.date(2026, 10, 31),
                "numerator": n,
                "denominator": None if n % 2 else 10,
            }
            for n in range(7)
        ),
        batch_size=3,
    )
    stored = list(IndicatorSnapshot.objects.order_by("numerator"))
    assert [(s.indicator, s.numerator, s.denominator) for s in stored] == [
        (f"code_{n}", n, None if n % 2 else 10) for n in range(7)
    ]
    assert {(s.breakdown, s.breakdown_value) for s in stored} == {("", "")}
    assert all(before <= s.created_at == s.updated_at <= timezone.now() for s in stored)


def test_a_value_with_no_default_cannot_be_left_out() -> None:
    """A row missing a field that has no default is refused, and its transaction keeps nothing."""
    council = CouncilFactory()
    with pytest.raises(KeyError), transaction.atomic():
        insert_values(IndicatorSnapshot, [{"council_id": council.pk, "indicator": "x", "method": "snapshot"}])
    assert not IndicatorSnapshot.objects.exists()


def _planner_rows(model: type[models.Model]) -> int | None:
    """The number of rows the database's planner statistics give the table (None: never analysed)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            (tuples,) = cursor.fetchone()
            return None if tuples < 0 else round(tuples)
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        found = cursor.fetchone()
        return None if found is None else int(found[0].split()[0])


def test_generating_a_cohort_leaves_the_planner_statistics_current() -> None:
    """A bulk load ends with ANALYZE of the large tables it filled, so the planner knows their size."""
    council = CouncilFactory()
    generate_council(council=council, size=250, seed=4)
    contacts = Contact.objects.count()
    assert contacts >= bulk.ANALYZE_AFTER_ROWS
    assert _planner_rows(Contact) == contacts


def test_generating_several_councils_analyses_each_table_once_at_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spread over councils, the tables are analysed once with every council's rows, not after each council."""
    analysed: list[list[str]] = []
    real = bulk.analyze
    monkeypatch.setattr(bulk, "analyze", lambda *tables: (analysed.append([m.__name__ for m in tables]), real(*tables)))
    call_command("generate_cohort", "--council", "Spread", "--size", "450", "--seed", "4", "--councils", "3")
    assert len(analysed) == 1
    assert "Contact" in analysed[0]
    assert _planner_rows(Contact) == Contact.objects.count()


def test_a_small_load_leaves_the_statistics_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    analysed: list[str] = []
    monkeypatch.setattr(bulk, "analyze", lambda *tables: analysed.extend(m.__name__ for m in tables))
    bulk.analyze_loaded({Contact: bulk.ANALYZE_AFTER_ROWS, EETSpell: bulk.ANALYZE_AFTER_ROWS - 1})
    assert analysed == ["Contact"]


def test_many_objects_are_written_with_one_time_of_the_call() -> None:
    """``insert_many`` stamps every object's ``created_at`` and ``updated_at`` with the time of the call, once."""
    person = YoungPersonFactory()
    before = timezone.now()
    bulk.insert_many(
        Contact,
        [Contact(person=person, date=datetime.date(2024, 1, n), method="phone", in_touch="YES") for n in range(1, 6)],
        batch_size=2,
    )
    stored = list(Contact.objects.filter(person=person))
    assert len(stored) == 5
    assert len({(c.created_at, c.updated_at) for c in stored}) == 1
    assert before <= stored[0].created_at == stored[0].updated_at <= timezone.now()


def test_a_default_shared_by_every_row_is_written_to_each() -> None:
    """A JSON default left out (one list for every row, prepared once) is stored on every row, and a row that
    gives its own value keeps it."""
    council = CouncilFactory()
    base = {"council_id": council.pk, "legal_given_name": "Not recorded", "sex": "F"}
    insert_values(
        YoungPerson,
        [
            {**base, "child_id": f"J{n}", "legal_family_name": f"J{n}", "date_of_birth": datetime.date(2006, 1, n)}
            for n in range(1, 4)
        ]
        + [
            {
                **base,
                "child_id": "J9",
                "legal_family_name": "J9",
                "date_of_birth": datetime.date(2006, 1, 9),
                "communication_preferences": ["email"],
            }
        ],
        batch_size=2,
    )
    stored = dict(YoungPerson.objects.filter(council=council).values_list("child_id", "communication_preferences"))
    assert stored == {"J1": [], "J2": [], "J3": [], "J9": ["email"]}

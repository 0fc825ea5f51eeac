"""Queries compiled once a process (``onward.core.compiled``): bound to a call's values, the SQL and
its values are exactly what Django compiles for that call, and a query that cannot be bound so is
refused (``None``) rather than run with the wrong values."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, OuterRef, Q
from django.utils import timezone

from onward.core.compiled import OncePerProcess, compile_query
from onward.people.models import Contact, YoungPerson
from onward.people.selectors import years_before
from tests.factories import CouncilFactory, YoungPersonFactory

PROBES = tuple({"day": datetime.date(1901 + n, n, n + 10), "council": -n} for n in (1, 2, 3))


def born_by(values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "adult": years_before(values["day"], 18)}


def adults(day: datetime.date, council: int) -> Any:
    return YoungPerson.objects.filter(council_id=council, date_of_birth__lte=years_before(day, 18)).filter(
        Q(died_on__isnull=True) | Q(died_on__gt=day)
    )


@pytest.mark.django_db
def test_a_compiled_query_is_bound_to_each_calls_values_and_its_derived_ones() -> None:
    compiled = compile_query(adults, PROBES, derive=born_by)
    assert compiled is not None
    for day, council in ((datetime.date(2026, 2, 28), 7), (datetime.date(2024, 2, 29), 12)):
        sql, params = adults(day, council).query.sql_with_params()
        assert compiled.bind({"day": day, "council": council}) == (sql, list(params))


@pytest.mark.django_db
def test_a_value_the_derived_values_do_not_explain_is_refused() -> None:
    # The date of birth of an adult is worked out from the day, but not given by ``derive``.
    assert compile_query(adults, PROBES) is None


@pytest.mark.django_db
def test_a_query_whose_text_changes_with_its_values_is_refused() -> None:
    def shaped(day: datetime.date, council: int) -> Any:
        people = YoungPerson.objects.filter(council_id=council)
        return people.filter(died_on__lte=day) if day.year % 2 else people.filter(date_of_birth__lte=day)

    assert compile_query(shaped, PROBES) is None


@pytest.mark.django_db
def test_a_value_fixed_in_the_probes_by_chance_is_caught_by_the_third() -> None:
    # The first two made-up values agree in what is taken from them, so it looks fixed; the third does not.
    probes = (
        {"day": datetime.date(1902, 1, 5)},
        {"day": datetime.date(1903, 1, 6)},
        {"day": datetime.date(1904, 2, 7)},
    )

    def in_month(day: datetime.date) -> Any:
        return YoungPerson.objects.filter(date_of_birth__month=day.month)

    assert compile_query(in_month, probes) is None


@pytest.mark.django_db
def test_a_scope_is_put_in_where_the_marker_stands_and_narrows_the_rows() -> None:
    def contacted(day: datetime.date, scope: Any) -> Any:
        recent = Contact.objects.filter(person=OuterRef("pk"), date__lte=day).values("date")[:1]
        return scope.annotate(last=recent).order_by("pk")

    compiled = compile_query(contacted, tuple({"day": p["day"]} for p in PROBES), model=YoungPerson)
    assert compiled is not None
    here, there = CouncilFactory(), CouncilFactory()
    ours = [YoungPersonFactory(council=here) for _ in range(3)]
    YoungPersonFactory(council=there)
    Contact.objects.create(person=ours[1], date=datetime.date(2026, 1, 5), method="phone", in_touch="YES")
    day = datetime.date(2026, 3, 1)
    scope = YoungPerson.objects.filter(council=here).exclude(pk=ours[2].pk)
    found = compiled.instances({"day": day}, scope)
    assert [(p.pk, p.last) for p in found] == [(ours[0].pk, None), (ours[1].pk, datetime.date(2026, 1, 5))]
    assert [(p.pk, p.last) for p in found] == [(p.pk, p.last) for p in contacted(day, scope)]
    # The scope's own condition, under the table's own name: one query for the planner.
    sql, _ = compiled.bind({"day": day}, scope)
    assert " IN (SELECT" not in sql.replace('"', "")
    # A scope that joins another table is put in as the keys it holds.
    joined = YoungPerson.objects.filter(council__name=here.name).exclude(pk=ours[2].pk)
    sql, _ = compiled.bind({"day": day}, joined)
    assert f"{connection.ops.quote_name('people_youngperson')}.{connection.ops.quote_name('id')} IN (SELECT" in sql
    assert [p.pk for p in compiled.instances({"day": day}, joined)] == [ours[0].pk, ours[1].pk]
    # A scope narrowed by annotations of its own (an aggregate, a count of contacts) goes in as its keys.
    grouped = scope.annotate(rows=Count("pk")).filter(rows__gt=0)
    assert [p.pk for p in compiled.instances({"day": day}, grouped)] == [ours[0].pk, ours[1].pk]
    counted = YoungPerson.objects.filter(council=here).annotate(held=Count("contacts")).filter(held__gt=0)
    assert [p.pk for p in compiled.instances({"day": day}, counted)] == [ours[1].pk]
    # A scope no record can be in (an empty choice) gives no row, by either way of putting it in.
    assert compiled.instances({"day": day}, YoungPerson.objects.filter(pk__in=[])) == []
    assert compiled.instances({"day": day}, YoungPerson.objects.filter(council__name=here.name, pk__in=[])) == []
    with pytest.raises(ValueError, match="scope"):
        compiled.bind({"day": day}, Contact.objects.all())


@pytest.mark.django_db
def test_a_query_built_with_todays_date_is_refused() -> None:
    # Today's date is the same in every probe: compiled once, it would be wrong tomorrow.
    def alive_today(council: int) -> Any:
        return YoungPerson.objects.filter(council_id=council).exclude(died_on__lte=timezone.localdate())

    assert compile_query(alive_today, tuple({"council": -n} for n in (1, 2, 3))) is None


def ages(council: int) -> Any:
    return YoungPerson.objects.filter(council_id=council).values_list("pk", "date_of_birth").order_by("pk")


@pytest.mark.django_db
def test_once_per_process_gives_the_querysets_rows_compiled_or_not() -> None:
    here, there = CouncilFactory(), CouncilFactory()
    ours = YoungPersonFactory.create_batch(2, council=here)
    YoungPersonFactory(council=there)
    once = OncePerProcess(ages, tuple({"council": -n} for n in (1, 2, 3)))
    assert once.compiled() is not None
    expected = [(person.pk, person.date_of_birth) for person in sorted(ours, key=lambda p: p.pk)]
    assert once.rows({"council": here.pk}) == expected == [tuple(row) for row in ages(here.pk)]
    assert [
        p.pk
        for p in OncePerProcess(
            lambda council: YoungPerson.objects.filter(council_id=council).order_by("pk"),
            tuple({"council": -n} for n in (1, 2, 3)),
        ).instances({"council": here.pk})
    ] == [p for p, _ in expected]

    # A query that cannot be compiled (today's date read while building) is built for every call instead.
    def born_before_today(council: int) -> Any:
        return ages(council).filter(date_of_birth__lt=timezone.localdate())

    built = OncePerProcess(born_before_today, tuple({"council": -n} for n in (1, 2, 3)))
    assert built.compiled() is None
    assert built.rows({"council": here.pk}) == expected
    assert [
        p.pk
        for p in OncePerProcess(
            lambda council: YoungPerson.objects.filter(
                council_id=council, date_of_birth__lt=timezone.localdate()
            ).order_by("pk"),
            tuple({"council": -n} for n in (1, 2, 3)),
        ).instances({"council": there.pk})
    ] == [YoungPerson.objects.get(council=there).pk]

"""Work in progress for a young person held by apps built on this one: a referral being triaged or
with a provider, for example. The at-risk rules read it ("NEET for months with nothing in
progress"); the apps that hold such work register a source here in their ``AppConfig.ready()``, so
this app never imports them.

A source is a function returning a queryset of the app's records that count as work in progress,
each with a ``person`` foreign key to :class:`~onward.people.models.YoungPerson`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import BooleanField, Exists, Expression, ExpressionWrapper, OuterRef, Q, QuerySet, Value

OpenWorkSource = Callable[[], QuerySet[Any]]

_SOURCES: dict[str, OpenWorkSource] = {}


def register_open_work(name: str, source: OpenWorkSource) -> None:
    """Add (or replace, by ``name``) a kind of work in progress."""
    _SOURCES[name] = source


def sources() -> list[OpenWorkSource]:
    return [_SOURCES[name] for name in sorted(_SOURCES)]


def has_open_work() -> Expression:
    """An annotation on young people: whether some work is in progress for them (false with no source)."""
    exists = [Exists(source().filter(person=OuterRef("pk"))) for source in sources()]
    if not exists:
        return Value(False, output_field=BooleanField())
    condition = Q(exists[0])
    for more in exists[1:]:
        condition |= Q(more)
    return ExpressionWrapper(condition, output_field=BooleanField())


def people_with_open_work(ids: QuerySet[Any]) -> list[QuerySet[Any]]:
    """For each source, a query of the distinct ``person_id`` of ``ids`` with work in progress."""
    return [source().filter(person_id__in=ids).values("person_id").distinct() for source in sources()]

"""Work in progress for a young person held by apps built on this one: a referral being triaged or
with a provider, for example. The at-risk rules read it ("NEET for months with nothing in
progress"); the apps that hold such work register a source here in their ``AppConfig.ready()``, so
this app never imports them.

A source is a function returning a queryset of the app's records that count as work in progress,
each with a ``person`` foreign key to :class:`~onward.people.models.YoungPerson`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import BooleanField, Exists, Expression, ExpressionWrapper, OuterRef, Q, QuerySet, Value

OpenWorkSource = Callable[[], QuerySet[Any]]
ChangedSince = Callable[[datetime.datetime], QuerySet[Any]]

_SOURCES: dict[str, OpenWorkSource] = {}
_CHANGED: dict[str, ChangedSince] = {}


def register_open_work(name: str, source: OpenWorkSource, changed: ChangedSince) -> None:
    """Add (or replace, by ``name``) a kind of work in progress.

    ``changed(since)`` gives the ``person_id`` of every young person whose work of this kind may
    have started or ended after ``since`` (its records' ``updated_at``), so stored scores that read
    it are brought up to date (``people.services.keep_current``).
    """
    _SOURCES[name] = source
    _CHANGED[name] = changed


def registered() -> tuple[tuple[str, ChangedSince], ...]:
    """The kinds of work in progress registered, by name: a key for what is worked out from them."""
    return tuple(sorted(_CHANGED.items()))


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
    return [source().filter(person_id__in=ids).values("person_id").order_by().distinct() for source in sources()]


def changed_since(since: datetime.datetime) -> list[QuerySet[Any]]:
    """For each source, a query of the ``person_id`` whose work in progress may have changed after ``since``."""
    return [_CHANGED[name](since) for name in sorted(_CHANGED)]

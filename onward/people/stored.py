"""Per-person figures kept for today, so the pages that rank or count a whole council read a few
indexed rows rather than every young person's history (ADR 36).

A kind of stored row (the at-risk score here; the indicator facts in ``performance``) is kept for
one day per council. :func:`keep_current` brings a council's rows of a kind up to date before a page
reads them: on a new day, or when the rules that make them change, every young person of the
council again; otherwise only the young people whose records changed since the last refresh began
(less a margin, for transactions that were still open then). What changed is found by
``updated_at``, which every way of writing a row moves (``core.models.TouchingQuerySet``); the
sources read are :data:`SOURCES` and the kinds of work in progress (``people.open_work``).

This module writes only derived rows, never a record: there is nothing to audit.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from onward.core.bulk import analyze
from onward.core.compiled import Compiled, OncePerProcess, compile_query
from onward.people import open_work
from onward.people.models import (
    PEP,
    AccommodationSpell,
    CareEpisode,
    Contact,
    EETSpell,
    PathwayPlanReview,
    RiskScore,
    StoredDay,
    YoungPerson,
)

SOURCES: tuple[type[Any], ...] = (CareEpisode, EETSpell, AccommodationSpell, Contact, PathwayPlanReview, PEP)
"""The histories the stored figures are made from (with the young person's own row)."""

MARGIN = datetime.timedelta(minutes=2)
"""How far before the last refresh began changes are looked for again: a write committed after a
refresh began, in a transaction opened before it, has an ``updated_at`` up to this much earlier.
A web request's transaction ends well within it (gunicorn's timeout); an import, which can take
longer, makes its council's figures be worked out again once it has saved (:func:`forget`)."""

WHOLE_COUNCIL_SHARE = 0.25
"""Above this share of the council changed (a bulk load), the whole council is worked out again."""

BATCH = 2000

Replace = Callable[[QuerySet[YoungPerson], datetime.date], list[Any]]
"""Works out the stored rows for some young people on a date (unsaved model instances)."""


def fingerprint(*parts: str) -> str:
    """A short hash of the SQL (or anything else) that makes a kind's rows: rows made by other rules
    are worked out again."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def changed_people(council: int, since: datetime.datetime, *, work: bool = True) -> set[int]:
    """Ids of the council's young people with a record changed after ``since``, in one query (with
    ``work``, their work in progress too: ``people.open_work``).

    Every stored page asks this before it reads, so the query is built and compiled once a process
    (:func:`_changed_sql`) and only its values change: building the union of eight or so queries took
    more time than running it."""
    compiled = _changed_sql(connection.vendor, work, open_work.registered())
    if compiled is None:
        return {row[0] for row in _changed_query(council, since, work=work)}
    return {row[0] for row in compiled.fetch({"council": council, "since": since})}


def _changed_query(council: int, since: datetime.datetime, *, work: bool) -> QuerySet[Any]:
    own = YoungPerson.objects.filter(council_id=council)
    parts: list[QuerySet[Any]] = [own.filter(updated_at__gt=since).order_by().values_list("id")]
    parts += [
        model.objects.filter(updated_at__gt=since, person__council_id=council).order_by().values_list("person_id")
        for model in SOURCES
    ]
    if work:
        parts += [own.filter(pk__in=q).order_by().values_list("id") for q in open_work.changed_since(since)]
    first, *rest = parts
    return first.union(*rest)


# Made-up councils and times, no real one's, from which the query is compiled (``core.compiled``).
_PROBES = tuple(
    {"council": -1_000_000 - n, "since": datetime.datetime(1900 + n, n, n, n, n, n, tzinfo=datetime.UTC)}
    for n in (1, 2, 3)
)


@functools.cache
def _changed_sql(vendor: str, work: bool, sources: tuple[Any, ...]) -> Compiled | None:
    """:func:`_changed_query` compiled once for a kind of database, with or without work in progress,
    and the sources of work registered; ``None`` (the query is then built each time) if a value
    depends on the council or the time other than by being it: a source that asked for changes a day
    before ``since``, say."""
    return compile_query(lambda council, since: _changed_query(council, since, work=work), _PROBES)


_MARK = OncePerProcess(
    lambda council, kind: StoredDay.objects.filter(council_id=council, kind=kind).order_by("pk")[:1],
    tuple({"council": -n, "kind": f"probe-{n}"} for n in (1, 2, 3)),
)
"""A council's mark for a kind of stored row (at most one: ``StoredDay`` is unique by the two)."""


def keep_current(
    *,
    council: int,
    day: datetime.date,
    model: type[Any],
    kind: str,
    rules: str,
    make: Replace,
    work: bool = True,
) -> None:
    """Bring the council's stored rows of ``model`` (``kind``, made by ``rules``) up to date for ``day``.

    Reads first without a lock: when nothing changed (the usual case) nothing is worked out, and at
    most once a ``MARGIN`` the time of the look is recorded on the mark (:func:`_move_on`). Otherwise
    the council's mark is locked, so two requests never work out the same rows at once, and the
    young people to do are looked for again under the lock. When the rows are for ``day`` and another
    request holds the lock, it is already bringing them up to date: this one reads them as they are
    rather than wait (on PostgreSQL; SQLite takes one writer at a time anyway). ``work``: the rows
    depend on work in progress too (``people.open_work``).
    """
    found = _MARK.instances({"council": council, "kind": kind})
    mark = found[0] if found else None
    fresh = mark is not None and _current(mark, day, rules)
    checked = timezone.now()
    if fresh and mark is not None and not changed_people(council, mark.refreshed_at - MARGIN, work=work):
        _move_on(mark, checked)
        return
    with transaction.atomic():
        mark = _locked_mark(council, kind, day, wait=not fresh)
        if mark is None:  # being brought up to date by another request
            return
        started = timezone.now()
        people = YoungPerson.objects.filter(council_id=council)
        if _current(mark, day, rules):
            changed = changed_people(council, mark.refreshed_at - MARGIN, work=work)
            if not changed:
                return
            if len(changed) <= WHOLE_COUNCIL_SHARE * max(1, people.count()):
                ids = sorted(changed)
                for at in range(0, len(ids), BATCH):
                    batch = ids[at : at + BATCH]
                    model.objects.filter(person_id__in=batch).delete()
                    model.objects.bulk_create(make(people.filter(pk__in=batch), day), batch_size=BATCH)
                _mark(mark, day, rules, started)
                return
        model.objects.filter(council_id=council).delete()
        model.objects.bulk_create(make(people, day), batch_size=BATCH)
        analyze(model)  # the planner's figures for the table, which was just filled again
        _mark(mark, day, rules, started)


def _move_on(mark: StoredDay, checked: datetime.datetime) -> None:
    """Nothing of the council changed: its rows are as a refresh begun at ``checked`` would leave them.

    Recorded at most once a ``MARGIN``, and only if no request holds the mark: what changed is looked
    for across every council's writes since the mark (less the margin), so a mark left behind while
    other councils write would make each look longer than the last.
    """
    if checked - mark.refreshed_at < MARGIN:
        return
    with transaction.atomic():
        same = (
            StoredDay.objects.select_for_update(skip_locked=True)
            .filter(pk=mark.pk, day=mark.day, rules=mark.rules, refreshed_at=mark.refreshed_at)
            .first()
        )
        if same is not None:
            same.refreshed_at = checked
            same.save(update_fields=["refreshed_at"])


def forget(council: int) -> None:
    """Have every kind of the council's stored rows worked out again when next read (after a bulk load)."""
    StoredDay.objects.filter(council_id=council).delete()


def _current(mark: StoredDay, day: datetime.date, rules: str) -> bool:
    return mark.day == day and mark.rules == rules


def _locked_mark(council: int, kind: str, day: datetime.date, *, wait: bool) -> StoredDay | None:
    """The council's mark for ``kind``, locked (made, stale, if there is none yet); without ``wait``,
    ``None`` if another transaction holds it."""
    stale = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    try:
        with transaction.atomic():
            StoredDay.objects.get_or_create(council_id=council, kind=kind, defaults={"day": day, "refreshed_at": stale})
    except IntegrityError:  # made at the same moment by another request
        pass
    return StoredDay.objects.select_for_update(skip_locked=not wait).filter(council_id=council, kind=kind).first()


def _mark(mark: StoredDay, day: datetime.date, rules: str, started: datetime.datetime) -> None:
    mark.day, mark.rules, mark.refreshed_at = day, rules, started
    mark.save(update_fields=["day", "rules", "refreshed_at"])


# The at-risk score --------------------------------------------------------------------------------


def _risk_rows(people: QuerySet[YoungPerson], day: datetime.date) -> list[RiskScore]:
    from onward.people.selectors import risk_scores

    return [
        RiskScore(
            person_id=pk, council_id=council_id, day=day, score=score, legal_family_name=family, legal_given_name=given
        )
        for pk, council_id, score, family, given in risk_scores(people, day)
    ]


def risk_rules() -> str:
    """The fingerprint of the at-risk rules: the statement that scores, for a fixed day (built once a
    process for a kind of database and the sources of work in progress registered)."""
    return _risk_rules(connection.vendor, open_work.registered())


@functools.cache
def _risk_rules(vendor: str, sources: tuple[Any, ...]) -> str:
    from onward.people.selectors import risk_sql

    sql, params = risk_sql(YoungPerson.objects.filter(council_id=0), datetime.date(2000, 1, 1))
    return fingerprint(vendor, sql, repr(params))


def keep_risk_current(councils: Iterable[int], day: datetime.date) -> None:
    """Bring the stored at-risk scores of each council (by id) up to date for ``day``
    (``selectors.ranked_at_risk_stored`` reads them)."""
    rules = risk_rules()
    for council in sorted(set(councils)):
        keep_current(council=council, day=day, model=RiskScore, kind="risk", rules=rules, make=_risk_rows)


Ranking = Callable[..., tuple[list[tuple[int, int]], int]]
"""Ranks young people at risk: ``(people, day, *, offset, limit)`` to one page and the total."""


def at_risk_ranking(people: QuerySet[YoungPerson], day: datetime.date) -> Ranking:
    """How ``people`` are ranked at risk on ``day``: today from the kept scores, first brought up to
    date (ADR 36), so a page reads a few indexed rows; any other day worked out from the records."""
    from onward.people import selectors

    if day != selectors.today():
        return selectors.ranked_at_risk
    councils = selectors.councils_of(people)
    keep_risk_current(councils, day)
    return functools.partial(selectors.ranked_at_risk_stored, councils=councils)

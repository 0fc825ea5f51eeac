"""What became of the young people who started a service or programme: their EET status 3, 6 and 12
months after they started, beside those referred who did not start, and beside those who started before
a chosen date (Cambridgeshire 2.5 "a reduction in NEET for those who engage"; Derby 4.12; Leeds 2e).

Pure reading of the EET history: the apps that know who started what (``referrals`` for directory
services, ``opportunities`` for programmes) hand in, for each group, each young person once with the
day their clock starts (the day they started; for those who did not start, the day they were referred
or put forward). This module sits below both apps in the layers, so each reads it the same way.

A young person's status on a day is the current (not corrected) EET record covering that day, the
latest started winning (as ``people.selectors.annotate_status`` reads it): EET, NEET, or not known
(no record, not known, or in custody). Every (young person, day) pair is read from one query of the
histories of the young people given, in the spirit of ADR 13: the records are fetched once and each day
looked up in memory, never a query a young person.

**As at a date**: only clocks started on or before ``as_at`` are counted, and a point (3, 6 or 12
months on) only once it has come by ``as_at``; so a past date gives the figures it gave then (as the
history now stands, as ``people.selectors.eet_starts`` reads it).
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from onward.core.codelists import EET_ACTIVITIES, NEET_ACTIVITIES
from onward.people.models import EETSpell
from onward.people.selectors import months_after

IMPACT_MONTHS = (3, 6, 12)
K = TypeVar("K")
EET, NEET, NOT_KNOWN = "eet", "neet", "not_known"


def eet_statuses(pairs: Iterable[tuple[int, datetime.date]]) -> dict[tuple[int, datetime.date], str]:
    """The EET status (``EET``, ``NEET`` or ``NOT_KNOWN``) of each young person on each day. One query."""
    wanted = set(pairs)
    if not wanted:
        return {}
    people = {person_id for person_id, _day in wanted}
    latest = max(day for _person_id, day in wanted)
    spells: dict[int, list[tuple[datetime.date, int, datetime.date | None, str]]] = {}
    for person_id, pk, start, end, activity in (
        EETSpell.objects.filter(person_id__in=people, superseded_at__isnull=True, start__lte=latest)
        .order_by("person_id", "start", "id")
        .values_list("person_id", "id", "start", "end", "activity")
    ):
        spells.setdefault(person_id, []).append((start, pk, end, activity))
    starts = {person_id: [s[0] for s in held] for person_id, held in spells.items()}
    found: dict[tuple[int, datetime.date], str] = {}
    for person_id, day in wanted:
        held = spells.get(person_id, [])
        # Spells are in order of start then id: walk back from the last started on or before the day.
        index = bisect.bisect_right(starts.get(person_id, []), day)
        status = NOT_KNOWN
        for start, _pk, end, activity in reversed(held[:index]):
            if start <= day and (end is None or end >= day):
                status = EET if activity in EET_ACTIVITIES else NEET if activity in NEET_ACTIVITIES else NOT_KNOWN
                break
        found[(person_id, day)] = status
    return found


@dataclass(frozen=True)
class Point:
    """One group's status ``months`` after their clocks started: how many have reached that point by the
    date asked about, and of them how many were EET, NEET or not known."""

    months: int
    reached: int
    eet: int
    neet: int
    not_known: int


@dataclass(frozen=True)
class GroupImpact:
    key: str
    label: str
    people: int
    """How many young people the group holds (clocks started on or before the date)."""
    points: tuple[Point, ...]

    def point(self, months: int) -> Point:
        return next(p for p in self.points if p.months == months)


def group_impact(
    key: str,
    label: str,
    clocks: Mapping[int, datetime.date],
    as_at: datetime.date,
    statuses: Mapping[tuple[int, datetime.date], str],
) -> GroupImpact:
    """One group's figures from ``clocks`` (young person id to the day their clock started)."""
    counted = {person_id: day for person_id, day in clocks.items() if day <= as_at}
    points = []
    for months in IMPACT_MONTHS:
        seen = [
            statuses[(person_id, months_after(day, months))]
            for person_id, day in counted.items()
            if months_after(day, months) <= as_at
        ]
        points.append(Point(months, len(seen), seen.count(EET), seen.count(NEET), seen.count(NOT_KNOWN)))
    return GroupImpact(key, label, len(counted), tuple(points))


def _wanted(clocks: Mapping[int, datetime.date], as_at: datetime.date) -> set[tuple[int, datetime.date]]:
    wanted = set()
    for person_id, day in clocks.items():
        for months in IMPACT_MONTHS:
            point = months_after(day, months)
            if day <= as_at and point <= as_at:
                wanted.add((person_id, point))
    return wanted


def _compare(
    started: Mapping[int, datetime.date],
    others: Mapping[int, datetime.date],
    as_at: datetime.date,
    before: datetime.date | None,
    statuses: Mapping[tuple[int, datetime.date], str],
    not_started_label: str,
) -> list[GroupImpact]:
    groups = [
        group_impact("started", "Started", started, as_at, statuses),
        group_impact("not_started", not_started_label, others, as_at, statuses),
    ]
    if before is not None:
        earlier = {person_id: day for person_id, day in started.items() if day < before}
        later = {person_id: day for person_id, day in started.items() if day >= before}
        when = f"{before.day} {before:%B %Y}"
        groups.append(group_impact("before", f"Started before {when}", earlier, as_at, statuses))
        groups.append(group_impact("from", f"Started on or after {when}", later, as_at, statuses))
    return groups


Clocks = tuple[Mapping[int, datetime.date], Mapping[int, datetime.date]]
"""(started, not started): young person id to the day each one's clock started."""


def impact_many(
    by_key: Mapping[K, Clocks],
    as_at: datetime.date,
    *,
    before: datetime.date | None = None,
    not_started_label: str = "Referred, did not start",
) -> dict[K, list[GroupImpact]]:
    """:func:`impact` for several services or programmes at once, from one query of the histories."""
    cleaned: dict[K, tuple[dict[int, datetime.date], dict[int, datetime.date]]] = {}
    wanted: set[tuple[int, datetime.date]] = set()
    for key, (started, not_started) in by_key.items():
        others = {person_id: day for person_id, day in not_started.items() if person_id not in started}
        cleaned[key] = (dict(started), others)
        wanted |= _wanted(started, as_at) | _wanted(others, as_at)
    statuses = eet_statuses(wanted)
    return {
        key: _compare(started, others, as_at, before, statuses, not_started_label)
        for key, (started, others) in cleaned.items()
    }


def impact(
    started: Mapping[int, datetime.date],
    not_started: Mapping[int, datetime.date],
    as_at: datetime.date,
    *,
    before: datetime.date | None = None,
) -> list[GroupImpact]:
    """The groups compared: those who started; those referred who did not start (anyone who started is
    left out of it); and, with ``before``, those who started before that date and those who started on
    or after it (the same population before and after, such as a new model of service). One query."""
    return impact_many({0: (started, not_started)}, as_at, before=before)[0]


def first_days(rows: Iterable[tuple[int, datetime.date | None]]) -> dict[int, datetime.date]:
    """Each young person once, with the earliest of their days (rows with no day are left out)."""
    found: dict[int, datetime.date] = {}
    for person_id, day in rows:
        if day is not None and (person_id not in found or day < found[person_id]):
            found[person_id] = day
    return found


@dataclass(frozen=True)
class ShownPoint:
    months: int
    reached: str
    eet: str
    neet: str
    not_known: str
    eet_share: str


@dataclass(frozen=True)
class ShownGroup:
    key: str
    label: str
    people: str
    points: tuple[ShownPoint, ...]


def shown(groups: Iterable[GroupImpact], *, aggregate: bool) -> list[ShownGroup]:
    """The groups as the user sees them: exact, or for aggregate viewers (councillors) counts rounded and
    1 to 5 suppressed, and shares suppressed when made from few (``performance.display``)."""
    from onward.performance import display
    from onward.performance.indicators import Figure

    def count(value: int) -> str:
        return display.count_text(value, aggregate=aggregate)

    rows = []
    for group in groups:
        points = []
        for p in group.points:
            figure = Figure(code="impact", method="", day=datetime.date.min, numerator=p.eet, denominator=p.reached)
            share = display.percentage_text(figure, aggregate=aggregate) if p.reached else "No one yet"
            points.append(
                ShownPoint(p.months, count(p.reached), count(p.eet), count(p.neet), count(p.not_known), share)
            )
        rows.append(ShownGroup(group.key, group.label, count(group.people), tuple(points)))
    return rows

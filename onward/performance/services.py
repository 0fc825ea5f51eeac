"""Writes for the performance app: monthly snapshots of every indicator."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction

from onward.accounts.models import Organisation, User
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record
from onward.core.bulk import insert_many
from onward.people.models import YoungPerson
from onward.performance import indicators, selectors
from onward.performance.indicators import Figure
from onward.performance.models import IndicatorSnapshot, Method

SNAPSHOT_BREAKDOWNS = tuple(selectors.BREAKDOWNS)


def _rows(
    council_id: int,
    method: str,
    month_end: datetime.date,
    dimension: str,
    group: str,
    figures: dict[str, Figure],
) -> list[IndicatorSnapshot]:
    return [
        IndicatorSnapshot(
            council_id=council_id,
            indicator=code,
            method=method,
            month_end=month_end,
            breakdown=dimension,
            breakdown_value=group[:40],
            numerator=figure.numerator,
            denominator=figure.denominator,
        )
        for code, figure in figures.items()
    ]


def snapshot_take(
    *,
    councils: Iterable[Organisation],
    month_end: datetime.date,
    methods: Iterable[str] = (Method.SNAPSHOT, Method.RETURN),
    breakdowns: Iterable[str] = SNAPSHOT_BREAKDOWNS,
    acting_user: User | None = None,
) -> int:
    """Compute and store every indicator at ``month_end`` for ``councils``, replacing what was stored.

    The live snapshot is counted for all the councils at once: one query works out each young
    person's facts, and every breakdown is tallied from them (``selectors.live_counts_per_person``);
    the return method builds each council's return once. Rows are bulk-written;
    returns the number of rows stored.
    """
    councils = list(councils)
    methods = list(methods)
    breakdowns = list(breakdowns)
    ids = [c.pk for c in councils]
    rows: list[IndicatorSnapshot] = []
    if Method.SNAPSHOT in methods:
        people = YoungPerson.objects.filter(council_id__in=ids)
        found = selectors.live_counts_per_person(people, month_end, dimensions=["", *breakdowns])
        for dimension, groups in found.items():
            for (council_id, group), figures in groups.items():
                rows.extend(_rows(int(council_id), Method.SNAPSHOT, month_end, dimension, group, figures))
    if Method.RETURN in methods:
        for council in councils:
            built = selectors.return_rows(council, month_end)
            for dimension in ["", *breakdowns]:
                counted = selectors.return_counts(council, month_end, group_by=dimension or "council", rows=built)
                for group, counts in counted.items():
                    rows.extend(
                        _rows(council.pk, Method.RETURN, month_end, dimension, group if dimension else "", counts)
                    )
    with transaction.atomic():
        IndicatorSnapshot.objects.filter(council_id__in=ids, month_end=month_end, method__in=methods).delete()
        insert_many(IndicatorSnapshot, rows)
        for council in councils:
            audit_record(
                actor=acting_user,
                action=AuditEvent.Action.CREATE,
                council=council,
                object_type="performance.IndicatorSnapshot",
                summary=f"Indicator snapshot at {month_end:%d/%m/%Y} ({', '.join(methods)})",
            )
    return len(rows)


def snapshot_months(
    *, councils: Iterable[Organisation], upto: datetime.date, months: int, acting_user: User | None = None
) -> int:
    """Snapshots for the last ``months`` month ends on or before ``upto`` (the demo's trend)."""
    councils = list(councils)
    total = 0
    for end in indicators.month_ends_before(upto, months):
        total += snapshot_take(councils=councils, month_end=end, acting_user=acting_user)
    return total

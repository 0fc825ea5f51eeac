"""Reads for the indicator pages: one council's figures by either method, breakdowns, the young
people behind a figure, and stored snapshots and trends.

The live figures come from :mod:`onward.performance.live` (one SQL statement), the return method's
from :mod:`onward.performance.return_method`; benchmarks and targets are read in
:mod:`onward.performance.comparisons`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max, QuerySet

from config.routers import reporting_alias
from onward.accounts.models import Organisation, Team, User
from onward.core import codelists
from onward.core.compiled import COUNCIL_PROBES, OncePerProcess
from onward.people.models import YoungPerson
from onward.performance import indicators, live, return_method
from onward.performance.indicators import Figure, Indicator
from onward.performance.models import IndicatorSnapshot, Method

# One council's figures ------------------------------------------------------------------------------


def council_people(council: Organisation) -> QuerySet[YoungPerson]:
    return YoungPerson.objects.filter(council=council)


def headline(council: Organisation, day: datetime.date, method: str) -> dict[str, Figure]:
    """Every indicator of ``method`` for one council on ``day``."""
    if method == Method.RETURN:
        return return_method.return_counts(council, day)[str(council.pk)]
    found = live.live_counts(council_people(council), day)
    return found.get((str(council.pk), "")) or _empty(day, method)


def _empty(day: datetime.date, method: str) -> dict[str, Figure]:
    return {
        i.code: Figure(i.code, method, day, 0, 0 if i.is_rate else None, i.unit) for i in indicators.for_method(method)
    }


def breakdown(council: Organisation, day: datetime.date, method: str, dimension: str) -> dict[str, dict[str, Figure]]:
    """Every indicator of ``method`` for one council on ``day``, per group of ``dimension``."""
    if method == Method.RETURN:
        return return_method.return_counts(council, day, group_by=dimension)
    return {
        group: figures
        for (_, group), figures in live.live_counts(council_people(council), day, group_by=dimension).items()
    }


def headline_and_breakdown(
    council: Organisation, day: datetime.date, method: str, dimension: str, *, stored: bool = False
) -> tuple[dict[str, Figure], dict[str, dict[str, Figure]]]:
    """The headline figures and one breakdown together: one query for the live snapshot, one return built.

    With ``stored``, the live snapshot counts the facts kept for ``day`` (ADR 36), which
    ``services.keep_facts_current`` must first have brought up to date."""
    if method == Method.RETURN:
        rows = return_method.return_rows(council, day)
        return (
            return_method.return_counts(council, day, rows=rows)[str(council.pk)],
            return_method.return_counts(council, day, group_by=dimension, rows=rows),
        )
    if stored:
        found = live.stored_counts_per_person(council.pk, day, dimensions=["", dimension])
    else:
        found = live.live_counts_per_person(council_people(council), day, dimensions=["", dimension])
    headline = found[""].get((str(council.pk), "")) or _empty(day, method)
    return headline, {group: figures for (_, group), figures in found[dimension].items()}


def figure(council: Organisation, day: datetime.date, method: str, code: str) -> Figure | None:
    """One indicator's figure; ``None`` when the method does not apply to it."""
    indicator = indicators.get(code)
    if method not in indicator.methods:
        return None
    if method == Method.RETURN:
        return headline(council, day, method)[code]
    found = live.live_counts(council_people(council), day, codes=[code]).get((str(council.pk), ""))
    return found[code] if found else _empty(day, method)[code]


def ids_behind(
    *,
    council: Organisation,
    indicator: Indicator,
    day: datetime.date,
    method: str,
    part: str = "numerator",
    breakdown: str = "",
    value: str = "",
) -> list[int]:
    """The ids of the young people counted in an indicator's numerator (or denominator) for a council.

    They come from the same computation as the figure, so there are exactly as many as it counts.
    ``ValueError`` for a breakdown value that cannot be one.
    """
    condition = indicators.numerator_condition(indicator) if part == "numerator" else dict(indicator.denominator)
    if method == Method.RETURN:
        return [
            row.person_id
            for row in return_method.return_rows(council, day)
            if indicators.matches(row.facts, condition) and (not breakdown or row.dimensions[breakdown] == value)
        ]
    return live.live_ids(council_people(council), day, condition, breakdown=breakdown, value=value)


def people_behind(
    *,
    people: QuerySet[YoungPerson],
    council: Organisation,
    indicator: Indicator,
    day: datetime.date,
    method: str,
    part: str = "numerator",
    breakdown: str = "",
    value: str = "",
) -> QuerySet[YoungPerson]:
    """The young people behind a figure, within ``people`` (what the user may see: ``access.people_visible_to``)."""
    ids = ids_behind(
        council=council, indicator=indicator, day=day, method=method, part=part, breakdown=breakdown, value=value
    )
    return people.filter(council=council, pk__in=ids)


_TEAM_NAMES = OncePerProcess(
    lambda council: Team.objects.filter(council=council).values_list("pk", "name"), COUNCIL_PROBES
)
_STAFF_NAMES = OncePerProcess(
    lambda council: User.objects.filter(organisation=council).values_list("pk", "given_name", "family_name"),
    COUNCIL_PROBES,
)


def group_labels(council: Organisation, dimension: str) -> dict[str, str]:
    """Readable names for a breakdown's values."""
    if dimension == "team":
        labels = {str(pk): name for pk, name in _TEAM_NAMES.rows({"council": council.pk})}
        labels[""] = "No team"
        return labels
    if dimension == "worker":
        labels = {
            str(pk): f"{given} {family}".strip()  # as User.full_name
            for pk, given, family in _STAFF_NAMES.rows({"council": council.pk})
        }
        labels[""] = "Not allocated"
        return labels
    if dimension == "sex":
        return {str(k): str(v) for k, v in codelists.Sex.choices}
    if dimension == "ethnicity":
        return {str(k): str(v) for k, v in codelists.Ethnicity.choices}
    if dimension in live._FLAGS:
        return {"yes": "Yes", "no": "No"}
    return {}


# Snapshots ----------------------------------------------------------------------------------------


def stored_stamp(council: Organisation, method: str, month_ends: Iterable[datetime.date]) -> tuple[Any, ...] | None:
    """The stored headline figures for ``month_ends`` in brief: each month end's rows counted, with the
    newest row's id and time of writing. A month end's figures are only ever stored by deleting and
    inserting them all (``services.snapshot_take``), so any change to what :func:`stored` reads moves
    this. ``None`` when a month end has none stored: its figures are worked out live, and can change
    with any record."""
    ends = sorted(set(month_ends))
    values: dict[str, Any] = {"council": council.pk, "method": method, **{f"end{n}": end for n, end in enumerate(ends)}}
    if len(ends) == STAMP_MONTHS:  # a trend's twelve, the query compiled once
        rows = _STAMP.rows(values, using=reporting_alias())
    else:
        rows = [tuple(row.values()) for row in _stamp_query(**values).using(reporting_alias())]
    stamp = tuple(rows)
    return stamp if len(stamp) == len(ends) else None


def _stamp_query(council: int, method: str, **ends: datetime.date) -> QuerySet[Any, dict[str, Any]]:
    """:func:`stored_stamp`'s rows: for each month end (``end0``, ``end1``...), the month end, its
    stored rows counted, the newest row's id and time of writing."""
    return (
        IndicatorSnapshot.objects.filter(
            council=council, method=method, month_end__in=[ends[f"end{n}"] for n in range(len(ends))], breakdown=""
        )
        .values("month_end")
        .annotate(rows=Count("id"), newest=Max("id"), written=Max("updated_at"))
        .order_by("month_end")
    )


STAMP_MONTHS = 12
_STAMP = OncePerProcess(
    _stamp_query,
    tuple(
        {
            "council": -n,
            "method": f"probe-{n}",
            **{f"end{month - 1}": datetime.date(1900 + n, month, 28) for month in range(1, STAMP_MONTHS + 1)},
        }
        for n in (1, 2, 3)
    ),
)


def stored(
    council: Organisation, method: str, month_ends: Iterable[datetime.date]
) -> dict[datetime.date, dict[str, Figure]]:
    """The stored headline figures for each month end that has them."""
    found: dict[datetime.date, dict[str, Figure]] = defaultdict(dict)
    rows = (
        IndicatorSnapshot.objects.using(reporting_alias())
        .filter(council=council, method=method, month_end__in=list(month_ends), breakdown="")
        .values_list("month_end", "indicator", "numerator", "denominator")
    )
    for month_end, code, numerator, denominator in rows:  # plain values: a year's trend is hundreds
        if code not in indicators.BY_CODE:
            continue
        found[month_end][code] = Figure(
            code=code,
            method=method,
            day=month_end,
            numerator=numerator,
            denominator=denominator,
            unit=indicators.get(code).unit,
        )
    return dict(found)


def trend(
    council: Organisation, method: str, day: datetime.date, months: int = 12
) -> list[tuple[datetime.date, dict[str, Figure]]]:
    """Headline figures at the last ``months`` month ends on or before ``day``: stored ones, the rest computed."""
    ends = indicators.month_ends_before(day, months)
    found = stored(council, method, ends)
    series = []
    built: dict[int, Any] = {}  # the return for a year is built once, whatever its month ends
    for end in ends:
        figures = found.get(end)
        if not figures:
            if method == Method.RETURN:
                figures = return_method.return_counts(
                    council, end, rows=return_method.return_rows(council, end, built=built)
                )[str(council.pk)]
            else:
                figures = headline(council, end, method)
        series.append((end, figures))
    return series

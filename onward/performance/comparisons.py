"""What a council's figure is set beside: the benchmarks and the council's own target.

The national figure comes from the versioned data file (``benchmarks.py``), the statistical
neighbours' average from the council's loaded benchmark file, and the target from the council's
targets and their steps (``targets.py``). The dashboard asks :func:`compare` once for all its
indicators; :func:`benchmark` and :func:`target` answer for one.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet, Subquery, prefetch_related_objects

from onward.accounts.models import Organisation
from onward.core.compiled import COUNCIL_PROBES, OncePerProcess
from onward.performance import benchmarks
from onward.performance import targets as rating
from onward.performance.indicators import Figure
from onward.performance.models import BenchmarkSet, BenchmarkValue, Target


def benchmark(code: str, day: datetime.date, method: str) -> Decimal | None:
    """The national figure to compare with ``code`` on ``day`` (the latest published on that date)."""
    return benchmarks.national(code, day)


def target(council: Organisation, code: str, day: datetime.date) -> Decimal | None:
    """The council's target for ``code`` in force on ``day``, when one is set."""
    status = target_status(council, code, day, None)
    return status.target if status else None


@dataclass(frozen=True)
class Comparison:
    national: Decimal | None
    neighbours: Decimal | None
    target: Decimal | None
    rating: rating.Rating | None
    step_text: str


def compare(
    council: Organisation, figures: Mapping[str, Figure], day: datetime.date, targets: dict[str, Target] | None = None
) -> dict[str, Comparison]:
    """Each figure's national and neighbours' figures, target and rating (one query, and one for the targets)."""
    found = benchmarks_for_all(council, list(figures), day)
    targets = targets_for(council) if targets is None else targets
    result = {}
    for code, figure in figures.items():
        bench = found[code]
        status = target_status_of(targets.get(code), code, day, figure.value, bench)
        result[code] = Comparison(
            national=bench.national,
            neighbours=bench.neighbours,
            target=status.target if status else None,
            rating=status.rating if status else None,
            step_text=status.step_text if status else "",
        )
    return result


def target_line(
    council: Organisation, code: str, days: Iterable[datetime.date], targets: dict[str, Target] | None = None
) -> list[float | None]:
    """The target in force on each of ``days``, for a trend chart's target line (no query without a target)."""
    targets = targets_for(council) if targets is None else targets
    goal = targets.get(code)
    if goal is None:
        return [None for _ in days]
    needs_neighbours = any(step.kind == "neighbours" for step in goal.steps.all())
    values: list[float | None] = []
    for day in days:
        bench = (
            benchmarks_for(council, code, day)
            if needs_neighbours
            else Benchmarks(national=benchmarks.national(code, day))
        )
        status = target_status_of(goal, code, day, None, bench)
        values.append(float(status.target) if status and status.target is not None else None)
    return values


# Benchmarks and targets ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Benchmarks:
    """The comparators for one indicator on one date: each ``None`` when not available."""

    national: Decimal | None = None
    national_year: int | None = None
    neighbours: Decimal | None = None
    neighbours_year: int | None = None
    neighbours_count: int = 0
    region: Decimal | None = None
    region_year: int | None = None
    others: dict[str, Decimal] = field(default_factory=dict)


def benchmark_set_in_force(council: Organisation) -> BenchmarkSet | None:
    """The council's benchmark file in use: the latest saved one."""
    return (
        BenchmarkSet.objects.filter(council=council, status=BenchmarkSet.Status.SAVED)
        .order_by("-saved_at", "-id")
        .first()
    )


def _average(values: list[Decimal]) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def benchmarks_for_all(council: Organisation, codes: Iterable[str], as_at: datetime.date) -> dict[str, Benchmarks]:
    """Benchmarks for several indicators in one query (for dashboards and reports).

    The neighbours' and region's figures are the unweighted averages of the authorities' published
    figures, for the latest year published on ``as_at``.
    """
    codes = list(codes)
    latest = benchmarks.year_in_force(as_at)
    grouped: dict[tuple[str, str, str], dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    if codes:
        values = {"council": council.pk, "latest": latest, **{f"code{n}": code for n, code in enumerate(codes)}}
        for kind, comparator, code, year, value in _benchmark_values(len(codes)).rows(values):
            group = comparator if kind == BenchmarkValue.Kind.OTHER else ""
            grouped[(code, kind, group)][year].append(value)
    result = {}
    for code in codes:
        found: dict[str, tuple[Decimal | None, int | None, int]] = {}
        others: dict[str, Decimal] = {}
        for (row_code, kind, group), by_year in grouped.items():
            if row_code != code:
                continue
            year = max(by_year)
            if kind == BenchmarkValue.Kind.OTHER:
                others[group] = _average(by_year[year])
            else:
                found[kind] = (_average(by_year[year]), year, len(by_year[year]))
        neighbours = found.get("neighbours", (None, None, 0))
        region = found.get("region", (None, None, 0))
        result[code] = Benchmarks(
            national=benchmarks.national(code, as_at),
            national_year=benchmarks.national_year(code, as_at),
            neighbours=neighbours[0],
            neighbours_year=neighbours[1],
            neighbours_count=neighbours[2],
            region=region[0],
            region_year=region[1],
            others=dict(sorted(others.items())),
        )
    return result


def _benchmark_rows(council: int, latest: int, **codes: str) -> QuerySet[BenchmarkValue, tuple[Any, ...]]:
    """The values of the council's benchmark file in force for indicators ``code0``, ``code1``...,
    published for ``latest`` or before."""
    in_force = (
        BenchmarkSet.objects.filter(council=council, status=BenchmarkSet.Status.SAVED)
        .order_by("-saved_at", "-id")
        .values("pk")[:1]
    )
    wanted = [codes[f"code{n}"] for n in range(len(codes))]
    return BenchmarkValue.objects.filter(
        benchmark_set=Subquery(in_force), indicator__in=wanted, year__lte=latest
    ).values_list("kind", "comparator", "indicator", "year", "value")


@functools.cache
def _benchmark_values(count: int) -> OncePerProcess:
    """:func:`_benchmark_rows` for ``count`` indicators, compiled once a process."""
    return OncePerProcess(
        _benchmark_rows,
        tuple(
            {"council": -n, "latest": 1000 + n, **{f"code{at}": f"probe-{n}-{at}" for at in range(count)}}
            for n in (1, 2, 3)
        ),
    )


_COUNCIL_TARGETS = OncePerProcess(lambda council: Target.objects.filter(council=council), COUNCIL_PROBES)


def benchmarks_for(council: Organisation, code: str, as_at: datetime.date) -> Benchmarks:
    """The national, statistical neighbours' and regional figures for ``code`` in force on ``as_at``."""
    return benchmarks_for_all(council, [code], as_at)[code]


def targets_for(council: Organisation) -> dict[str, Target]:
    """The council's targets by indicator code, with their steps."""
    targets = _COUNCIL_TARGETS.instances({"council": council.pk})
    prefetch_related_objects(targets, "steps")
    return {target.indicator: target for target in targets}


def target_status_of(
    target: Target | None, code: str, as_at: datetime.date, value: Decimal | None, bench: Benchmarks
) -> rating.TargetStatus | None:
    """The target in force and the figure's rating, from already-fetched records."""
    if target is None:
        return None
    step = rating.step_in_force(list(target.steps.all()), as_at)
    tolerance = target.tolerance if target.tolerance is not None else rating.default_tolerance()
    if step is None:
        return rating.TargetStatus(target=None, rating=None, step_text="No steps set", tolerance=tolerance)
    wanted = rating.step_value(step, national=bench.national, neighbours=bench.neighbours)
    rated = None
    if wanted is not None and value is not None:
        rated = rating.rate(Decimal(value), wanted, tolerance, lower_better=rating.lower_is_better(code))
    return rating.TargetStatus(
        target=wanted, rating=rated, step_text=rating.describe_step(step, code), tolerance=tolerance
    )


def target_status(
    council: Organisation, code: str, as_at: datetime.date, value: Decimal | None
) -> rating.TargetStatus | None:
    """The target in force for ``code`` on ``as_at`` and how ``value`` rates against it; ``None`` with no target."""
    target = Target.objects.filter(council=council, indicator=code).prefetch_related("steps").first()
    if target is None:
        return None
    return target_status_of(target, code, as_at, value, benchmarks_for(council, code, as_at))

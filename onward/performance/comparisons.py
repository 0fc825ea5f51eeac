"""What a council's figure is set beside: the benchmarks and the council's own target.

The national figure comes from the versioned data file (``benchmarks.py``), the statistical
neighbours' average from the council's loaded benchmark file, and the target from the council's
targets and their steps (``targets.py``). The dashboard asks :func:`compare` once for all its
indicators; :func:`benchmark` and :func:`target` answer for one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from onward.accounts.models import Organisation
from onward.performance import benchmarks, selectors
from onward.performance import targets as rating
from onward.performance.indicators import Figure
from onward.performance.models import Target


def benchmark(code: str, day: datetime.date, method: str) -> Decimal | None:
    """The national figure to compare with ``code`` on ``day`` (the latest published on that date)."""
    return benchmarks.national(code, day)


def target(council: Organisation, code: str, day: datetime.date) -> Decimal | None:
    """The council's target for ``code`` in force on ``day``, when one is set."""
    status = selectors.target_status(council, code, day, None)
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
    found = selectors.benchmarks_for_all(council, list(figures), day)
    targets = selectors.targets_for(council) if targets is None else targets
    result = {}
    for code, figure in figures.items():
        bench = found[code]
        status = selectors.target_status_of(targets.get(code), code, day, figure.value, bench)
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
    targets = selectors.targets_for(council) if targets is None else targets
    goal = targets.get(code)
    if goal is None:
        return [None for _ in days]
    needs_neighbours = any(step.kind == "neighbours" for step in goal.steps.all())
    values: list[float | None] = []
    for day in days:
        bench = (
            selectors.benchmarks_for(council, code, day)
            if needs_neighbours
            else selectors.Benchmarks(national=benchmarks.national(code, day))
        )
        status = selectors.target_status_of(goal, code, day, None, bench)
        values.append(float(status.target) if status and status.target is not None else None)
    return values

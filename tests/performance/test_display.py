"""How figures are shown (onward/performance/display.py): exact for those who may see the young
people; for aggregate-only users (councillors), counts of 1 to 5 suppressed as ``c``, others rounded
to the nearest 10 (half up), percentages whole, ``k`` below 0.5%. Each row is a boundary."""

from __future__ import annotations

import datetime

import pytest

from onward.core.indicators import COUNT
from onward.performance import display
from onward.performance.indicators import Figure
from tests.factories import UserFactory

DAY = datetime.date(2026, 3, 31)


def rate(numerator: int, denominator: int | None) -> Figure:
    return Figure(code="eet_19_21", method="live", day=DAY, numerator=numerator, denominator=denominator)


def count(numerator: int) -> Figure:
    return Figure(code="neet_count", method="live", day=DAY, numerator=numerator, denominator=None, unit=COUNT)


@pytest.mark.parametrize(
    ("value", "aggregate", "shown"),
    [
        (None, True, ""),
        (None, False, ""),
        (0, True, "0"),
        (1, True, "c"),
        (5, True, "c"),
        (6, True, "10"),
        (14, True, "10"),
        (15, True, "20"),
        (25, True, "30"),
        (1234, True, "1,230"),
        (1235, True, "1,240"),
        (3, False, "3"),
        (1234, False, "1,234"),
    ],
)
def test_a_count_is_exact_or_rounded_and_suppressed(value: int | None, aggregate: bool, shown: str) -> None:
    assert display.count_text(value, aggregate=aggregate) == shown


@pytest.mark.parametrize(
    ("numerator", "denominator", "aggregate", "shown"),
    [
        (0, None, True, "No one to count"),
        (0, 0, False, "No one to count"),
        (3, 40, False, "7.5%"),
        (1, 3, False, "33.3%"),
        (3, 40, True, "c"),  # numerator 1 to 5
        (5, 40, True, "c"),
        (6, 40, True, "15%"),  # 15.0
        (0, 40, True, "0%"),  # nobody: 0 is shown, not suppressed or "k"
        (6, 5, True, "c"),  # denominator 1 to 5
        (0, 5, True, "c"),
        (6, 6, True, "100%"),
        (6, 1500, True, "k"),  # 0.4%: above 0, below 0.5
        (8, 1600, True, "1%"),  # exactly 0.5%: not "k", rounded half up to 1
        (29, 200, True, "15%"),  # 14.5% rounds half up
        (57, 400, True, "14%"),  # 14.25% rounds down
    ],
)
def test_a_percentage_is_exact_or_whole_suppressed_and_k(
    numerator: int, denominator: int | None, aggregate: bool, shown: str
) -> None:
    assert display.percentage_text(rate(numerator, denominator), aggregate=aggregate) == shown


@pytest.mark.parametrize(
    ("figure", "aggregate", "plotted"),
    [
        (count(0), True, 0.0),
        (count(3), True, None),
        (count(5), True, None),
        (count(6), True, 10.0),
        (count(1234), True, 1230.0),
        (count(3), False, 3.0),
        (count(1234), False, 1234.0),
        (rate(0, 0), True, None),
        (rate(0, 0), False, None),
        (rate(3, 40), True, None),
        (rate(3, 40), False, 7.5),
        (rate(6, 1500), True, 0.0),
        (rate(7, 1500), True, 1.0),  # 0.466...% is 0.5% to one place, so not "k"
        (rate(29, 200), True, 15.0),
        (rate(29, 200), False, 14.5),
        (rate(0, 40), True, 0.0),
    ],
)
def test_a_chart_plots_what_the_table_shows(figure: Figure, aggregate: bool, plotted: float | None) -> None:
    """Nothing is plotted for a suppressed or empty figure; ``k`` is plotted at 0."""
    assert display.chart_value(figure, aggregate=aggregate) == plotted


@pytest.mark.parametrize(
    ("figure", "aggregate", "shown"),
    [
        (rate(29, 200), True, display.Shown(value="15%", numerator="30", denominator="200", suppressed=False)),
        (rate(3, 40), True, display.Shown(value="c", numerator="c", denominator="40", suppressed=True)),
        (rate(29, 200), False, display.Shown(value="14.5%", numerator="29", denominator="200", suppressed=False)),
        (count(4), True, display.Shown(value="c", numerator="c", denominator="", suppressed=True)),
        (count(1234), True, display.Shown(value="1,230", numerator="1,230", denominator="", suppressed=False)),
        (count(4), False, display.Shown(value="4", numerator="4", denominator="", suppressed=False)),
    ],
)
def test_a_figure_is_shown_whole(figure: Figure, aggregate: bool, shown: display.Shown) -> None:
    assert display.show(figure, aggregate=aggregate) == shown


@pytest.mark.parametrize(
    ("roles", "aggregate"),
    [(["councillor"], True), (["performance_officer"], False), (["councillor", "performance_officer"], False)],
)
def test_only_those_without_drill_down_see_aggregates_only(db: None, roles: list[str], aggregate: bool) -> None:
    assert display.aggregates_only(UserFactory(roles=roles)) is aggregate

"""The dashboard's rows, written in Python (``performance.views.HeadlineRow`` and ``BreakdownRow``),
are byte for byte the template markup they replaced, for every kind of figure and comparison."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template

from onward.performance import indicators
from onward.performance.targets import Rating
from onward.performance.views import BreakdownRow, Cell, HeadlineRow

HEADLINE = Template(
    """<tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header"><a class="govuk-link" href="{{ row.page }}">{{ row.indicator.name }}</a></th>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.cell }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if row.benchmark is not None %}{{ row.benchmark }}%{% else %}<span class="govuk-hint govuk-!-margin-0">Not published</span>{% endif %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if row.neighbours is not None %}{{ row.neighbours|floatformat:"-1" }}%{% else %}<span class="govuk-hint govuk-!-margin-0">None loaded</span>{% endif %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if row.target is not None %}{{ row.target|floatformat:"-1" }}{% if row.indicator.is_rate %}%{% endif %}{% if row.rating %}<br><strong class="govuk-tag {{ row.rating.tag_class }}">{{ row.rating.label }}</strong>{% endif %}{% else %}<span class="govuk-hint govuk-!-margin-0">Not set</span>{% endif %}</td>
    </tr>"""
)
BREAKDOWN = Template(
    """<tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header">{{ row.label }}</th>
      {% for cell in row.cells %}<td class="govuk-table__cell govuk-table__cell--numeric">{{ cell }}</td>{% endfor %}
    </tr>"""
)
CELLS = [
    Cell(text="45.5%", detail="91 of 200", href="/performance/people/?indicator=eet&a=1&b=<2>", label="EET, 19 & 20"),
    Cell(text="[c]", detail="", href="", label="Suppressed"),
    Cell(text="12", detail="", href="", label="NEET <count>"),
]
RATE = next(i for i in indicators.INDICATORS if i.is_rate)
COUNT = next(i for i in indicators.INDICATORS if not i.is_rate)


@pytest.mark.parametrize(
    ("indicator", "benchmark", "neighbours", "target", "rating"),
    list(
        itertools.product(
            (RATE, COUNT),
            (None, 52, Decimal("47.3"), 45.25),
            (None, Decimal("51.25"), 50.0),
            (None, Decimal("55"), 60.5),
            (None, Rating.ON, Rating.OFF),
        )
    ),
)
def test_a_headline_row_is_the_template_markup(
    indicator: Any, benchmark: Any, neighbours: Any, target: Any, rating: Any
) -> None:
    for cell in CELLS:
        row = HeadlineRow(
            indicator=indicator,
            cell=cell,
            benchmark=benchmark,
            neighbours=neighbours,
            target=target,
            rating=rating,
            page="/performance/indicators/eet/?day=2026-01-31&method=live&a=<b>",
        )
        assert str(row) == HEADLINE.render(Context({"row": row}))


@pytest.mark.parametrize("cells", [CELLS, [], CELLS[:1]])
def test_a_breakdown_row_is_the_template_markup(cells: list[Cell]) -> None:
    for label in ("Aged 19", "Not recorded", "Ash & <Oak> team"):
        row = BreakdownRow(label=label, cells=cells)
        assert str(row) == BREAKDOWN.render(Context({"row": row}))

"""The demo's plans carry every success measure of the five seed documents (issue 26): each bound
measure names a registered indicator, each unbound one says why, and the counts per seed plan in
docs/seed-measures.md are the table's and the loaded demo's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from onward.core.indicators import indicator_source, read_indicator
from onward.plans import demo, seed_measures
from onward.plans.models import Measure, Plan

DOC = Path(__file__).resolve().parents[2] / "docs" / "seed-measures.md"


def documented() -> list[tuple[str, int, int, int]]:
    """The first table of docs/seed-measures.md: (seed, measures, bound, unbound)."""
    rows = re.findall(r"^\| (\d{3}) \| [^|]+ \| (\d+) \| (\d+) \| (\d+) \|$", DOC.read_text(), flags=re.M)
    return [(seed, int(n), int(b), int(u)) for seed, n, b, u in rows]


def test_every_bound_measure_names_a_registered_indicator_and_every_other_says_why() -> None:
    measures = [m for found in seed_measures.MEASURES.values() for m in found]
    keys = [m.key for m in measures]
    assert len(keys) == len(set(keys))
    assert set(seed_measures.INDICATOR_FOR) <= set(keys)
    assert set(seed_measures.WHY_UNBOUND) <= set(keys)
    for measure in measures:
        code = seed_measures.indicator_for(measure)
        if code:
            assert indicator_source(code) is not None, (measure.key, code)
            assert measure.key not in seed_measures.WHY_UNBOUND, measure.key
            assert not measure.targets and not measure.actuals, measure.key  # a bound measure quotes the council's
        else:
            assert seed_measures.WHY_UNBOUND.get(measure.key), measure.key
    assert {seed for seed, *_ in seed_measures.summary()} == {"000", "001", "002", "003", "004"}


def test_each_measure_sits_on_an_item_of_its_seeds_demo_plan() -> None:
    plans = {spec["seed"]: spec for spec in demo.PLANS}
    assert sorted(plans) == sorted(seed_measures.MEASURES)
    for seed, measures in seed_measures.MEASURES.items():
        references = {item.reference for section in plans[seed]["sections"] for item in section.items}
        assert {m.item for m in measures} <= references, seed


def test_the_documented_counts_are_the_tables() -> None:
    assert documented() == seed_measures.summary()
    text = DOC.read_text()
    for measures in seed_measures.MEASURES.values():
        for measure in measures:
            assert f"`{measure.key}`" in text, measure.key


@pytest.mark.django_db
def test_the_loaded_demo_plans_carry_the_measures_bound_as_documented() -> None:
    call_command("load_demo", "--quiet")
    by_title = {spec["title"]: spec["seed"] for spec in demo.PLANS}
    found = {}
    for plan in Plan.objects.filter(title__in=by_title):
        measures = Measure.objects.filter(item__plan=plan)
        bound = measures.exclude(indicator_code="")
        for measure in bound:
            assert indicator_source(measure.indicator_code) is not None, measure.name
            assert not measure.targets.exists() and not measure.actuals.exists(), measure.name
        found[by_title[plan.title]] = (
            by_title[plan.title],
            measures.count(),
            bound.count(),
            measures.count() - bound.count(),
        )
    assert sorted(found.values()) == documented()
    # The measures bound last read figures from the demo's EHC plans, referrals and directory.
    council = Plan.objects.filter(title__in=by_title).first().council  # type: ignore[union-attr]
    for code in ("ehc_plan_in_care_or_care_leavers", "needs_referred_with_places"):
        reading = read_indicator(code, council=council, as_at=timezone.localdate())
        assert reading is not None and 0 < reading.numerator < (reading.denominator or 0), code
    # An unbound measure with the seed's stepped target keeps it typed in.
    waiting = Measure.objects.get(name__startswith="Care leavers in education or training receiving the financial")
    assert waiting.indicator_code == "" and [t.value for t in waiting.targets.all()] == [100]

"""Monthly snapshots: stored by a service and a command, and a past month recomputed gives the stored figure."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from onward.accounts.models import Organisation
from onward.audit.models import AuditEvent
from onward.people.selectors import today
from onward.performance import indicators, selectors, services
from onward.performance.models import IndicatorSnapshot, Method
from tests.factories import CouncilFactory
from tests.performance import cohorts
from tests.performance.cohorts import DAY

pytestmark = pytest.mark.django_db


def test_a_past_month_recomputed_gives_the_stored_figure() -> None:
    """Headline and breakdown figures stored for June 2025 equal the same month computed again, by both methods."""
    cohort = cohorts.build(CouncilFactory(name="Snapshot Council"))
    council = cohort.council
    services.snapshot_take(councils=[council], month_end=DAY)
    for method in (Method.SNAPSHOT, Method.RETURN):
        stored = selectors.stored(council, method, [DAY])[DAY]
        again = selectors.headline(council, DAY, method)
        assert set(stored) == set(again)
        for code, figure in again.items():
            assert (stored[code].numerator, stored[code].denominator) == (figure.numerator, figure.denominator)
        by_sex = selectors.breakdown(council, DAY, method, "sex")
        for group, figures in by_sex.items():
            rows = IndicatorSnapshot.objects.filter(
                council=council, method=method, month_end=DAY, breakdown="sex", breakdown_value=group
            )
            assert {r.indicator: (r.numerator, r.denominator) for r in rows} == {
                code: (f.numerator, f.denominator) for code, f in figures.items()
            }
    assert stored["eet_19_21"].numerator == 2  # the return's figure, as in the hand-built cohort


def test_taking_a_month_again_replaces_it_and_is_audited() -> None:
    """A second snapshot of the same month leaves one figure per indicator, group and method."""
    council = cohorts.build(CouncilFactory(name="Again Council")).council
    first = services.snapshot_take(councils=[council], month_end=DAY)
    second = services.snapshot_take(councils=[council], month_end=DAY)
    assert first == second == IndicatorSnapshot.objects.filter(council=council).count()
    assert AuditEvent.objects.filter(council=council, object_type="performance.IndicatorSnapshot").count() == 2


def test_the_snapshot_of_several_councils_keeps_each_councils_figures_apart() -> None:
    """Counted at once, each council's figures are its own."""
    one = cohorts.build(CouncilFactory(name="First Council")).council
    other = CouncilFactory(name="Second Council")
    services.snapshot_take(councils=[one, other], month_end=DAY, methods=[Method.SNAPSHOT])
    assert selectors.stored(one, Method.SNAPSHOT, [DAY])[DAY]["eet_19_21"].numerator == 2
    assert DAY not in selectors.stored(other, Method.SNAPSHOT, [DAY])


def test_the_command_stores_a_chosen_month_for_a_chosen_council() -> None:
    cohorts.build(CouncilFactory(name="Command Council"))
    call_command("snapshot_indicators", "--council", "Command Council", "--month", "2025-06", "--method", "snapshot")
    council = Organisation.objects.get(name="Command Council")
    figure = selectors.stored(council, Method.SNAPSHOT, [DAY])[DAY]["neet_19_21"]
    assert (figure.numerator, figure.denominator) == (3, 6)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--month", "June"], "Enter the month as YYYY-MM"),
        (["--month", "2025-13"], "Enter the month as YYYY-MM"),
        (["--council", "Nowhere Council"], "There is no council called"),
        (["--month", f"{today().year + 1}-01"], "The month has not ended yet"),
    ],
)
def test_the_command_refuses_bad_input_and_stores_nothing(arguments: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("snapshot_indicators", *arguments)
    assert not IndicatorSnapshot.objects.exists()


def test_the_trend_uses_stored_months_and_computes_the_missing_ones() -> None:
    """Twelve month ends, oldest first; a stored month is read (even if the register changed since), others computed."""
    cohort = cohorts.build(CouncilFactory(name="Trend Council"))
    council = cohort.council
    services.snapshot_take(councils=[council], month_end=DAY, methods=[Method.SNAPSHOT])
    IndicatorSnapshot.objects.filter(council=council, indicator="eet_19_21", breakdown="").update(numerator=5)
    series = selectors.trend(council, Method.SNAPSHOT, DAY + datetime.timedelta(days=3))
    assert [end for end, _ in series] == indicators.month_ends_before(DAY, 12)
    assert series[-1][1]["eet_19_21"].numerator == 5
    assert series[-2][1]["eet_19_21"].numerator == 2  # May 2025, computed


def test_the_return_trend_builds_each_year_once_and_agrees_with_each_month() -> None:
    """Months computed for the trend by the return method equal the month's own figures."""
    council = cohorts.build(CouncilFactory(name="Return Trend Council")).council
    series = selectors.trend(council, Method.RETURN, DAY, months=4)
    for end, figures in series:
        again = selectors.headline(council, end, Method.RETURN)
        assert {c: (f.numerator, f.denominator) for c, f in figures.items()} == {
            c: (f.numerator, f.denominator) for c, f in again.items()
        }
    assert series[-1][1]["eet_19_21"].numerator == 2

"""Each indicator against hand-built cohorts with known answers, by both counting methods, exclusions included."""

from __future__ import annotations

from decimal import Decimal

import pytest

from onward.core.indicators import indicator_source, read_indicator
from onward.performance import indicators, live, selectors
from onward.performance.models import Method
from tests.factories import CouncilFactory
from tests.performance import cohorts
from tests.performance.cohorts import DAY

pytestmark = pytest.mark.django_db

EXCLUDED = ("J_died", "K_returned_home", "L_short_breaks", "M_transferred", "N_never_in_care", "I")

# code: (numerator, denominator) on 30 June 2025
LIVE = {
    "eet_19_21": (2, 6),
    "neet_19_21": (3, 6),
    "he_19_21": (1, 6),
    "not_known_19_21": (1, 6),
    "neet_illness_19_21": (1, 6),
    "neet_other_19_21": (1, 6),
    "neet_parenting_19_21": (1, 6),
    "suitable_accommodation_19_21": (5, 6),
    "in_touch_19_21": (5, 6),
    "eet_17_18": (1, 2),
    "neet_17_18": (1, 2),
    "he_17_18": (0, 2),
    "not_known_17_18": (0, 2),
    "suitable_accommodation_17_18": (2, 2),
    "in_touch_17_18": (2, 2),
    # Plans: A to H and I (eligible, still looked after); A's review is in date.
    "pathway_plan_in_date": (1, 9),
    "neet_cohort_size": (4, None),
}
# The return: B is not in touch, so their activity and accommodation are not known (ACTIV and ACCOM 0);
# D is in touch with no activity recorded, which the return cannot hold: counted as not known.
RETURN = {
    "eet_19_21": (2, 6),
    "neet_19_21": (2, 6),
    "he_19_21": (1, 6),
    "not_known_19_21": (2, 6),
    "neet_illness_19_21": (0, 6),
    "neet_other_19_21": (1, 6),
    "neet_parenting_19_21": (1, 6),
    "suitable_accommodation_19_21": (4, 6),
    "in_touch_19_21": (4, 6),
    "eet_17_18": (1, 2),
    "neet_17_18": (1, 2),
    "he_17_18": (0, 2),
    "not_known_17_18": (0, 2),
    "suitable_accommodation_17_18": (2, 2),
    "in_touch_17_18": (2, 2),
}


@pytest.fixture
def cohort() -> cohorts.Cohort:
    return cohorts.build(CouncilFactory(name="Handbuilt Council"))


@pytest.mark.parametrize("code", sorted(LIVE))
def test_each_live_indicator_gives_the_known_answer(cohort: cohorts.Cohort, code: str) -> None:
    """The live snapshot counts exactly the young people the national definition counts on the date."""
    figure = selectors.headline(cohort.council, DAY, Method.SNAPSHOT)[code]
    assert (figure.numerator, figure.denominator) == LIVE[code]


@pytest.mark.parametrize("code", sorted(RETURN))
def test_each_return_indicator_gives_the_known_answer(cohort: cohorts.Cohort, code: str) -> None:
    """The return method counts the birthday cohort as the statutory return describes it."""
    figure = selectors.headline(cohort.council, DAY, Method.RETURN)[code]
    assert (figure.numerator, figure.denominator) == RETURN[code]


@pytest.mark.parametrize("method", [Method.SNAPSHOT, Method.RETURN])
def test_the_national_exclusions_are_in_no_denominator(cohort: cohorts.Cohort, method: str) -> None:
    """Died, returned home for 6 months, short breaks only, care transferred, never in care, still looked after at 17."""
    for code in ("eet_19_21", "eet_17_18", "suitable_accommodation_19_21", "in_touch_19_21"):
        indicator = indicators.get(code)
        behind = selectors.people_behind(
            people=cohort.council.young_people.all(),
            council=cohort.council,
            indicator=indicator,
            day=DAY,
            method=method,
            part="denominator",
        )
        ids = set(behind.values_list("pk", flat=True))
        assert not ids & cohort.ids(*EXCLUDED), code
    denominator = selectors.people_behind(
        people=cohort.council.young_people.all(),
        council=cohort.council,
        indicator=indicators.get("eet_19_21"),
        day=DAY,
        method=method,
        part="denominator",
    )
    assert set(denominator.values_list("pk", flat=True)) == cohort.ids("A", "B", "C", "D", "E", "F")


def test_the_people_behind_a_numerator_are_the_ones_it_counts(cohort: cohorts.Cohort) -> None:
    """EET 19 to 21 is A and C; NEET is B, E and F; the NEET cohort adds H."""
    people = cohort.council.young_people.all()

    def behind(code: str, method: str = Method.SNAPSHOT) -> set[int]:
        found = selectors.people_behind(
            people=people, council=cohort.council, indicator=indicators.get(code), day=DAY, method=method
        )
        return set(found.values_list("pk", flat=True))

    assert behind("eet_19_21") == cohort.ids("A", "C")
    assert behind("neet_19_21") == cohort.ids("B", "E", "F")
    assert behind("neet_cohort_size") == cohort.ids("B", "E", "F", "H")
    assert behind("neet_19_21", Method.RETURN) == cohort.ids("E", "F")
    assert behind("not_known_19_21", Method.RETURN) == cohort.ids("B", "D")


def test_peps_for_years_12_and_13_count_completion_attendance_and_quality() -> None:
    """Three looked after in Years 12 and 13: two PEPs this term, one with the social worker, one good."""
    council = CouncilFactory(name="PEP Council")
    cohorts.build_peps(council)
    figures = selectors.headline(council, DAY, Method.SNAPSHOT)
    assert (figures["pep_completed"].numerator, figures["pep_completed"].denominator) == (2, 3)
    assert (figures["pep_sw_attendance"].numerator, figures["pep_sw_attendance"].denominator) == (1, 2)
    assert (figures["pep_quality"].numerator, figures["pep_quality"].denominator) == (1, 2)
    assert figures["pep_completed"].percentage == Decimal("66.7")


def test_breakdowns_split_the_headline_figure(cohort: cohorts.Cohort) -> None:
    """By sex, the 19 to 21 EET figure is A and C (both female) over 3 female and 3 male young people."""
    by_sex = selectors.breakdown(cohort.council, DAY, Method.SNAPSHOT, "sex")
    assert (by_sex["F"]["eet_19_21"].numerator, by_sex["F"]["eet_19_21"].denominator) == (2, 3)
    assert (by_sex["M"]["eet_19_21"].numerator, by_sex["M"]["eet_19_21"].denominator) == (0, 3)
    by_uasc = selectors.breakdown(cohort.council, DAY, Method.RETURN, "uasc")
    assert by_uasc["yes"]["neet_19_21"].numerator == 1
    assert by_uasc["no"]["eet_19_21"].denominator == 5


def test_a_council_with_nobody_in_scope_has_empty_figures() -> None:
    """No denominator: no percentage, and no reading for a plan measure."""
    council = CouncilFactory(name="Empty Council")
    figures = selectors.headline(council, DAY, Method.SNAPSHOT)
    assert figures["eet_19_21"].denominator == 0
    assert figures["eet_19_21"].percentage is None
    assert read_indicator("eet_19_21", council=council, as_at=DAY) is None


def test_plan_measures_read_the_live_figure_through_the_binding_point(cohort: cohorts.Cohort) -> None:
    """Every headline indicator is registered; a reading is the live snapshot's value on the date."""
    for indicator in indicators.INDICATORS:
        assert indicator_source(indicator.code) is not None
    reading = read_indicator("eet_19_21", council=cohort.council, as_at=DAY)
    assert reading is not None
    assert (reading.numerator, reading.denominator, reading.value) == (2, 6, Decimal("33.3"))
    count = read_indicator("neet_cohort_size", council=cohort.council, as_at=DAY)
    assert count is not None and count.value == Decimal(4)


def test_a_condition_is_the_same_test_in_sql_and_in_python(cohort: cohorts.Cohort) -> None:
    """The facts read from the database meet each numerator exactly when the SQL count includes them."""
    facts = live.live_facts(cohort.council.young_people.all(), DAY)
    for indicator in indicators.for_method(Method.SNAPSHOT):
        expected = {
            pk for pk, row in facts.items() if indicators.matches(row, indicators.numerator_condition(indicator))
        }
        found = live.live_ids(cohort.council.young_people.all(), DAY, indicators.numerator_condition(indicator))
        assert set(found) == expected, indicator.code


def test_the_live_query_runs_with_its_planner_settings_on_postgresql_and_as_is_elsewhere() -> None:
    """On PostgreSQL the live query runs without JIT, with in-memory read costs and room to hash; elsewhere unchanged."""
    from django.db import connection

    found = live._run("SELECT 1 + %s", [1])
    assert found == [(2,)]
    if connection.vendor == "postgresql":
        settings = live._run(
            "SELECT current_setting('jit'), current_setting('random_page_cost'), current_setting('work_mem')", []
        )
        assert settings == [("off", "1.1", "64MB")]


def test_only_the_latest_care_episode_ended_decides_an_exclusion() -> None:
    """Care transferred, then back in care and left again: counted. Left, then back and transferred: excluded."""
    council = CouncilFactory(name="Returning Council")
    back_again = cohorts.care_leaver(council, 20, left_at=16.5, reason="E3")
    cohorts.care(
        back_again, cohorts.birthday(back_again.date_of_birth, 17), cohorts.birthday(back_again.date_of_birth, 18), "E8"
    )
    transferred_later = cohorts.care_leaver(council, 20, left_at=16.5, reason="E8")
    cohorts.care(
        transferred_later,
        cohorts.birthday(transferred_later.date_of_birth, 17),
        cohorts.birthday(transferred_later.date_of_birth, 18),
        "E3",
    )
    still_transferred = cohorts.care_leaver(council, 20, left_at=18, reason="E3")
    for person in (back_again, transferred_later, still_transferred):
        cohorts.status(person, activity="further_education")
    facts = live.live_facts(council.young_people.all(), DAY)
    assert facts[back_again.pk]["cl"] == 1
    assert facts[transferred_later.pk]["cl"] == 0
    assert facts[still_transferred.pk]["cl"] == 0
    figure = selectors.headline(council, DAY, Method.SNAPSHOT)["eet_19_21"]
    assert (figure.numerator, figure.denominator) == (1, 1)

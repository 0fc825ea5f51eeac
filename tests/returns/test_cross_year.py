"""The Department's cross-year rules run in the check, against the previous year's return."""

from __future__ import annotations

import datetime

import pytest

from onward.returns import checking, selectors, validator
from tests.returns.test_rules import D, care_leaver, check_command


@pytest.fixture
def council(db):  # type: ignore[no-untyped-def]
    from tests.factories import CouncilFactory, UserFactory

    council = CouncilFactory(name="Fernhill District Council")
    return council, UserFactory(organisation=council, roles=["personal_adviser"])


def an_18_year_old_who_left_care_at_16(council, adviser, child: str = "L18"):  # type: ignore[no-untyped-def]
    """18th birthday 1 October 2024; in care from 14 to 16 and a quarter, so no episode in 2024-25 or 2023-24."""
    return care_leaver(
        council,
        adviser,
        child=child,
        dob=D(2006, 10, 1),
        episodes=[
            {"start": D(2020, 11, 1), "end": D(2021, 6, 1), "reason_ceased": "X1"},
            {"start": D(2021, 6, 1), "end": D(2023, 1, 9), "reason_ceased": "E13", "reason_new_episode": "P"},
        ],
        around=D(2024, 10, 1),
    )


def staying_in_care(council, adviser, dob: datetime.date, around: datetime.date):  # type: ignore[no-untyped-def]
    """A young person still looked after through the year (so the year's episodes file is not empty)."""
    return care_leaver(
        council,
        adviser,
        child="STAY",
        dob=dob,
        episodes=[{"start": D(dob.year + 14, 11, 1)}],
        around=around,
        upn="B123456789012",
    )


def test_the_cross_year_rules_run_and_see_the_care_history_that_makes_a_care_leaver(council) -> None:
    """Without the episodes before the year, rules 1001 and 1002 flag every care leaver not looked after in the
    last two years; the previous year's return for the check holds them."""
    council, adviser = council
    an_18_year_old_who_left_care_at_16(council, adviser)
    staying_in_care(council, adviser, D(2005, 10, 1), D(2024, 10, 1))
    result = selectors.build_return(council=council, year=2025)
    assert [row["CHILD"] for row in result.oc3] == ["L18", "STAY"]
    assert {e["CHILD"] for e in result.episodes} == {"STAY"}  # the return itself holds the year's episodes only
    previous = checking.previous_year(council=council, this=result)
    # Without the earlier episodes, the rules find no care history for the young person.
    plain = checking.check_tables(result.tables(), result.files(), year=2025, previous={**previous, "episodes": []})
    assert ("1002", "L18") in {(e["code"], e["child"]) for e in plain.errors}
    assert [(e["CHILD"], e["DECOM"], e["DEC"]) for e in previous["episodes"] if e["CHILD"] == "L18"] == [
        ("L18", "01/11/2020", "01/06/2021"),
        ("L18", "01/06/2021", "09/01/2023"),
    ]
    checked = checking.check_return(result, council=council)
    alone = validator.validate_files(result.files(), year=2025)
    assert checked.rules_run > alone.rules_run  # the cross-year rules ran
    assert checked.errors == []
    assert sorted((d["code"], d["child"]) for d in checked.departures) == [("202", "L18"), ("202", "STAY")]
    assert "from 1 and 2 to M and F" in checked.departures[0]["reason"]


def test_the_check_command_runs_against_the_previous_year(council) -> None:
    council, adviser = council
    an_18_year_old_who_left_care_at_16(council, adviser)
    status, output = check_command(council, 2025)
    assert status == 0, output
    assert "checked with" in output and "for 2025, against 2024: 0 errors" in output


def test_a_care_leaver_of_21_is_a_departure_of_rule_1001(council) -> None:
    """The package leaves those 20 or over out of its count of care, then flags them for having none."""
    council, adviser = council
    care_leaver(
        council,
        adviser,
        child="A20",
        dob=D(2005, 3, 1),
        episodes=[{"start": D(2019, 4, 1), "end": D(2021, 8, 1), "reason_ceased": "E13"}],
        around=D(2026, 3, 1),
    )
    staying_in_care(council, adviser, D(2006, 10, 1), D(2025, 10, 1))
    result = selectors.build_return(council=council, year=2026)
    assert [row["CHILD"] for row in result.oc3] == ["A20", "STAY"]
    checked = checking.check_return(result, council=council)
    assert checked.errors == [], checked.errors
    assert [(d["code"], d["child"]) for d in checked.departures] == [("1001", "A20")]


def test_a_blank_date_of_birth_of_the_first_child_is_no_contradiction_of_last_years() -> None:
    """Rule 628 wants motherhood details blank for a care leaver not looked after in the year; the package's
    624 then flags the blank as contradicting last year's date."""
    this = {"header": [{"CHILD": "M1", "SEX": "F", "DOB": "01/10/2005", "MOTHER": "", "MC_DOB": ""}]}
    last = {"header": [{"CHILD": "M1", "SEX": "F", "DOB": "01/10/2005", "MOTHER": "1", "MC_DOB": "01/01/2024"}]}
    flagged = validator.ValidationResult(
        errors=[
            {"code": "624", "child": "M1", "table": "Header", "description": "", "row": 0},
            {"code": "202", "child": "M1", "table": "Header", "description": "", "row": 0},
        ],
        rules_run=1,
    )
    result = checking.sort_results(flagged, this, 2026)
    checking._previous_year_departures(result, this, last, 2026)
    assert [e["code"] for e in result.errors] == ["202"]  # the same codes in both years: a real difference
    assert [d["code"] for d in result.departures] == ["624"]
    last["header"][0]["MC_DOB"] = "01/02/2024"
    this["header"][0]["MC_DOB"] = "01/01/2024"
    result = checking.sort_results(flagged, this, 2026)
    checking._previous_year_departures(result, this, last, 2026)
    assert sorted(e["code"] for e in result.errors) == ["202", "624"]


def test_the_first_year_onward_holds_is_checked_without_a_previous_year(council) -> None:
    council, _adviser = council
    result = selectors.build_return(council=council, year=2015)
    checked = checking.check_return(result, council=council)
    assert checked.passed

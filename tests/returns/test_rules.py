"""Ages by the law, the rules Onward checks itself, and the rows the published validator flags against the law."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from onward.people import services as people
from onward.people.categories import birthday
from onward.people.models import YoungPerson
from onward.returns import checking, rules, selectors, validator
from tests.factories import CouncilFactory, UserFactory, YoungPersonFactory

D = datetime.date


def care_leaver(
    council,
    adviser,
    *,
    child: str,
    dob: datetime.date,
    episodes: list[dict],
    around: datetime.date,
    accommodation: str = "U",
    **extra,
) -> YoungPerson:  # type: ignore[no-untyped-def]
    """A young person with these episodes, in touch, in education and housed around ``around``."""
    extra.setdefault("upn", "A123456789012")
    person = YoungPersonFactory(council=council, child_id=child, date_of_birth=dob, sex="M", **extra)
    for episode in episodes:
        people.episode_add(
            acting_user=adviser,
            person=person,
            **{
                "reason_new_episode": "S",
                "legal_status": "C2",
                "placement_type": "U4",
                "placement_provider": "PR1",
                "urn": "1234567",
                "home_postcode": "SW1A 1AA",
                "placement_postcode": "SW1A 2AA",
                "category_of_need": "N1",
                **episode,
            },
        )
    people.contact_record(
        acting_user=adviser, person=person, date=around - datetime.timedelta(days=10), method="phone", in_touch="YES"
    )
    people.eet_record(
        acting_user=adviser,
        person=person,
        activity="further_education",
        start=around - datetime.timedelta(days=200),
        source="worker",
    )
    people.accommodation_record(
        acting_user=adviser,
        person=person,
        accommodation_type=accommodation,
        suitability="suitable",
        start=around - datetime.timedelta(days=300),
    )
    person.refresh_from_db()
    return person


def check_command(council, year: int) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    try:
        call_command("check_ssda903", "--council", council.name, "--year", str(year), stdout=out)
    except SystemExit as stopped:
        return int(stopped.code or 0), out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def council(db):  # type: ignore[no-untyped-def]
    council = CouncilFactory(name="Fernhill District Council")
    return council, UserFactory(organisation=council, roles=["personal_adviser"])


# Ages --------------------------------------------------------------------------------------------


def test_a_29_february_birthday_is_1_march_by_law_and_28_february_in_the_package() -> None:
    assert birthday(D(2008, 2, 29), 17) == D(2025, 3, 1)
    assert rules.package_birthday(D(2008, 2, 29), 17) == D(2025, 2, 28)
    assert birthday(D(2008, 2, 29), 16) == rules.package_birthday(D(2008, 2, 29), 16) == D(2024, 2, 29)


def test_the_package_reckons_a_year_as_365_2425_days() -> None:
    """18 years holding four leap days are 6,574 days: 18 by law on the birthday, 17 to the package."""
    assert rules.package_age(D(2008, 3, 31), D(2026, 3, 31)) == 17
    assert rules.package_age(D(2007, 3, 31), D(2025, 3, 31)) == 18  # five leap days
    assert rules.package_age(D(2008, 4, 1), D(2026, 3, 31)) == 17


# Departures: right by the law, flagged by the published validator -------------------------------


def test_a_29_february_child_who_left_care_the_day_before_the_17th_birthday_is_reported(council) -> None:
    """By law the 17th birthday is 1 March: care ended the day before, so the return holds their 17th-birthday
    row. The package puts the birthday on 28 February and flags rule 1016; the check counts it apart, with the
    reason, and passes. Rule 1007 raises on the child in the package; Onward runs it itself."""
    council, adviser = council
    care_leaver(
        council,
        adviser,
        child="LEAP",
        dob=D(2008, 2, 29),
        episodes=[{"start": D(2022, 4, 1), "end": D(2025, 2, 28), "reason_ceased": "E13"}],
        around=D(2025, 3, 1),
    )
    result = selectors.build_return(council=council, year=2025)
    assert [row["CHILD"] for row in result.oc3] == ["LEAP"]
    checked = checking.check_tables(result.tables(), result.files(), year=2025)
    assert checked.errors == []
    assert [(d["code"], d["child"]) for d in checked.departures] == [("1016", "LEAP")]
    assert "28/02/2025" in checked.departures[0]["reason"]
    assert "Family Law Reform Act 1969" in checked.departures[0]["reason"]
    assert "1007" in checked.covered_rules
    assert checked.failed_rules == []
    status, output = check_command(council, 2025)
    assert status == 0, output
    # With the cross-year rules, rule 202 also flags the change of SEX codes in 2024-25 (a departure too).
    assert "for 2025, against 2024: 0 errors, 0 rules failed to run, 2 rows the published validator will flag" in output
    assert "child LEAP will be flagged by rule 1016 in the published validator because it puts the 17th" in output
    assert "rule 1007 failed to run in the published validator; Onward checked it itself" in output


def test_an_18th_birthday_on_31_march_after_leaving_care_at_17_is_reported(council) -> None:
    """18 by law on 31 March 2026; the package's 365.2425-day years make them 17 and flag rule 1016."""
    council, adviser = council
    care_leaver(
        council,
        adviser,
        child="MARCH",
        dob=D(2008, 3, 31),
        episodes=[{"start": D(2022, 5, 1), "end": D(2025, 10, 1), "reason_ceased": "E13"}],
        around=D(2026, 3, 31),
    )
    result = selectors.build_return(council=council, year=2026)
    assert [row["CHILD"] for row in result.oc3] == ["MARCH"]
    checked = checking.check_tables(result.tables(), result.files(), year=2026)
    assert checked.errors == []
    ((departure),) = checked.departures
    assert departure["code"] == "1016"
    assert "365.2425 days" in departure["reason"]
    assert "by law they are 18" in departure["reason"]
    status, output = check_command(council, 2026)
    assert status == 0, output


def test_a_real_1016_error_is_not_taken_for_a_departure() -> None:
    """Care ended on the 17th birthday by law: the package's flag is a real error."""
    tables = {
        "oc3": [{"CHILD": "X", "DOB": "29/02/2008", "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "U1"}],
        "episodes": [{"CHILD": "X", "DECOM": "01/04/2022", "DEC": "01/03/2025"}],
    }
    assert rules.departures(tables, 2025) == []
    assert [f.rule for f in rules.own_checks(tables, 2025)] == ["1016"]
    package = validator.ValidationResult(
        errors=[{"code": "1016", "child": "X", "table": "OC3", "description": "", "row": 0}], rules_run=1
    )
    sorted_ = checking.sort_results(package, tables, 2025)
    assert [e["code"] for e in sorted_.errors] == ["1016"]  # once, though both found it
    assert sorted_.departures == []
    assert not sorted_.passed


# The check fails on any rule that failed to run -----------------------------------------------


def test_a_rule_that_failed_to_run_fails_the_check_and_is_named(council, monkeypatch) -> None:
    council, adviser = council
    care_leaver(
        council,
        adviser,
        child="OK",
        dob=D(2005, 10, 1),
        episodes=[{"start": D(2019, 11, 1), "end": D(2022, 1, 1), "reason_ceased": "E13"}],
        around=D(2024, 10, 1),
    )
    monkeypatch.setattr(
        validator,
        "validate_files",
        lambda files, **kwargs: validator.ValidationResult(failed_rules=["1001", "231"], rules_run=100),
    )
    status, output = check_command(council, 2025)
    assert status == 1
    assert "0 errors, 1 rules failed to run" in output
    assert "rule 1001 failed to run in the published validator: its result is unknown" in output
    assert "rule 231 failed to run in the published validator; Onward checked it itself" in output


# Rules Onward checks itself --------------------------------------------------------------------


def oc3(dob: str, accom: str = "U1", child: str = "C") -> dict[str, str]:
    return {"CHILD": child, "DOB": dob, "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": accom}


def test_rule_347_no_foyer_for_under_18s_at_the_start_of_the_year() -> None:
    """The package compares ACCOM with "T", which no code equals, so its rule never fires."""
    young = {"oc3": [oc3("02/04/2006", "T1", "A"), oc3("01/04/2006", "T2", "B"), oc3("02/04/2006", "U1", "C")]}
    assert [(f.rule, f.child) for f in rules.own_checks(young, 2025)] == [("347", "A")]
    assert rules.own_checks({"oc3": [oc3("02/04/2005", "T1")]}, 2023) == []  # not in the 2022-23 pack
    assert [f.rule for f in rules.own_checks({"oc3": [oc3("02/04/2005", "T1")]}, 2024)] == ["347"]


def test_rule_1007_flags_an_open_episode_on_the_birthday_which_the_package_never_sees() -> None:
    tables = {
        "oc3": [oc3("01/10/2007", child="OPEN"), oc3("01/10/2007", child="LEFT")],
        "episodes": [
            {"CHILD": "OPEN", "DECOM": "01/01/2023", "DEC": ""},
            {"CHILD": "LEFT", "DECOM": "01/01/2023", "DEC": "01/06/2024"},
        ],
    }
    assert [(f.rule, f.child) for f in rules.own_checks(tables, 2025)] == [("1007", "OPEN")]


def test_rule_1007_reckons_a_29_february_birthday_by_law() -> None:
    """Looked after on 28 February and ceasing on 1 March 2025: not looked after on the 17th birthday by law."""
    tables = {"oc3": [oc3("29/02/2008")], "episodes": [{"CHILD": "C", "DECOM": "01/01/2023", "DEC": "01/03/2025"}]}
    assert [f.rule for f in rules.own_checks(tables, 2025)] == ["1016"]
    tables["episodes"][0]["DEC"] = "02/03/2025"
    assert sorted(f.rule for f in rules.own_checks(tables, 2025)) == ["1007", "1016"]


def test_rule_391_flags_a_row_for_someone_under_17_at_the_year_end() -> None:
    assert [f.rule for f in rules.own_checks({"oc3": [oc3("01/04/2008")]}, 2025)] == ["391"]
    assert rules.own_checks({"oc3": [oc3("31/03/2008")]}, 2025) == []


def test_rule_3001_no_former_foster_carer_around_the_17th_birthday() -> None:
    assert [f.rule for f in rules.own_checks({"oc3": [oc3("01/10/2007", "Z1")]}, 2025)] == ["3001"]
    assert rules.own_checks({"oc3": [oc3("01/10/2006", "Z1")]}, 2025) == []


def test_rule_231_uasc_under_11_and_rule_233_reason_on_an_open_episode() -> None:
    """The package's 231 and 233 read columns the CSV files do not have, and raise."""
    tables = {
        "uasc": [{"CHILD": "Y", "DOB": "01/04/2015"}, {"CHILD": "O", "DOB": "31/03/2015"}],
        "episodes": [
            {"CHILD": "E", "DECOM": "01/01/2025", "DEC": "", "REASON_PLACE_CHANGE": "CARPL"},
            {"CHILD": "F", "DECOM": "01/01/2025", "DEC": "01/02/2025", "REASON_PLACE_CHANGE": "CARPL"},
        ],
    }
    assert [(f.rule, f.child) for f in rules.own_checks(tables, 2026)] == [("231", "Y"), ("233", "E")]
    assert [f.rule for f in rules.own_checks(tables, 2025)] == ["231", "231"]  # both under 11 a year earlier
    assert rules.own_checks(tables, 2024) == []  # neither rule is in the 2023-24 pack


# The export follows the rules ------------------------------------------------------------------


def test_an_under_18_in_a_foyer_is_left_out_and_listed_for_fixing(council) -> None:
    council, adviser = council
    care_leaver(
        council,
        adviser,
        child="FOYER",
        dob=D(2007, 10, 1),
        episodes=[{"start": D(2021, 11, 1), "end": D(2024, 1, 1), "reason_ceased": "E13"}],
        around=D(2024, 10, 1),
        accommodation="T",
    )
    result = selectors.build_return(council=council, year=2025)
    assert result.oc3 == []
    ((issue),) = result.issues
    assert issue.fix == "accommodation"
    assert "foyer" in issue.message


def test_a_short_break_spanning_the_17th_birthday_puts_the_birthday_out_of_oc3(council) -> None:
    """Rules 1007 and 1016 read short breaks too: the young person was looked after on the birthday."""
    council, adviser = council
    care_leaver(
        council,
        adviser,
        child="BREAK",
        dob=D(2007, 10, 1),
        episodes=[
            {"start": D(2021, 10, 11), "end": D(2023, 12, 1), "reason_ceased": "E13"},
            {
                "start": D(2024, 9, 20),
                "end": D(2024, 10, 5),
                "reason_ceased": "E8",
                "legal_status": "V3",
                "placement_type": "U6",
            },
        ],
        around=D(2024, 10, 1),
    )
    result = selectors.build_return(council=council, year=2025)
    assert result.oc3 == []
    assert result.issues == []


def test_a_short_break_needs_no_postcodes(council) -> None:
    """Rule 392b asks no postcodes of V3 and V4 episodes: the young person is no longer left out for them."""
    council, adviser = council
    care_leaver(
        council,
        adviser,
        child="SHORT",
        dob=D(2007, 10, 1),
        episodes=[
            {"start": D(2021, 10, 11), "end": D(2023, 12, 1), "reason_ceased": "E13"},
            {
                "start": D(2024, 5, 1),
                "end": D(2024, 5, 3),
                "reason_ceased": "E8",
                "legal_status": "V3",
                "placement_type": "U6",
                "home_postcode": "",
                "placement_postcode": "",
            },
        ],
        around=D(2024, 10, 1),
    )
    result = selectors.build_return(council=council, year=2025)
    assert [row["CHILD"] for row in result.oc3] == ["SHORT"], result.issues
    checked = checking.check_tables(result.tables(), result.files(), year=2025)
    assert checked.errors == [], checked.errors


def test_a_uasc_care_leaver_is_exported_with_no_home_postcode_and_the_date_uasc_ceased(council) -> None:
    """Rule 406: a UASC's placement distance is blank, so the home postcode is; DUC is the 18th birthday."""
    council, adviser = council
    care_leaver(
        council,
        adviser,
        child="UASC",
        dob=D(2006, 10, 1),
        episodes=[{"start": D(2021, 1, 1), "end": D(2024, 6, 1), "reason_ceased": "E13", "home_postcode": ""}],
        around=D(2024, 10, 1),
        uasc=True,
    )
    result = selectors.build_return(council=council, year=2025)
    assert [row["CHILD"] for row in result.oc3] == ["UASC"], result.issues
    assert result.uasc == [{"CHILD": "UASC", "SEX": "M", "DOB": "01/10/2006", "DUC": "01/10/2024"}]
    assert result.episodes[0]["HOME_POST"] == ""
    checked = checking.check_tables(result.tables(), result.files(), year=2025)
    assert checked.errors == [], checked.errors


def test_an_open_episode_is_exported_without_a_reason_for_changing_placement(council) -> None:
    """Rule 233: the reason is given on the episode that ended, never on one still open at the year end."""
    council, adviser = council
    person = care_leaver(
        council,
        adviser,
        child="OPEN",
        dob=D(2005, 10, 1),
        episodes=[
            {
                "start": D(2023, 9, 1),
                "end": D(2026, 6, 1),
                "reason_ceased": "E17",
                "reason_place_change": "CARPL",
            }
        ],
        around=D(2025, 10, 1),
    )
    people.refresh_care_summaries(YoungPerson.objects.filter(pk=person.pk))
    result = selectors.build_return(council=council, year=2026)
    assert [(e["DEC"], e["REASON_PLACE_CHANGE"]) for e in result.episodes] == [("", "")]


def test_the_check_page_shows_a_departure_apart_from_errors_with_its_reason(
    world, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    a = world["A"]
    care_leaver(
        a.council,
        a.users["personal_adviser"],
        child="LEAP",
        dob=D(2008, 2, 29),
        episodes=[{"start": D(2022, 4, 1), "end": D(2025, 2, 28), "reason_ceased": "E13"}],
        around=D(2025, 3, 1),
    )
    client = signed_in(a.users["performance_officer"])
    url = reverse("returns:check", kwargs={"year": 2025})
    with django_capture_on_commit_callbacks(execute=True):  # the check runs as a task (ADR 18)
        client.post(url)
    page = client.get(url).content.decode()
    assert "No errors" in page
    assert "Right by the law, flagged by the published validator" in page
    assert (
        "Will be flagged by rule 1016 in the published validator because it puts the 17th birthday on 28/02/2025"
        in page
    )
    assert 'id="covered-rules"' in page and "1007" in page

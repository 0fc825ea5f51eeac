"""The SSDA903 import reads each table fewer times (the import's speed, issue 17's follow-up): the checks of a
table run in one pass, Onward's own rules take the episodes the checks already read, the OC3 table is read once
for the comparison with the register, and the save takes the new young people's care histories from the
comparison. Every check still fires on a bad row, and reports what it reported before, in the same order."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest

from onward.people.models import YoungPerson
from onward.returns import rules, services, ssda903
from onward.returns.models import ImportRun
from tests.returns.test_import_streaming import _files
from tests.returns.test_ssda903 import EPISODES, HEADER, OC3, YEAR


@pytest.fixture
def council(db):  # type: ignore[no-untyped-def]
    from tests.factories import CouncilFactory

    return CouncilFactory(name="Ashgrove Borough Council")


def _checked(files: dict[str, str]) -> ssda903.ParsedFiles:
    parsed = ssda903.read_files(files)
    ssda903.check_rows(parsed, YEAR)
    return parsed


LONG = "L" * 21


def test_a_child_too_long_is_reported_first_table_by_table_though_checked_in_the_tables_own_pass() -> None:
    """CHILD's length is checked with the rest of each table, and its problems still come first, in the order
    of the files (episodes, header, oc3), before every other problem."""
    parsed = _checked(
        {
            "header.csv": HEADER + "A,Q,01/10/2005,WBRI,,,\n" + f"{LONG},F,01/10/2005,WBRI,,,\n",
            "episodes.csv": EPISODES
            + "A,01/01/2020,S,C2,N1,U4,PR1,,,,,,\n"
            + f"{LONG},01/01/2020,S,C2,N1,U4,PR1,,,,,,\n",
            "oc3.csv": OC3 + f"{LONG},01/10/2005,YES,F2,U1\n" + "A,01/10/2005,YES,F2,XX\n",
        }
    )
    assert [(p.table, p.row, p.column, p.message) for p in parsed.problems] == [
        ("episodes", 2, "CHILD", "must be at most 20 characters"),
        ("header", 2, "CHILD", "must be at most 20 characters"),
        ("oc3", 1, "CHILD", "must be at most 20 characters"),
        ("header", 1, "SEX", "Q is not a valid code for 2024-25"),
        ("oc3", 2, "ACCOM", "XX is not a valid code for 2024-25"),
    ]
    assert parsed.problems[0].child == "L" * 20
    assert parsed.episode_spans is None  # only a check that found nothing wrong gives them


def test_a_check_with_nothing_wrong_gives_each_childs_episodes() -> None:
    parsed = _checked(
        {
            "header.csv": HEADER + "A,F,01/10/2005,WBRI,,,\nB,M,01/10/2006,WBRI,,,\n",
            "episodes.csv": EPISODES
            + "A,01/06/2021,S,C2,N1,U4,PR1,,,,,,\n"
            + "A,01/01/2020,S,C2,N1,U4,PR1,01/06/2021,E13,,,,\n"
            + "B,01/01/2022,S,C2,N1,U4,PR1,,,,,,\n",
        }
    )
    assert parsed.problems == []
    assert parsed.episode_spans == {
        "A": [(datetime.date(2020, 1, 1), datetime.date(2021, 6, 1)), (datetime.date(2021, 6, 1), None)],
        "B": [(datetime.date(2022, 1, 1), None)],
    }


def test_onwards_own_rules_find_the_same_with_the_episodes_given_as_reading_the_table() -> None:
    """Rules 1007 and 1016 (looked after on, or leaving on or after, the 17th or 18th birthday) by the spans the
    check gave, and by reading the episodes table: the same findings."""
    files = {
        "header.csv": HEADER + "OPEN,F,01/10/2007,WBRI,,,\nLATE,F,01/10/2007,WBRI,,,\nLEFT,F,01/10/2007,WBRI,,,\n",
        "episodes.csv": EPISODES
        + "OPEN,01/01/2023,S,C2,N1,U4,PR1,,,,,,\n"
        + "LATE,01/01/2023,S,C2,N1,U4,PR1,01/12/2024,E13,,,,\n"
        + "LEFT,01/01/2023,S,C2,N1,U4,PR1,01/06/2024,E13,,,,\n",
        "oc3.csv": OC3 + "OPEN,01/10/2007,YES,F2,U1\nLATE,01/10/2007,YES,F2,U1\nLEFT,01/10/2007,YES,F2,U1\n",
    }
    parsed = _checked(files)
    assert parsed.problems == [] and parsed.episode_spans is not None
    given = rules.own_checks(parsed.tables, YEAR, parsed.episode_spans)
    assert given == rules.own_checks(parsed.tables, YEAR)
    assert [(f.rule, f.child) for f in given] == [("1007", "OPEN"), ("1007", "LATE"), ("1016", "LATE")]


def test_an_import_refuses_out_of_scope_rows_by_the_episodes_the_check_read(council, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The import's own rules take the check's episodes: reading the episodes table again is never needed."""

    def never(tables: object) -> None:
        raise AssertionError("the episodes were read again")

    monkeypatch.setattr(rules, "_episodes_by_child", never)
    run = services.ssda903_import_now(
        acting_user=None,
        council=council,
        year=YEAR,
        files={
            "header.csv": HEADER + "OPEN,F,01/10/2007,WBRI,,,\n",
            "episodes.csv": EPISODES + "OPEN,01/01/2023,S,C2,N1,U4,PR1,,,,,,\n",
            "oc3.csv": OC3 + "OPEN,01/10/2007,YES,F2,U1\n",
        },
    )
    assert run.status == ImportRun.Status.REJECTED
    assert [(p["table"], p["row"], p["child"], p["message"][:10]) for p in run.problems] == [
        ("oc3", 1, "OPEN", "rule 1007:")
    ]
    assert not YoungPerson.objects.filter(council=council).exists()


def test_an_import_reads_each_table_three_times_at_most(council, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Checked, compared with the register and saved: each table is read at most three times (the episodes
    were read five times, the OC3 table four), and every record is still written."""
    reads: dict[str, int] = {}
    iterate = ssda903.Table.__iter__

    def counted(self: ssda903.Table) -> Iterator[dict[str, str]]:
        name = self.text.split(",", 1)[0] + ":" + self.text.split("\n", 1)[0].rsplit(",", 1)[-1]
        reads[name] = reads.get(name, 0) + 1
        return iterate(self)

    monkeypatch.setattr(ssda903.Table, "__iter__", counted)
    run = services.ssda903_import_now(acting_user=None, council=council, year=YEAR, files=_files(40))
    assert run.status == ImportRun.Status.COMMITTED, run.problems
    assert reads == {"CHILD:MC_DOB": 3, "CHILD:URN": 3, "CHILD:ACCOM": 3}
    people = YoungPerson.objects.filter(council=council)
    assert people.count() == 40
    # The new young people's care summaries come from the episodes compared (none held before).
    assert sorted(people.filter(looked_after_now=True).values_list("child_id", flat=True)) == [
        f"S{i:03d}" for i in range(40) if i % 4
    ]
    assert all(p.eligible_from for p in people.filter(child_id__in=[f"S{i:03d}" for i in range(0, 40, 4)]))


def test_a_table_reads_values_upper_case_and_trimmed_short_rows_filled_and_long_rows_cut() -> None:
    """The table is put in upper case once, not a value at a time: the rows read the same."""
    rows = list(ssda903.Table(" child , Sex ,dob\n a1 ,m, 01/10/2005 \n\nb2\nc3,f,01/10/2006,extra\nstraße,u,\n"))
    assert rows == [
        {"CHILD": "A1", "SEX": "M", "DOB": "01/10/2005"},
        {"CHILD": "B2", "SEX": "", "DOB": ""},
        {"CHILD": "C3", "SEX": "F", "DOB": "01/10/2006"},
        {"CHILD": "STRASSE", "SEX": "U", "DOB": ""},
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2005-10-01", "must be a date in the form dd/mm/yyyy, like 27/03/2007"),
        ("1/10/2005", "must be a date in the form dd/mm/yyyy, like 27/03/2007"),
        ("01/10/05", "must be a date in the form dd/mm/yyyy, like 27/03/2007"),
        ("31/02/2005", "must be a real date"),
        ("00/10/2005", "must be a real date"),
    ],
)
def test_a_date_is_read_as_dd_mm_yyyy_only(value: str, message: str) -> None:
    assert ssda903.parse_date("29/02/2008") == datetime.date(2008, 2, 29)
    for _again in range(2):  # a refusal is never remembered as a date
        with pytest.raises(ValueError, match=message):
            ssda903.parse_date(value)


def test_the_changes_shown_stop_at_the_limit_though_every_row_is_counted(council, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The first changes of each kind are described; the rest are counted, not described."""
    monkeypatch.setattr(services, "MAX_CHANGES_SHOWN", 3)
    run = services.ssda903_import_now(acting_user=None, council=council, year=YEAR, files=_files(40))
    assert run.summary["people_new"] == 40 and run.summary["episodes_new"] == 40 and run.summary["oc3_new"] == 10
    assert [change["what"] for change in run.changes] == ["New young person"] * 3 + ["New care episode"] * 3 + [
        "Care leaver information"
    ] * 3
    assert run.changes[3] == {"child": "S001", "what": "New care episode", "detail": "from 01/01/2022, C2 U4"}
    assert run.changes[6]["detail"] == "01/10/2024: YES, F2, U1"

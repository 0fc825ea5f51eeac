"""SSDA903: who the return includes, the files it writes, the Department's rules, and imports."""

from __future__ import annotations

import csv
import datetime
import io
import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from onward.people import services as people
from onward.people.categories import birthday
from onward.people.models import CareEpisode, Contact, EETSpell, YoungPerson
from onward.returns import selectors, services, ssda903, validator
from onward.returns.models import ImportRun
from tests.chains import assert_chained
from tests.factories import CouncilFactory, UserFactory, YoungPersonFactory

YEAR = 2025
START, END = ssda903.collection_window(YEAR)


def leaver(
    council,
    adviser,
    *,
    child: str,
    age_in_year: int,
    left_at: int | None = 16,
    in_touch: str = "YES",  # type: ignore[no-untyped-def]
    activity: str | None = "further_education",
    accommodation: str | None = "U",
    **extra,
):
    """A young person whose ``age_in_year`` birthday falls on 1 October 2024, in care from 14 to ``left_at``."""
    dob = datetime.date(2024 - age_in_year, 10, 1)
    person = YoungPersonFactory(council=council, child_id=child, date_of_birth=dob, **extra)
    end = birthday(dob, left_at) + datetime.timedelta(days=100) if left_at is not None else None
    people.episode_add(
        acting_user=adviser,
        person=person,
        start=birthday(dob, 14) + datetime.timedelta(days=10),
        end=end,
        reason_new_episode="S",
        legal_status="C2",
        placement_type="U4",
        reason_ceased="E13" if end else "",
    )
    bday = birthday(dob, age_in_year)
    if in_touch:
        people.contact_record(
            acting_user=adviser,
            person=person,
            date=bday - datetime.timedelta(days=10),
            method="phone",
            in_touch=in_touch,
        )
    if activity:
        people.eet_record(
            acting_user=adviser,
            person=person,
            activity=activity,
            start=bday - datetime.timedelta(days=200),
            source="worker",
        )
    if accommodation:
        people.accommodation_record(
            acting_user=adviser,
            person=person,
            accommodation_type=accommodation,
            suitability="suitable",
            start=bday - datetime.timedelta(days=300),
        )
    person.refresh_from_db()
    return person


@pytest.fixture
def council(db):  # type: ignore[no-untyped-def]
    council = CouncilFactory(name="Fernhill District Council")
    return council, UserFactory(organisation=council, roles=["personal_adviser"])


def test_oc3_includes_exactly_the_young_people_the_rules_include(council) -> None:
    """17-21 care leavers around their birthday; not those in care or leaving on the birthday; not short breaks."""
    council, adviser = council
    leaver(council, adviser, child="A19", age_in_year=19)
    leaver(council, adviser, child="A21", age_in_year=21, activity="neet_illness")
    leaver(council, adviser, child="A17", age_in_year=17, left_at=16)
    leaver(council, adviser, child="LAC17", age_in_year=17, left_at=None)  # still looked after (rule 1007)
    on_birthday = leaver(council, adviser, child="LEFT18", age_in_year=18, left_at=None)
    CareEpisode.objects.filter(person=on_birthday).update(
        end=birthday(on_birthday.date_of_birth, 18), reason_ceased="E17"
    )
    leaver(council, adviser, child="A24", age_in_year=24, left_at=17)  # 22-25, in touch in the year
    short = YoungPersonFactory(council=council, child_id="SHORT", date_of_birth=datetime.date(2005, 10, 1))
    people.episode_add(
        acting_user=adviser,
        person=short,
        start=datetime.date(2019, 11, 1),
        end=datetime.date(2022, 1, 1),
        reason_new_episode="S",
        legal_status="V3",
        placement_type="U6",
        reason_ceased="E8",
    )
    moved = leaver(council, adviser, child="MOVED", age_in_year=19)
    CareEpisode.objects.filter(person=moved).update(reason_ceased="E3")
    people.refresh_care_summaries(YoungPerson.objects.filter(council=council))
    result = selectors.build_return(council=council, year=YEAR)
    rows = {row["CHILD"]: row for row in result.oc3}
    assert sorted(rows) == ["A17", "A19", "A21", "A24"]
    assert rows["A19"] == {"CHILD": "A19", "DOB": "01/10/2005", "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "U1"}
    assert rows["A21"]["ACTIV"] == "G4"
    assert sorted(h["CHILD"] for h in result.header) == sorted(rows)


def test_died_and_returned_home_keep_a_row_with_zero_activity(council) -> None:
    """A death after leaving care, or returning home for 6 months, is reported with ACTIV and ACCOM 0."""
    council, adviser = council
    died = leaver(council, adviser, child="D20", age_in_year=20, in_touch="")
    people.contact_record(
        acting_user=adviser, person=died, date=datetime.date(2024, 8, 1), method="third_party", in_touch="DIED"
    )
    leaver(council, adviser, child="R19", age_in_year=19, in_touch="RHOM")
    leaver(council, adviser, child="N19", age_in_year=19, in_touch="NO")
    rows = {row["CHILD"]: row for row in selectors.build_return(council=council, year=YEAR).oc3}
    assert (rows["D20"]["IN_TOUCH"], rows["D20"]["ACTIV"], rows["D20"]["ACCOM"]) == ("DIED", "0", "0")
    assert (rows["R19"]["IN_TOUCH"], rows["R19"]["ACTIV"], rows["R19"]["ACCOM"]) == ("RHOM", "0", "0")
    assert (rows["N19"]["IN_TOUCH"], rows["N19"]["ACTIV"]) == ("NO", "0")


def test_incomplete_records_are_left_out_and_named_with_what_to_fix(council) -> None:
    """In touch but no activity, or no contact near the birthday: out of OC3, on the data quality list."""
    council, adviser = council
    leaver(council, adviser, child="NOACT", age_in_year=19, activity=None)
    leaver(council, adviser, child="NOCON", age_in_year=20, in_touch="")
    result = selectors.build_return(council=council, year=YEAR)
    assert result.oc3 == []
    issues = {issue.person.child_id: issue for issue in result.issues}
    assert issues["NOACT"].fix == "eet"
    assert "no activity recorded around their 19th birthday" in issues["NOACT"].message
    assert issues["NOCON"].fix == "contact"


def test_files_have_exactly_the_departments_columns_and_dates(council) -> None:
    """Each CSV has exactly the Department's columns, in order, and dd/mm/YYYY dates."""
    council, adviser = council
    leaver(council, adviser, child="A19", age_in_year=19, left_at=None, upn="A123456789012")
    CareEpisode.objects.update(
        end=datetime.date(2024, 6, 30),
        reason_ceased="E13",
        placement_provider="PR1",
        urn="1234567",
        home_postcode="SW1A 1AA",
        placement_postcode="SW1A 2AA",
    )
    people.refresh_care_summaries(YoungPerson.objects.all())
    files = selectors.build_return(council=council, year=YEAR).files()
    for name, table in (
        ("header.csv", "header"),
        ("episodes.csv", "episodes"),
        ("oc3.csv", "oc3"),
        ("uasc.csv", "uasc"),
    ):
        reader = csv.reader(io.StringIO(files[name]))
        assert tuple(next(reader)) == ssda903.TABLE_COLUMNS[table]
    (episode,) = list(csv.DictReader(io.StringIO(files["episodes.csv"])))
    assert episode["DEC"] == "30/06/2024"
    assert episode["REC"] == "E13"


def test_the_departments_rules_find_no_errors_in_the_export(council) -> None:
    """The exported files pass the Department's own rules (csc-validator-be-903) for the year."""
    council, adviser = council
    for i, (age, activity, in_touch) in enumerate(
        [
            (17, "further_education", "YES"),
            (18, "neet_seeking", "YES"),
            (19, "apprenticeship", "YES"),
            (20, "higher_education", "NO"),
            (21, "employment_part_time", "YES"),
            (23, "neet_parenting", "YES"),
        ]
    ):
        leaver(
            council,
            adviser,
            child=f"C{i:03d}",
            age_in_year=age,
            activity=activity,
            in_touch=in_touch,
            sex="M" if i % 2 else "F",
        )
    result = selectors.build_return(council=council, year=YEAR)
    assert len(result.oc3) == 6
    checked = validator.validate_files(result.files(), year=YEAR)
    assert checked.rules_run > 100
    assert checked.exported_table_errors == []


def _import(council, files: dict[str, str], year: int = YEAR) -> ImportRun:  # type: ignore[no-untyped-def]
    return services.ssda903_preview(acting_user=None, council=council, year=year, files=files)


HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
OC3 = "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n"


def test_a_good_set_of_files_is_previewed_then_imported(council) -> None:
    """The preview counts what would change and saves nothing; the commit creates it all."""
    council, _ = council
    files = {
        "header.csv": HEADER + "X1,F,01/10/2005,WBRI,,0,\nX2,M,15/01/2006,BAFR,,,\n",
        "episodes.csv": EPISODES
        + "X1,01/01/2020,S,C2,N1,U4,PR1,01/03/2022,X1,,,,\nX1,01/03/2022,P,C2,N1,K2,PR4,01/02/2023,E13,CARPL,,,\n",
        "oc3.csv": OC3 + "X1,01/10/2005,YES,F2,U1\n",
        "uasc.csv": "CHILD,SEX,DOB,DUC\nX2,M,15/01/2006,\n",
    }
    run = _import(council, files)
    assert run.status == ImportRun.Status.PREVIEWED
    assert run.summary["people_new"] == 2
    assert run.summary["episodes_new"] == 2
    assert run.summary["oc3_new"] == 1
    assert not YoungPerson.objects.filter(council=council).exists()
    services.ssda903_commit(acting_user=None, run=run)
    x1 = YoungPerson.objects.get(council=council, child_id="X1")
    assert x1.eligible_from is not None
    assert YoungPerson.objects.get(council=council, child_id="X2").uasc
    assert Contact.objects.get(person=x1).in_touch == "YES"
    assert EETSpell.objects.get(person=x1).activity == "further_education"
    again = _import(council, files)
    assert again.summary["people_unchanged"] == 2 and again.summary["episodes_unchanged"] == 2


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"header.csv": "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER\nX1,F,01/10/2005,WBRI,,\n"}, "missing MC_DOB"),
        ({"header.csv": HEADER.replace("\n", ",EXTRA\n") + "X1,F,01/10/2005,WBRI,,,,\n"}, "unexpected EXTRA"),
        ({"header.csv": HEADER + "X1,Q,01/10/2005,WBRI,,,\n"}, "Q is not a valid code"),
        ({"header.csv": HEADER + "X1,F,2005-10-01,WBRI,,,\n"}, "must be a date in the form dd/mm/yyyy"),
        ({"header.csv": HEADER + "X1,F,31/02/2005,WBRI,,,\n"}, "must be a real date"),
        (
            {"header.csv": HEADER + "X1,F,01/10/2005,WBRI,,,\nX1,F,01/10/2005,WBRI,,,\n"},
            "appears more than once (also row 1)",
        ),
        (
            {
                "header.csv": HEADER + "X1,F,01/10/2005,WBRI,,,\n",
                "episodes.csv": EPISODES
                + "X1,01/01/2020,S,C2,,U4,,01/06/2021,E13,,,,\nX1,01/01/2021,S,C2,,U4,,,,,,,\n",
            },
            "overlaps the episode on row 1",
        ),
        (
            {"header.csv": HEADER + "X1,F,01/10/2005,WBRI,,,\n", "oc3.csv": OC3 + "Z9,01/10/2005,YES,F2,U1\n"},
            "is not in the header file",
        ),
        (
            {"header.csv": HEADER + "X1,F,01/10/2005,WBRI,,,\n", "oc3.csv": OC3 + "X1,01/10/2005,YES,F3,U1\n"},
            "F3 is not a valid code",
        ),
        (
            {
                "header.csv": HEADER + "X1,F,01/10/2005,WBRI,,,\n",
                "episodes.csv": EPISODES + "X1,01/01/2020,S,C2,,K3,,,,,,,\n",
            },
            "K3 is not a valid code for 2023-24",
        ),
    ],
)
def test_bad_files_are_refused_with_row_and_reason_and_nothing_saved(files, message, council) -> None:
    """Wrong or extra columns, bad codes, ISO dates, duplicates, overlaps, unknown children: nothing saved."""
    council, _ = council
    year = 2024 if "2023-24" in message else YEAR
    run = _import(council, files, year)
    assert run.status == ImportRun.Status.REJECTED
    reported = " ".join(f"{p['table']} row {p['row']} {p['column']} {p['message']}" for p in run.problems)
    assert message in reported
    with pytest.raises(services.ImportNotReady):
        services.ssda903_commit(acting_user=None, run=run)
    assert not YoungPerson.objects.filter(council=council).exists()


def test_every_bad_row_is_reported_not_just_the_first(council) -> None:
    """A file with several bad rows reports each, by row and column."""
    council, _ = council
    run = _import(council, {"header.csv": HEADER + "A,Q,01/10/2005,WBRI,,,\nB,F,bad,WBRI,,,\nC,F,01/10/2005,XXXX,,,\n"})
    assert [(p["row"], p["column"]) for p in run.problems] == [(1, "SEX"), (2, "DOB"), (3, "ETHNIC")]


def test_an_unreadable_end_date_is_reported_for_itself_not_as_an_overlap(council) -> None:
    """An end date like 24/04/17 is reported on its own row; the next episode is not blamed for overlapping it.

    A genuinely open episode followed by another is still an overlap.
    """
    council, _ = council
    run = _import(
        council,
        {
            "header.csv": HEADER + "X1,F,01/10/2005,WBRI,,,\n",
            "episodes.csv": EPISODES
            + "X1,01/01/2020,S,C2,,U4,,24/04/21,X1,,,,\n"
            + "X1,24/04/2021,P,C2,,K2,,,,,,,\n"
            + "X1,01/06/2021,P,C2,,K2,,,,,,,\n",
        },
    )
    assert [(p["row"], p["column"], p["message"]) for p in run.problems] == [
        (1, "DEC", "must be a date in the form dd/mm/yyyy, like 27/03/2007"),
        (3, "DECOM", "overlaps the episode on row 2"),
    ]


def test_round_trip_export_then_import_into_an_empty_council(council) -> None:
    """Exported files imported into an empty council give back the same people, episodes and OC3 values."""
    council, adviser = council
    for i, (age, activity) in enumerate(
        [(17, "further_education"), (19, "apprenticeship"), (20, "neet_illness"), (21, "employment_part_time")]
    ):
        leaver(council, adviser, child=f"R{i}", age_in_year=age, activity=activity, left_at=16 if age < 19 else 17)
    in_year = leaver(council, adviser, child="R9", age_in_year=18, left_at=None, upn="A123456789012")
    CareEpisode.objects.filter(person=in_year).update(
        end=datetime.date(2024, 6, 30),
        reason_ceased="E13",
        placement_provider="PR1",
        urn="1234567",
        home_postcode="SW1A 1AA",
        placement_postcode="SW1A 2AA",
    )
    people.refresh_care_summaries(YoungPerson.objects.filter(pk=in_year.pk))
    exported = selectors.build_return(council=council, year=YEAR)
    assert len(exported.episodes) == 1
    assert validator.validate_files(exported.files(), year=YEAR).exported_table_errors == []
    empty = CouncilFactory(name="Empty Council")
    run = _import(empty, exported.files())
    assert run.status == ImportRun.Status.PREVIEWED, run.problems
    services.ssda903_commit(acting_user=None, run=run)
    assert_chained(Contact)
    again = selectors.build_return(council=empty, year=YEAR)
    assert again.oc3 == exported.oc3
    assert again.header == exported.header
    assert again.episodes == exported.episodes


def test_the_commands_import_and_export(council, tmp_path) -> None:
    """import_ssda903 and export_ssda903 work from the command line; a bad folder is refused."""
    council, adviser = council
    leaver(council, adviser, child="A19", age_in_year=19)
    call_command("export_ssda903", "--council", council.name, "--year", str(YEAR), "--out", str(tmp_path / "out"))
    assert (tmp_path / "out" / "oc3.csv").read_text().splitlines()[1].startswith("A19,")
    other = CouncilFactory(name="Other Council")
    call_command("import_ssda903", "--council", other.name, "--year", str(YEAR), str(tmp_path / "out"))
    assert YoungPerson.objects.filter(council=other, child_id="A19").exists()
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "header.csv").write_text(HEADER + "B1,F,2005-10-01,WBRI,,,\n")
    with pytest.raises(CommandError, match="Nothing was imported: 1 problems"):
        call_command("import_ssda903", "--council", other.name, "--year", str(YEAR), str(tmp_path / "bad"))


def test_the_demo_councils_return_passes_the_departments_rules(db) -> None:
    """make check-903's check: the demo council's return for this year has no errors."""
    from django.utils import timezone

    from onward.accounts.models import Organisation

    call_command("load_demo", "--quiet")
    council = Organisation.objects.get(name="Wexbridge City Council")
    today = timezone.localdate()
    year = today.year + 1 if today.month >= 4 else today.year
    result = selectors.build_return(council=council, year=year)
    assert len(result.oc3) > 100
    assert validator.validate_files(result.files(), year=year).exported_table_errors == []


def test_a_generated_council_of_5000_passes_the_departments_rules(db) -> None:
    from django.utils import timezone

    from onward.accounts.models import Organisation

    call_command("generate_cohort", "--council", "Large Council", "--size", "5000", "--seed", "9")
    council = Organisation.objects.get(name="Large Council")
    today = timezone.localdate()
    year = today.year + 1 if today.month >= 4 else today.year
    result = selectors.build_return(council=council, year=year)
    assert len(result.oc3) > 1500
    checked = validator.validate_files(result.files(), year=year)
    assert checked.exported_table_errors == [], checked.exported_table_errors[:5]


def test_the_problems_shown_include_some_of_every_files() -> None:
    """A file with many problems does not push another file's off the page; every file's count is kept."""
    problems = [{"table": "header", "row": i, "column": "SEX", "child": str(i), "message": "bad"} for i in range(1, 8)]
    problems.append({"table": "oc3", "row": 3, "column": "ACTIV", "child": "9", "message": "F3 is not a valid code"})
    shown = selectors.problems_to_show(problems, per_file=5)
    assert [(p["table"], p["row"]) for p in shown.rows] == [("header", n) for n in range(1, 6)] + [("oc3", 3)]
    assert shown.counts == [("Header", 7), ("OC3 (care leavers)", 1)]
    assert shown.truncated
    assert not selectors.problems_to_show(problems[5:], per_file=5).truncated


def _overlapping(spells: list[EETSpell]) -> list[tuple[EETSpell, EETSpell]]:
    ordered = sorted(spells, key=lambda s: s.start)
    return [(a, b) for a, b in itertools.pairwise(ordered) if b.start <= (a.end or datetime.date.max)]


def test_an_import_never_overlaps_a_closed_record_with_an_open_one(council) -> None:
    """Regression: the import placed its activity with its own copy of the history rule, which looked
    only at the open record, so a closed record covering the birthday and the imported open one
    overlapped. It now uses the register's rule (``people.services.spells_import``): the period is
    already held, so nothing is added, and the history keeps one record a day."""
    council, adviser = council
    files = {
        "header.csv": HEADER + "X1,F,01/10/2005,WBRI,,0,\n",
        "episodes.csv": EPISODES + "X1,01/01/2020,S,C2,N1,U4,PR1,01/02/2023,E13,,,,\n",
    }
    services.ssda903_commit(acting_user=None, run=_import(council, files))
    x1 = YoungPerson.objects.get(council=council, child_id="X1")
    birthday = datetime.date(YEAR - 1, 10, 1)
    people.eet_record(
        acting_user=adviser,
        person=x1,
        activity="employment_full_time",
        start=birthday - datetime.timedelta(days=60),
        end=birthday + datetime.timedelta(days=60),
    )
    run = _import(council, {**files, "oc3.csv": OC3 + "X1,01/10/2005,YES,F2,U1\n"})
    services.ssda903_commit(acting_user=None, run=run)
    spells = list(EETSpell.objects.filter(person=x1, superseded_at__isnull=True))
    assert _overlapping(spells) == []
    assert [s.activity for s in spells] == ["employment_full_time"]


def test_an_import_after_the_open_record_ends_it_the_day_before(council) -> None:
    """An imported activity starting after the open record's start ends that record the day before."""
    council, adviser = council
    files = {
        "header.csv": HEADER + "X1,F,01/10/2005,WBRI,,0,\n",
        "episodes.csv": EPISODES + "X1,01/01/2020,S,C2,N1,U4,PR1,01/02/2023,E13,,,,\n",
    }
    services.ssda903_commit(acting_user=None, run=_import(council, files))
    x1 = YoungPerson.objects.get(council=council, child_id="X1")
    birthday = datetime.date(YEAR - 1, 10, 1)
    people.eet_record(
        acting_user=adviser, person=x1, activity="employment_full_time", start=birthday - datetime.timedelta(days=60)
    )
    services.ssda903_commit(
        acting_user=None, run=_import(council, {**files, "oc3.csv": OC3 + "X1,01/10/2005,YES,F2,U1\n"})
    )
    spells = sorted(EETSpell.objects.filter(person=x1, superseded_at__isnull=True), key=lambda s: s.start)
    assert _overlapping(spells) == []
    assert [(s.activity, s.end) for s in spells] == [
        ("employment_full_time", birthday - datetime.timedelta(days=1)),
        ("further_education", None),
    ]

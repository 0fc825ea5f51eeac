"""The Department's validator project's own deliberately dirty test data, imported the ways people import.

``fixtures/validator_fake_data`` is a copy of the csc-validator-be-903 repository's ``tests/fake_data``
(see the README there). Whichever way it comes in (the command, the import service, the upload
page) nothing may crash, every bad row must be reported by file, row and column, nothing may be
saved, and the import run must keep the report.

The expected problems are worked out here from the files and the code lists in
``/work/shared/domain/REFERENCE.md``, not from ``onward.returns.ssda903``.
"""

from __future__ import annotations

import csv
import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from onward.audit.models import AuditEvent
from onward.people import services as people
from onward.people.models import CareEpisode, Contact, EETSpell, YoungPerson
from onward.returns import services
from onward.returns.models import ImportRun
from tests.factories import CouncilFactory, UserFactory, YoungPersonFactory

FIXTURES = Path(__file__).parent / "fixtures" / "validator_fake_data"
FILE_NAMES = ("episodes.csv", "header.csv", "oc3.csv", "uasc.csv")
YEAR = 2025  # 1 April 2024 to 31 March 2025: SEX must be M, F or U

# The code lists as REFERENCE.md gives them (rules 131, 132 and 133 of the 2024-25 pack).
IN_TOUCH = {"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"}
ACTIV = {"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"}
ACCOM = {f"{letter}{digit}" for letter in "BCDEGHKRTUVWYZ" for digit in "12"} | {"S2", "X2", "0"}
SEX = {"M", "F", "U"}
DATE = re.compile(r"\d{2}/\d{2}/\d{4}")


def rows(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def fixture_files() -> dict[str, str]:
    return {name: (FIXTURES / name).read_text(encoding="utf-8") for name in FILE_NAMES}


def expected_oc3_problems() -> set[tuple[int, str]]:
    """(row, column) of every OC3 fault, found independently of the import's own checks."""
    header = {row["CHILD"]: row for row in rows("header.csv")}
    expected: set[tuple[int, str]] = set()
    seen: set[str] = set()
    for i, row in enumerate(rows("oc3.csv"), start=1):
        child = row["CHILD"]
        if child not in header or child in seen:
            expected.add((i, "CHILD"))
        seen.add(child)
        if not DATE.fullmatch(row["DOB"]) or (child in header and header[child]["DOB"] != row["DOB"]):
            expected.add((i, "DOB"))
        for column, valid in (("IN_TOUCH", IN_TOUCH), ("ACTIV", ACTIV), ("ACCOM", ACCOM)):
            if row[column] not in valid:
                expected.add((i, column))
        died_or_home = row["IN_TOUCH"] in ("DIED", "RHOM") and (row["ACTIV"], row["ACCOM"]) != ("0", "0")
        in_touch_but_zero = row["IN_TOUCH"] == "YES" and "0" in (row["ACTIV"], row["ACCOM"])
        if died_or_home or in_touch_but_zero:
            expected.add((i, "ACTIV"))  # the import reports rules 344 and 345 against ACTIV
    return expected


def expected_bad_episode_rows() -> set[int]:
    """Episodes with an end date not in dd/mm/yyyy form, or a reason ceased without an end date."""
    return {
        i
        for i, row in enumerate(rows("episodes.csv"), start=1)
        if (row["DEC"] and not DATE.fullmatch(row["DEC"])) or (bool(row["DEC"]) != bool(row["REC"]))
    }


def reported(run: ImportRun, table: str) -> set[tuple[int, str]]:
    return {(p["row"], p["column"]) for p in run.problems if p["table"] == table}


def count(run: ImportRun, table: str) -> int:
    return sum(1 for p in run.problems if p["table"] == table)


@pytest.fixture
def existing(db):  # type: ignore[no-untyped-def]
    """A council whose register already holds a young person the files also name, with a care episode."""
    council = CouncilFactory(name="Ashdown Vale Council")
    adviser = UserFactory(organisation=council, roles=["personal_adviser"])
    person = YoungPersonFactory(council=council, child_id="538333", date_of_birth=datetime.date(2003, 5, 23), sex="F")
    people.episode_add(
        acting_user=adviser,
        person=person,
        start=datetime.date(2018, 1, 10),
        end=datetime.date(2020, 2, 1),
        reason_new_episode="S",
        legal_status="C2",
        placement_type="U4",
        reason_ceased="E13",
    )
    return council, person


def register_state(person: YoungPerson) -> tuple[object, ...]:
    person.refresh_from_db()
    return (
        YoungPerson.objects.count(),
        CareEpisode.objects.count(),
        Contact.objects.count(),
        EETSpell.objects.count(),
        person.sex,
        person.upn,
        person.ethnicity,
        list(person.episodes.values_list("start", "end", "placement_type")),
    )


def assert_every_bad_row_reported(run: ImportRun) -> None:
    header, episodes, oc3, uasc = rows("header.csv"), rows("episodes.csv"), rows("oc3.csv"), rows("uasc.csv")
    # Every header and UASC row uses the old SEX codes 1 and 2, which 2024-25 no longer accepts.
    assert {r["SEX"] for r in header} <= {"1", "2"} and not SEX & {r["SEX"] for r in header}
    assert {row for row, column in reported(run, "header") if column == "SEX"} == set(range(1, len(header) + 1))
    assert {row for row, column in reported(run, "uasc") if column == "SEX"} == set(range(1, len(uasc) + 1))
    bad_episodes = expected_bad_episode_rows()
    assert len(bad_episodes) > 300
    assert bad_episodes <= {row for row, _column in reported(run, "episodes")}
    # An overlap is only reported against an episode whose end is known (blank means still open):
    # an unreadable end date is reported for itself, not blamed on the next episode.
    overlaps = [p for p in run.problems if p["message"].startswith("overlaps the episode on row ")]
    assert overlaps
    for problem in overlaps:
        earlier = episodes[int(problem["message"].rsplit(" ", 1)[1]) - 1]
        assert earlier["CHILD"] == problem["child"]
        assert not earlier["DEC"] or DATE.fullmatch(earlier["DEC"])
    # No child is missing from the header: every episode, OC3 and UASC child has a header row, so none may
    # be reported as missing (worked out from the files, as every expectation here is).
    in_header = {r["CHILD"] for r in header}
    for table, table_rows in (("episodes", episodes), ("oc3", oc3), ("uasc", uasc)):
        missing = {i for i, r in enumerate(table_rows, start=1) if r["CHILD"] not in in_header}
        reported_missing = {
            p["row"] for p in run.problems if p["table"] == table and p["message"] == "is not in the header file"
        }
        assert reported_missing == missing
    expected_oc3 = expected_oc3_problems()
    assert len({row for row, _column in expected_oc3}) >= 25
    assert reported(run, "oc3") == expected_oc3
    assert len({row for row, _column in reported(run, "oc3")}) == len({row for row, _column in expected_oc3})
    # Each problem names its file, row and column; rows are within the file.
    sizes = {"header": len(header), "episodes": len(episodes), "oc3": len(oc3), "uasc": len(uasc)}
    for problem in run.problems:
        assert problem["table"] in sizes and problem["column"]
        assert 1 <= problem["row"] <= sizes[problem["table"]]


KNOWN_BAD = [
    ("oc3", 6, "ACTIV", "288525", "F3 is not a valid code for 2024-25"),
    ("oc3", 7, "ACTIV", "182556", "P3 is not a valid code for 2024-25"),
    ("oc3", 7, "ACCOM", "182556", "02 is not a valid code for 2024-25"),
    ("oc3", 40, "ACCOM", "146140", "01 is not a valid code for 2024-25"),
    ("oc3", 25, "ACCOM", "667134", "S1 is not a valid code for 2024-25"),
    ("oc3", 4, "ACTIV", "754697", "must be 0, with ACCOM 0, when IN_TOUCH is DIED or RHOM"),
    ("oc3", 15, "ACTIV", "765054", "must be 0, with ACCOM 0, when IN_TOUCH is DIED or RHOM"),
    ("header", 1, "SEX", "538333", "2 is not a valid code for 2024-25"),
    ("header", 26, "UPN", "474902", "must be 13 characters, like A123456789012, or UN1 to UN5"),
    ("header", 996, "MOTHER", "335857", "1.0 is not a valid code for 2024-25"),
    ("episodes", 1, "DEC", "538333", "must be a date in the form dd/mm/yyyy, like 27/03/2007"),
    ("episodes", 3, "REC", "538333", "the date and reason the episode ceased must both be given, or neither"),
    ("episodes", 10, "DECOM", "475957", "overlaps the episode on row 11"),
    ("uasc", 1, "SEX", "121635", "2 is not a valid code for 2024-25"),
]


def test_known_bad_rows_are_reported_with_the_right_reason(existing) -> None:
    """Invalid OC3 codes (F3, P3, 01, 02, S1), DIED/RHOM with an activity, old SEX codes, a MOTHER code
    that is not on the list, bad UPNs, two-digit-year end dates, half-given endings and real overlaps.

    One preview (it runs the Department's validator, the slow part) is checked for every known bad row;
    the failure lists each one missing."""
    council, _person = existing
    run = services.ssda903_preview(
        acting_user=None, council=council, year=YEAR, files=fixture_files(), background=False
    )
    fields = ("table", "row", "column", "child", "message")
    missing = [dict(zip(fields, bad, strict=True)) for bad in KNOWN_BAD]
    missing = [bad for bad in missing if bad not in run.problems]
    assert not missing, "not reported: " + "; ".join(str(bad) for bad in missing)


def test_the_preview_command_reports_every_bad_row_and_saves_nothing(existing, capsys) -> None:
    """``import_ssda903 --preview`` on the folder: no crash, refused, every file's problems printed, nothing saved."""
    council, person = existing
    before = register_state(person)
    with pytest.raises(CommandError) as refused:
        call_command("import_ssda903", "--council", council.name, "--year", str(YEAR), "--preview", str(FIXTURES))
    match = re.fullmatch(r"Nothing was imported: (\d+) problems \(report: import run (\d+)\)", str(refused.value))
    assert match is not None
    run = ImportRun.objects.get(pk=int(match[2]))
    assert run.status == ImportRun.Status.REJECTED
    assert len(run.problems) == int(match[1]) == run.summary["rejected"]
    assert sorted(run.file_names) == list(FILE_NAMES)
    assert_every_bad_row_reported(run)
    printed = capsys.readouterr().out
    assert f"OC3 (care leavers): {count(run, 'oc3')} problems" in printed
    assert "oc3 row 6 ACTIV: F3 is not a valid code for 2024-25" in printed
    assert "episodes row 1 DEC: must be a date in the form dd/mm/yyyy" in printed
    assert register_state(person) == before


def test_importing_without_preview_saves_nothing_either(existing) -> None:
    """The command without ``--preview`` refuses the whole set: no half-import of the rows that were right."""
    council, person = existing
    before = register_state(person)
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_ssda903", "--council", council.name, "--year", str(YEAR), str(FIXTURES))
    assert register_state(person) == before
    run = ImportRun.objects.get(council=council)
    assert run.status == ImportRun.Status.REJECTED
    assert_every_bad_row_reported(run)


def test_the_service_keeps_the_report_and_refuses_every_commit(existing) -> None:
    """The preview is stored as the run's report and audited; committing or saving it is refused."""
    council, person = existing
    before = register_state(person)
    run = services.ssda903_preview(
        acting_user=None, council=council, year=YEAR, files=fixture_files(), background=False
    )
    stored = ImportRun.objects.get(pk=run.pk)
    assert stored.status == ImportRun.Status.REJECTED
    assert stored.problems == run.problems
    assert_every_bad_row_reported(stored)
    assert stored.summary["people_new"] == stored.summary["episodes_new"] == stored.summary["oc3_new"] == 0
    assert AuditEvent.objects.filter(
        object_type="returns.ImportRun",
        object_id=str(run.pk),
        summary=f"Checked an SSDA903 import for {YEAR}: {len(run.problems)} problems",
    ).exists()
    with pytest.raises(services.ImportNotReady):
        services.ssda903_commit(acting_user=None, run=stored)
    with pytest.raises(services.ImportNotReady):
        services.ssda903_save(acting_user=None, run=stored)
    assert register_state(person) == before
    stored.refresh_from_db()
    assert stored.status == ImportRun.Status.REJECTED


def test_the_upload_page_shows_every_files_problems_and_saves_nothing(
    world, signed_in, django_capture_on_commit_callbacks
) -> None:
    """Uploaded through the page: over 8,000 rows are checked in the background, then each file's problem
    count, OC3 problems visible although the header has over a thousand, no save button, and a forced save
    changes nothing."""
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    before = (YoungPerson.objects.count(), CareEpisode.objects.count(), Contact.objects.count())
    uploads = [
        SimpleUploadedFile(name, text.encode(), content_type="text/csv") for name, text in fixture_files().items()
    ]
    earlier = list(ImportRun.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("returns:import-upload"), {"year": YEAR, "uploads": uploads})
    run = ImportRun.objects.exclude(pk__in=earlier).get(council=a.council)
    assert response["Location"] == reverse("returns:import-detail", kwargs={"pk": run.pk})
    assert sum(len(rows(name)) for name in FILE_NAMES) > settings.ONWARD_BACKGROUND_IMPORT_ROWS
    assert run.status == ImportRun.Status.QUEUED
    for callback in callbacks:
        callback()  # the worker picks the check up
    run.refresh_from_db()
    assert run.status == ImportRun.Status.REJECTED
    assert_every_bad_row_reported(run)
    page = client.get(response["Location"]).content.decode()
    assert "The files have problems" in page
    for label, table in (
        ("Header", "header"),
        ("Episodes", "episodes"),
        ("OC3 (care leavers)", "oc3"),
        ("UASC", "uasc"),
    ):
        assert f"<li>{label}: {count(run, table)}</li>" in page
    assert count(run, "header") > 1000
    assert "F3 is not a valid code for 2024-25" in page
    assert "02 is not a valid code for 2024-25" in page
    assert "The table shows the first 300 problems in each file" in page
    assert "Save the import" not in page
    client.post(reverse("returns:import-commit", kwargs={"pk": run.pk}))
    assert (YoungPerson.objects.count(), CareEpisode.objects.count(), Contact.objects.count()) == before
    run.refresh_from_db()
    assert run.status == ImportRun.Status.REJECTED

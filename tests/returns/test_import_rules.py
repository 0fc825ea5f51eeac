"""SSDA903 imports: the Department's rules in the preview, out-of-scope rows refused, idempotent re-imports,
full folders, file names in any case, encodings and field lengths."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from onward.people.models import AccommodationSpell, Contact, EETSpell, YoungPerson
from onward.returns import services
from onward.returns.models import ImportRun
from tests.returns.test_ssda903 import EPISODES, HEADER, OC3, YEAR
from tests.returns.test_ssda903 import _import as preview


def reasons(run: ImportRun) -> str:
    return " ".join(f"{p['table']} row {p['row']} {p['column']} {p['child']} {p['message']}" for p in run.problems)


@pytest.fixture
def council(db):  # type: ignore[no-untyped-def]
    from tests.factories import CouncilFactory

    return CouncilFactory(name="Fernhill District Council")


# Rows the Department's rules mark out of scope are refused -----------------------------------


@pytest.mark.parametrize(
    ("files", "rule", "child"),
    [
        # A 12-year-old with care leaver information.
        (
            {"header.csv": HEADER + "K12,M,01/10/2012,WBRI,,,\n", "oc3.csv": OC3 + "K12,01/10/2012,YES,F2,U1\n"},
            "391",
            "K12",
        ),
        # 17 in the year and still looked after on the birthday (an open episode).
        (
            {
                "header.csv": HEADER + "L17,M,01/10/2007,WBRI,,,\n",
                "episodes.csv": EPISODES + "L17,01/01/2022,S,C2,N1,U4,PR1,,,,,,\n",
                "oc3.csv": OC3 + "L17,01/10/2007,YES,F2,U1\n",
            },
            "1007",
            "L17",
        ),
        # 18 in the year, care ended on the 18th birthday.
        (
            {
                "header.csv": HEADER + "E18,M,01/10/2006,WBRI,,,\n",
                "episodes.csv": EPISODES + "E18,01/01/2021,S,C2,N1,U4,PR1,01/10/2024,E17,,,,\n",
                "oc3.csv": OC3 + "E18,01/10/2006,YES,F2,U1\n",
            },
            "1016",
            "E18",
        ),
        # With former foster carers around the 17th birthday.
        (
            {"header.csv": HEADER + "Z17,M,01/10/2007,WBRI,,,\n", "oc3.csv": OC3 + "Z17,01/10/2007,YES,F2,Z1\n"},
            "3001",
            "Z17",
        ),
    ],
)
def test_rows_the_departments_rules_put_out_of_scope_are_refused(files, rule, child, council) -> None:  # type: ignore[no-untyped-def]
    run = preview(council, files)
    assert run.status == ImportRun.Status.REJECTED
    assert f"oc3 row 1 IN_TOUCH {child} rule {rule}:" in reasons(run)
    with pytest.raises(services.ImportNotReady):
        services.ssda903_commit(acting_user=None, run=run)
    assert not YoungPerson.objects.filter(council=council).exists()


def test_a_29_february_17th_birthday_is_1_march_so_leaving_on_28_february_is_in_scope(council) -> None:
    files = {
        "header.csv": HEADER + "LEAP,M,29/02/2008,WBRI,,,\n",
        "episodes.csv": EPISODES + "LEAP,01/04/2022,S,C2,N1,U4,PR1,28/02/2025,E13,,,,\n",
        "oc3.csv": OC3 + "LEAP,29/02/2008,YES,F2,U1\n",
    }
    run = preview(council, files)
    assert run.status == ImportRun.Status.PREVIEWED, run.problems
    files["episodes.csv"] = EPISODES + "LEAP,01/04/2022,S,C2,N1,U4,PR1,01/03/2025,E13,,,,\n"
    assert "rule 1016" in reasons(preview(council, files))


# The preview runs the Department's rules -----------------------------------------------------


def test_the_preview_shows_the_departments_errors_beside_onwards_own(council, world, signed_in) -> None:  # type: ignore[no-untyped-def]
    """A postcode of the right form that does not exist passes Onward's checks; the Department's rules find it."""
    from django.urls import reverse

    a = world["A"]
    files = {
        "header.csv": HEADER + "P1,M,01/10/2005,WBRI,A123456789012,,\n",
        "episodes.csv": EPISODES + "P1,01/01/2020,S,C2,N1,U4,PR1,01/06/2022,E13,,ZZ9 9ZZ,SW1A 2AA,1234567\n",
        "oc3.csv": OC3 + "P1,01/10/2005,YES,F2,U1\n",
    }
    run = preview(a.council, files)
    assert run.status == ImportRun.Status.PREVIEWED, run.problems
    department = run.summary["department"]
    assert department["rules_run"] > 100
    assert {e["child"] for e in department["errors"]} == {"P1"}
    assert any(e["code"].startswith("392") or e["code"] in ("164", "169") for e in department["errors"])
    page = signed_in(a.users["performance_officer"]).get(reverse("returns:import-detail", kwargs={"pk": run.pk}))
    text = page.content.decode()
    assert "The Department&#x27;s rules" in text or "The Department's rules" in text
    assert "Errors the Department&#x27;s rules find" in text or "Errors the Department's rules find" in text


# Re-imports ---------------------------------------------------------------------------------------


def test_importing_the_same_files_again_adds_nothing(council) -> None:
    """An OC3 row in touch with an activity and a stay was added again on every import."""
    files = {
        "header.csv": HEADER + "X1,M,01/10/2005,WBRI,,,\n",
        "episodes.csv": EPISODES + "X1,01/01/2020,S,C2,N1,U4,PR1,01/02/2023,E13,,,,\n",
        "oc3.csv": OC3 + "X1,01/10/2005,YES,F2,U1\n",
    }
    services.ssda903_commit(acting_user=None, run=preview(council, files))
    counts = (Contact.objects.count(), EETSpell.objects.count(), AccommodationSpell.objects.count())
    assert counts == (1, 1, 1)
    again = preview(council, files)
    assert again.summary["oc3_new"] == 0 and again.summary["oc3_unchanged"] == 1
    services.ssda903_commit(acting_user=None, run=again)
    assert (Contact.objects.count(), EETSpell.objects.count(), AccommodationSpell.objects.count()) == counts


# Full folders, names, encodings, lengths -------------------------------------------------------


def test_a_full_903_folder_is_accepted_and_the_other_tables_set_aside(council) -> None:
    files = {
        "header.csv": HEADER + "X1,M,01/10/2005,WBRI,,,\n",
        "oc3.csv": OC3 + "X1,01/10/2005,YES,F2,U1\n",
        "reviews.csv": "CHILD,DOB,REVIEW,REVIEW_CODE\n",
        "missing.csv": "CHILD,DOB,MISSING,MIS_START,MIS_END\n",
        "sw_episodes.csv": "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\n",
    }
    run = preview(council, files)
    assert run.status == ImportRun.Status.PREVIEWED, run.problems
    set_aside = [c["detail"] for c in run.changes if c["what"] == services.SET_ASIDE]
    assert set_aside == [
        "missing.csv: the Missing table, which Onward does not hold, was set aside",
        "reviews.csv: the Reviews table, which Onward does not hold, was set aside",
        "sw_episodes.csv: the Social worker episodes table, which Onward does not hold, was set aside",
    ]


def test_the_command_reads_files_named_in_capitals(council, tmp_path) -> None:
    (tmp_path / "HEADER.CSV").write_text(HEADER + "X1,M,01/10/2005,WBRI,,,\n")
    (tmp_path / "Oc3.Csv").write_text(OC3 + "X1,01/10/2005,YES,F2,U1\n")
    out = io.StringIO()
    call_command("import_ssda903", "--council", council.name, "--year", str(YEAR), str(tmp_path), stdout=out)
    person = YoungPerson.objects.get(council=council, child_id="X1")
    assert Contact.objects.filter(person=person).count() == 1
    assert "oc3 new: 1" in out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ((HEADER + "X1,M,01/10/2005,WBRI,,,\n").encode("utf-16"), "is saved as UTF-16: save it as UTF-8"),
        ((HEADER + "X1,M,01/10/2005,WBRI,,,\n").encode("utf-16-le"), "is saved as UTF-16: save it as UTF-8"),
        ((HEADER + "X1,M,01/10/2005,WBRI,,,\n").replace("X1", "Zoë").encode("cp1252"), "is not UTF-8"),
    ],
)
def test_the_command_names_a_file_in_another_encoding(content, message, council, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "header.csv").write_bytes(content)
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 1 files could not be read"):
        call_command("import_ssda903", "--council", council.name, "--year", str(YEAR), str(tmp_path), stdout=out)
    assert f"header.csv: the file {message}" in out.getvalue()
    assert not YoungPerson.objects.filter(council=council).exists()


def test_child_identifiers_and_urns_longer_than_the_register_holds_are_refused(council) -> None:
    long_child = "C" * 21
    run = preview(
        council,
        {
            "header.csv": HEADER + f"{long_child},M,01/10/2005,WBRI,,,\nX2,M,01/10/2005,WBRI,,,\n",
            "episodes.csv": EPISODES + "X2,01/01/2020,S,C2,N1,U4,PR1,01/06/2022,E13,,,,SC12345678\n",
        },
    )
    assert run.status == ImportRun.Status.REJECTED
    assert "header row 1 CHILD " + "C" * 20 + " must be at most 20 characters" in reasons(run)
    assert "episodes row 1 URN X2 must be at most 8 characters" in reasons(run)

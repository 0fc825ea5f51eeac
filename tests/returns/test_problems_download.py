"""Every problem of an import run can be downloaded as CSV, even when the page shows only the first of each file."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from onward.audit.models import AuditEvent
from onward.returns import selectors, services
from onward.returns.models import ImportRun
from tests.returns.test_validator_fake_data import YEAR, fixture_files


def downloaded(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def rejected_run(council) -> ImportRun:  # type: ignore[no-untyped-def]
    """The validator project's dirty test data (over 8,000 rows, thousands of problems), checked for ``council``."""
    return services.ssda903_preview(
        acting_user=None, council=council, year=YEAR, files=fixture_files(), background=False
    )


def test_the_download_holds_every_problem_of_the_run_with_file_row_column_child_and_message(world, signed_in) -> None:
    """The CSV has one row per stored problem, in order, although the page shows only the first 300 per file;
    the page links to it and the download is recorded as an export in the council's audit trail."""
    a = world["A"]
    officer = a.users["performance_officer"]
    client = signed_in(officer)
    run = rejected_run(a.council)
    shown = selectors.problems_to_show(run.problems)
    assert shown.truncated and len(shown.rows) < len(run.problems)

    url = reverse("returns:import-problems-csv", kwargs={"pk": run.pk})
    page = client.get(reverse("returns:import-detail", kwargs={"pk": run.pk})).content.decode()
    assert f'href="{url}"' in page and "Download every problem (CSV)" in page

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = downloaded(response.content)
    assert list(rows[0]) == ["file", "row", "column", "child", "problem"]
    assert len(rows) == len(run.problems)
    assert [(r["file"], int(r["row"]), r["column"], r["child"], r["problem"]) for r in rows] == [
        (p["table"], p["row"], p["column"], p["child"], p["message"]) for p in run.problems
    ]
    assert {r["file"] for r in rows} == {"header", "episodes", "oc3", "uasc"}
    assert AuditEvent.objects.filter(
        council=a.council,
        actor=officer,
        action=AuditEvent.Action.EXPORT,
        object_type="returns.ImportRun",
        object_id=str(run.pk),
        summary=f"Downloaded the {len(run.problems)} problems of an import as CSV",
    ).exists()


def test_a_user_of_another_council_gets_404_and_nothing_is_recorded(world, signed_in) -> None:
    """Council B's performance officer cannot download council A's problems: the run does not exist for them."""
    run = rejected_run(world["A"].council)
    exports_before = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()
    client = signed_in(world["B"].users["performance_officer"])
    response = client.get(reverse("returns:import-problems-csv", kwargs={"pk": run.pk}))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == exports_before


def test_values_from_the_uploaded_files_cannot_run_as_spreadsheet_formulas() -> None:
    """A child ID or message starting with =, +, - or @ is written as text, so opening the file runs nothing."""
    problems = [
        {"table": "header", "row": 3, "column": "CHILD", "child": "=HYPERLINK(1)", "message": "+1 is not valid"},
        {"table": "oc3", "row": 4, "column": "ACTIV", "child": "@x", "message": "-2 is not a valid code"},
        {"table": "uasc", "row": 5, "column": "SEX", "child": "12345", "message": "2 is not a valid code"},
    ]
    rows = downloaded(selectors.problems_csv(problems).encode())
    assert [(r["child"], r["problem"]) for r in rows] == [
        ("'=HYPERLINK(1)", "'+1 is not valid"),
        ("'@x", "'-2 is not a valid code"),
        ("12345", "2 is not a valid code"),
    ]
    assert [r["row"] for r in rows] == ["3", "4", "5"]

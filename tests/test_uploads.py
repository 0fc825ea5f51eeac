"""Uploads are limited in size and rows, checked before they are parsed, and large ones run in the background."""

from __future__ import annotations

import datetime
import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from onward.people.models import EETSpell
from onward.returns.models import ImportRun

MILLION = 1_000_000


def xlsx_with_rows(rows: int, *, declare: bool = True) -> bytes:
    """An XLSX whose one sheet really holds ``rows`` rows of a child identifier (under 300 KB for a million).

    With ``declare=False`` the sheet claims a dimension of A1:A1, so only counting the rows finds them.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        book = Workbook()
        book.active.title = "Items"
        template = io.BytesIO()
        book.save(template)
        with zipfile.ZipFile(io.BytesIO(template.getvalue())) as source:
            for info in source.infolist():
                if info.filename != "xl/worksheets/sheet1.xml":
                    archive.writestr(info, source.read(info.filename))
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            ref = f"A1:A{rows}" if declare else "A1:A1"
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + f'<dimension ref="{ref}"/><sheetData>'.encode()
            )
            row = b'<row><c t="inlineStr"><is><t>X1</t></is></c></row>' * 10_000
            for _ in range(rows // 10_000):
                sheet.write(row)
            sheet.write(b'<row><c t="inlineStr"><is><t>X1</t></is></c></row>' * (rows % 10_000))
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def million_row_xlsx() -> bytes:
    return xlsx_with_rows(MILLION)


def test_a_small_xlsx_of_a_million_rows_is_refused_at_once_by_the_case_system_import(
    world, signed_in, million_row_xlsx
) -> None:
    """About 300 KB holding a million rows: refused from its declared size in well under a second, nothing kept."""
    assert len(million_row_xlsx) < 300_000
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    started = time.perf_counter()
    response = client.post(
        reverse("returns:case-upload"),
        {"mapping": a.mapping.pk, "upload": SimpleUploadedFile("report.xlsx", million_row_xlsx)},
    )
    took = time.perf_counter() - started
    assert response.status_code == 200
    assert "report.xlsx has 999,999 rows: the most Onward reads from one file is 100,000" in response.content.decode()
    assert not ImportRun.objects.filter(kind=ImportRun.Kind.CASE_SYSTEM).exists()
    assert took < 5, f"took {took:.1f} s"


def test_a_small_xlsx_of_a_million_rows_is_refused_at_once_by_the_plan_import(
    world, signed_in, million_row_xlsx
) -> None:
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    items = a.plan.items.count()
    started = time.perf_counter()
    response = client.post(
        reverse("plans:import-into", kwargs={"pk": a.plan.pk}),
        {"upload": SimpleUploadedFile("plan.xlsx", million_row_xlsx)},
    )
    took = time.perf_counter() - started
    assert response.status_code == 200
    assert "The selected file has 999,999 rows" in response.content.decode()
    assert a.plan.items.count() == items
    assert took < 5, f"took {took:.1f} s"


def test_rows_hidden_from_the_declared_dimension_are_counted_and_reading_stops_at_the_limit(
    world, signed_in, settings
) -> None:
    """A sheet that declares one row but holds 50,000 is streamed and refused as soon as it passes the limit."""
    settings.ONWARD_UPLOAD_MAX_ROWS = 1000
    content = xlsx_with_rows(50_000, declare=False)
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    response = client.post(
        reverse("returns:case-upload"), {"mapping": a.mapping.pk, "upload": SimpleUploadedFile("report.xlsx", content)}
    )
    assert response.status_code == 200
    assert "report.xlsx has more than 1,000 rows" in response.content.decode()
    assert not ImportRun.objects.filter(kind=ImportRun.Kind.CASE_SYSTEM).exists()


def test_an_xlsx_that_would_unpack_beyond_the_limit_is_refused_unread(world, signed_in, settings) -> None:
    settings.ONWARD_UPLOAD_MAX_UNZIPPED_MB = 1
    content = xlsx_with_rows(60_000)  # about 2.5 MB of sheet once unpacked
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    response = client.post(
        reverse("returns:case-upload"), {"mapping": a.mapping.pk, "upload": SimpleUploadedFile("report.xlsx", content)}
    )
    assert "report.xlsx is too large once unpacked" in response.content.decode()


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(world, signed_in, settings) -> None:
    settings.ONWARD_UPLOAD_MAX_MB = 1
    runs = ImportRun.objects.count()
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    big = b"Child ID,Activity,Start\n" + b"X1,FE College,01/01/2025\n" * 50_000
    response = client.post(
        reverse("returns:case-upload"), {"mapping": a.mapping.pk, "upload": SimpleUploadedFile("report.csv", big)}
    )
    assert "report.csv must be smaller than 1 MB" in response.content.decode()
    response = client.post(
        reverse("returns:import-upload"), {"year": 2025, "uploads": [SimpleUploadedFile("header.csv", big)]}
    )
    assert "The files together must be smaller than 1 MB" in response.content.decode()
    assert ImportRun.objects.count() == runs


def test_an_ssda903_file_over_the_row_limit_is_refused(world, signed_in, settings) -> None:
    settings.ONWARD_UPLOAD_MAX_ROWS = 10
    client = signed_in(world["A"].users["performance_officer"])
    rows = "".join(f"N{n},M,01/10/2005,WBRI,,,\n" for n in range(11))
    response = client.post(
        reverse("returns:import-upload"),
        {
            "year": 2025,
            "uploads": [SimpleUploadedFile("header.csv", ("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n" + rows).encode())],
        },
    )
    assert "header.csv has more than 10 rows" in response.content.decode()


def test_a_large_case_system_import_is_checked_and_saved_in_the_background(
    world, signed_in, settings, django_capture_on_commit_callbacks
) -> None:
    """Above ONWARD_BACKGROUND_IMPORT_ROWS the preview runs as a task; the page shows progress until it is ready."""
    settings.ONWARD_BACKGROUND_IMPORT_ROWS = 1
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    child = a.person.child_id
    first, second = (timezone.localdate() - datetime.timedelta(days=d) for d in (60, 30))
    csv = (
        f"Child ID,Activity,Start\n{child},further_education,{first:%d/%m/%Y}\n"
        f"{child},employment_full_time,{second:%d/%m/%Y}\n"
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("returns:case-upload"),
            {"mapping": a.mapping.pk, "upload": SimpleUploadedFile("report.csv", csv.encode())},
        )
    run = ImportRun.objects.get(kind=ImportRun.Kind.CASE_SYSTEM)
    assert run.status == ImportRun.Status.QUEUED
    waiting = client.get(response["Location"]).content.decode()
    assert "Checking the files" in waiting
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert len(callbacks) == 1
    callbacks[0]()  # the worker picks the task up
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED, run.problems
    assert run.summary["rows"] == 2
    before = EETSpell.objects.filter(person=a.person).count()
    with django_capture_on_commit_callbacks(execute=True):  # queued when the request commits; run at once here
        client.post(reverse("returns:import-commit", kwargs={"pk": run.pk}))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTED
    assert EETSpell.objects.filter(person=a.person).count() > before

"""The performance officer's return pages: upload, preview, commit, export, check and data quality."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onward.audit.models import AuditEvent
from onward.people.models import YoungPerson
from onward.returns.models import ImportRun
from tests.returns.test_ssda903 import EPISODES, HEADER, OC3, YEAR, leaver


def upload(client, year: int, **files: str):  # type: ignore[no-untyped-def]
    uploads = [SimpleUploadedFile(name, text.encode(), content_type="text/csv") for name, text in files.items()]
    return client.post(reverse("returns:import-upload"), {"year": year, "uploads": uploads})


def test_an_upload_is_previewed_then_saved(world, signed_in) -> None:
    """Uploading checks the files and shows what would change; saving applies it all."""
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    response = upload(
        client,
        YEAR,
        **{"header.csv": HEADER + "N1,F,01/10/2005,WBRI,,,\n", "oc3.csv": OC3 + "N1,01/10/2005,YES,F2,U1\n"},
    )
    run = ImportRun.objects.get(council=a.council, status=ImportRun.Status.PREVIEWED)
    assert response["Location"] == reverse("returns:import-detail", kwargs={"pk": run.pk})
    page = client.get(response["Location"]).content.decode()
    assert "Check what the import will change" in page
    assert "New young person" in page
    assert not YoungPerson.objects.filter(council=a.council, child_id="N1").exists()
    client.post(reverse("returns:import-commit", kwargs={"pk": run.pk}))
    assert YoungPerson.objects.filter(council=a.council, child_id="N1").exists()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTED
    assert AuditEvent.objects.filter(
        object_type="returns.ImportRun", object_id=str(run.pk), action=AuditEvent.Action.CHANGE
    ).exists()


def test_a_bad_upload_lists_every_problem_and_cannot_be_saved(world, signed_in) -> None:
    """Problems are listed by file, row and column; the save button is not offered and a POST saves nothing."""
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    upload(
        client,
        YEAR,
        **{
            "header.csv": HEADER + "B1,Q,01/10/2005,WBRI,,,\n",
            "episodes.csv": EPISODES + "B1,2020-01-01,S,C2,,U4,,,,,,,\n",
        },
    )
    run = ImportRun.objects.get(
        council=a.council, status=ImportRun.Status.REJECTED, file_names=["episodes.csv", "header.csv"]
    )
    page = client.get(reverse("returns:import-detail", kwargs={"pk": run.pk})).content.decode()
    assert "The files have problems" in page
    assert "Q is not a valid code" in page
    assert "must be a date in the form dd/mm/yyyy" in page
    assert "Save the import" not in page
    client.post(reverse("returns:import-commit", kwargs={"pk": run.pk}))
    assert not YoungPerson.objects.filter(child_id="B1").exists()


def test_the_upload_form_explains_missing_and_wrong_files(world, signed_in) -> None:
    """No file, or a file that is not CSV, gets a GOV.UK message."""
    client = signed_in(world["A"].users["performance_officer"])
    content = client.post(reverse("returns:import-upload"), {"year": YEAR}).content.decode()
    assert "Select the CSV files to import" in content
    bad = client.post(
        reverse("returns:import-upload"), {"year": YEAR, "uploads": [SimpleUploadedFile("notes.txt", b"hello")]}
    )
    assert "notes.txt must be a CSV file" in bad.content.decode()


def test_a_preview_can_be_discarded(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    upload(client, YEAR, **{"header.csv": HEADER + "D1,F,01/10/2005,WBRI,,,\n"})
    run = ImportRun.objects.get(council=a.council, status=ImportRun.Status.PREVIEWED)
    client.post(reverse("returns:import-discard", kwargs={"pk": run.pk}))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DISCARDED
    assert run.files == {}


def test_the_export_is_a_zip_of_the_four_files_and_is_audited(world, signed_in) -> None:
    a = world["A"]
    leaver(a.council, a.users["personal_adviser"], child="Z19", age_in_year=19)
    client = signed_in(a.users["performance_officer"])
    response = client.get(reverse("returns:export", kwargs={"year": YEAR}))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["episodes.csv", "header.csv", "oc3.csv", "uasc.csv"]
    assert "Z19," in archive.read("oc3.csv").decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="returns.SSDA903").exists()


def test_the_overview_lists_records_to_fix_with_links(world, signed_in) -> None:
    """A care leaver in touch with no activity around the birthday is listed with a link to record it."""
    a = world["A"]
    person = leaver(a.council, a.users["personal_adviser"], child="Q19", age_in_year=19, activity=None)
    page = signed_in(a.users["performance_officer"]).get(reverse("returns:overview"), {"year": YEAR}).content.decode()
    assert "no activity recorded around their 19th birthday" in page
    assert reverse("people:record-add", kwargs={"pk": person.pk, "kind": "eet"}) in page


def test_the_check_page_runs_the_departments_rules_in_the_background(
    world, signed_in, django_capture_on_commit_callbacks
) -> None:
    a = world["A"]
    leaver(a.council, a.users["personal_adviser"], child="K19", age_in_year=19)
    client = signed_in(a.users["performance_officer"])
    url = reverse("returns:check", kwargs={"year": YEAR})
    page = client.get(url).content.decode()
    assert "Run the check" in page and "No errors" not in page  # nothing runs until asked
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post(url)["Location"] == url
    page = client.get(url).content.decode()
    assert "Waiting to start: 0% done" in page and '<meta http-equiv="refresh" content="2">' in page
    for callback in callbacks:
        callback()  # the worker picks the task up
    page = client.get(url).content.decode()
    assert "No errors" in page and "Run the check again" in page
    assert 'http-equiv="refresh"' not in page


def test_large_imports_run_in_the_background_with_progress(
    world, signed_in, settings, django_capture_on_commit_callbacks
) -> None:
    """Over the size limit, checking and saving run as background tasks; the page shows progress meanwhile."""
    settings.ONWARD_BACKGROUND_IMPORT_ROWS = 1
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    files = {"header.csv": HEADER + "G1,F,01/10/2005,WBRI,,,\nG2,M,01/11/2005,WBRI,,,\n"}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, YEAR, **files)
    run = ImportRun.objects.get(
        council=a.council, file_names=["header.csv"], kind="ssda903", status=ImportRun.Status.QUEUED
    )
    waiting = client.get(response["Location"]).content.decode()
    assert "Checking the files" in waiting
    assert '<meta http-equiv="refresh" content="2">' in waiting
    for callback in callbacks:
        callback()  # the worker picks the task up
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED
    assert run.summary["people_new"] == 2
    with django_capture_on_commit_callbacks(execute=True):  # queued once the request's transaction commits
        client.post(reverse("returns:import-commit", kwargs={"pk": run.pk}))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTED
    assert YoungPerson.objects.filter(council=a.council, child_id__in=["G1", "G2"]).count() == 2

"""The plan spreadsheet import in the core import flow: small files at once, large ones in the
background (checked and saved by the worker, with progress and recovery), all or nothing either way."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_tasks_db.management.commands import db_worker

from onward.audit.models import AuditEvent
from onward.core import imports
from onward.plans.models import Item, Plan, PlanImport, Section
from tests.conftest import sign_in
from tests.plans.test_interchange import NEW_PLAN, _csv, _good_rows, _manager, _post_new
from tests.returns.test_background_recovery import killed_while_running, live_worker


@pytest.fixture
def queue(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """Tasks go to the database queue, as in production, and every file is large enough for the background."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.ONWARD_BACKGROUND_IMPORT_ROWS = 1
    return settings


def _counts() -> tuple[int, int, int]:
    return Plan.objects.count(), Item.objects.count(), Section.objects.count()


def test_a_small_file_is_saved_at_once_and_keeps_no_run(world) -> None:  # type: ignore[no-untyped-def]
    response = _post_new(_manager(world), "plan.csv", _csv(_good_rows(world["A"])))
    plan = Plan.objects.get(title=NEW_PLAN["title"])
    assert response.status_code == 302 and response["Location"] == reverse("plans:plan-detail", kwargs={"pk": plan.pk})
    assert plan.items.count() == 3
    run = PlanImport.objects.get()
    assert (run.status, run.plan, run.committed_at is not None) == (imports.Status.COMMITTED, plan, True)


def test_a_large_file_is_checked_and_saved_by_the_worker(  # type: ignore[no-untyped-def]
    world, queue, django_capture_on_commit_callbacks
) -> None:
    client = _manager(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_new(client, "plan.csv", _csv(_good_rows(world["A"])))
    run = PlanImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plans:import-run", kwargs={"pk": run.pk})
    assert run.status == imports.Status.QUEUED and run.task_id
    assert not Plan.objects.filter(title=NEW_PLAN["title"]).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Checking the spreadsheet" in page and 'http-equiv="refresh"' in page
    live_worker()
    run.refresh_from_db()
    plan = Plan.objects.get(title=NEW_PLAN["title"])
    assert (run.status, run.plan, run.progress) == (imports.Status.COMMITTED, plan, 100)
    assert sorted(plan.items.values_list("reference", flat=True)) == ["1.1", "1.2", "2.1"]
    page = client.get(reverse("plans:import-run", kwargs={"pk": run.pk})).content.decode()
    assert "Spreadsheet imported" in page and "refresh" not in page
    assert AuditEvent.objects.filter(summary__startswith="Imported 3 items").count() == 1


def test_a_bad_file_changes_nothing_at_once_or_in_the_background(  # type: ignore[no-untyped-def]
    world, settings, queue, django_capture_on_commit_callbacks
) -> None:
    rows = _good_rows(world["A"])
    rows[0]["Rating"] = "Purple"
    rows[2]["Item reference"] = "1.1"
    client = _manager(world)
    before = _counts()
    settings.ONWARD_BACKGROUND_IMPORT_ROWS = 5000
    at_once = _post_new(client, "plan.csv", _csv(rows))
    assert at_once.status_code == 200 and "The spreadsheet has 2 problems" in at_once.content.decode()
    assert not PlanImport.objects.exists() and _counts() == before

    settings.ONWARD_BACKGROUND_IMPORT_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("plans:import-into", kwargs={"pk": world["A"].plan.pk}),
            {"upload": SimpleUploadedFile("plan.csv", _csv(rows))},
        )
    live_worker()
    run = PlanImport.objects.get()
    assert run.status == imports.Status.REJECTED
    assert {(p["row"], p["column"]) for p in run.problems} >= {(2, "Rating"), (4, "Item reference")}
    assert _counts() == before
    page = client.get(reverse("plans:import-run", kwargs={"pk": run.pk})).content.decode()
    assert "The spreadsheet has problems" in page and "Nothing has been saved" in page
    assert "Rating" in page and "Item reference" in page


def test_a_killed_worker_is_taken_back_and_a_failed_run_offers_retry_and_discard(  # type: ignore[no-untyped-def]
    world, queue, django_capture_on_commit_callbacks
) -> None:
    client = _manager(world)
    with django_capture_on_commit_callbacks(execute=True):
        _post_new(client, "plan.csv", _csv(_good_rows(world["A"])))
    run = PlanImport.objects.get()
    killed_while_running(run)  # type: ignore[arg-type]
    live_worker()  # takes the task back and runs it again from the start
    run.refresh_from_db()
    assert run.status == imports.Status.COMMITTED
    assert Plan.objects.filter(title=NEW_PLAN["title"]).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        _post_new(client, "again.csv", _csv(_good_rows(world["A"])), title="A second plan")
    second = PlanImport.objects.get(file_name="again.csv")
    imports.fail(PlanImport, second.pk, None, "An error stopped the check (OperationalError). Nothing was saved.")
    page = client.get(reverse("plans:import-run", kwargs={"pk": second.pk})).content.decode()
    assert "Nothing was saved" in page and "Check the spreadsheet again" in page and "Discard it" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("plans:import-run-retry", kwargs={"pk": second.pk}))
    live_worker()
    second.refresh_from_db()
    assert second.status == imports.Status.COMMITTED and second.plan is not None
    assert second.plan.title == "A second plan"


def test_another_councils_import_is_not_found(world) -> None:  # type: ignore[no-untyped-def]
    _post_new(_manager(world), "plan.csv", _csv(_good_rows(world["A"])))
    run = PlanImport.objects.get()
    other = sign_in(Client(), world["B"].users["performance_officer"])
    assert other.get(reverse("plans:import-run", kwargs={"pk": run.pk})).status_code == 404

"""Benchmark files in the core import flow: checked and saved at once when small, by the background
worker above the threshold (with progress, recovery and the next step on the page), all or nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.management.commands import db_worker

from onward.core import imports
from onward.performance import services
from onward.performance.models import BenchmarkSet, BenchmarkValue
from tests.performance.test_benchmarks import GOOD
from tests.returns.test_background_recovery import killed_while_running, live_worker


@pytest.fixture
def queue(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """Tasks go to the database queue, as in production, and every file is large enough for the background."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.ONWARD_BACKGROUND_IMPORT_ROWS = 1
    return settings


def _upload(client, content: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("performance:benchmark-upload"), {"upload": SimpleUploadedFile("sn.csv", content, "text/csv")}
    )


def test_a_small_file_is_checked_and_saved_at_once(world) -> None:  # type: ignore[no-untyped-def]
    council, user = world["A"].council, world["A"].users["performance_officer"]
    previewed = services.benchmark_preview(acting_user=user, council=council, file_name="sn.csv", content=GOOD)
    assert (previewed.status, previewed.task_id) == (BenchmarkSet.Status.PREVIEWED, None)
    saved = services.benchmark_save(acting_user=user, benchmark_set=previewed)
    assert saved.status == BenchmarkSet.Status.SAVED and saved.saved_at is not None
    assert BenchmarkValue.objects.filter(benchmark_set=saved).count() == 6


def test_a_large_file_is_checked_and_saved_by_the_worker(  # type: ignore[no-untyped-def]
    world, signed_in, queue, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(world["A"].users["performance_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, GOOD)
    benchmark_set = BenchmarkSet.objects.get()
    assert benchmark_set.status == BenchmarkSet.Status.QUEUED and benchmark_set.task_id
    page = client.get(reverse("performance:benchmark-detail", args=[benchmark_set.pk])).content.decode()
    assert "Checking the file" in page and 'http-equiv="refresh"' in page and "Save these figures" not in page
    live_worker()
    benchmark_set.refresh_from_db()
    assert benchmark_set.status == BenchmarkSet.Status.PREVIEWED and benchmark_set.summary["values"] == 6
    assert not BenchmarkValue.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("performance:benchmark-save", args=[benchmark_set.pk]))
    benchmark_set.refresh_from_db()
    assert benchmark_set.status == BenchmarkSet.Status.SAVING and not BenchmarkValue.objects.exists()
    page = client.get(reverse("performance:benchmark-detail", args=[benchmark_set.pk])).content.decode()
    assert "Saving the figures" in page
    live_worker()
    benchmark_set.refresh_from_db()
    assert benchmark_set.status == BenchmarkSet.Status.SAVED and benchmark_set.progress == 100
    assert BenchmarkValue.objects.filter(benchmark_set=benchmark_set).count() == 6


def test_a_bad_file_changes_nothing_at_once_or_in_the_background(  # type: ignore[no-untyped-def]
    world, signed_in, settings, queue, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(world["A"].users["performance_officer"])
    council, user = world["A"].council, world["A"].users["performance_officer"]
    with django_capture_on_commit_callbacks(execute=True):
        in_use = services.benchmark_preview(acting_user=user, council=council, file_name="in-use.csv", content=GOOD)
    live_worker()
    in_use.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.benchmark_save(acting_user=user, benchmark_set=in_use)
    live_worker()
    in_use.refresh_from_db()
    assert in_use.status == BenchmarkSet.Status.SAVED
    values = BenchmarkValue.objects.count()

    bad = GOOD + b"2025,E9,Nine,region,eet_19_21,x\n2025,E8,Eight,region,eet_99,50\n"
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, bad)
    live_worker()
    rejected = BenchmarkSet.objects.latest("pk")
    assert rejected.status == BenchmarkSet.Status.REJECTED
    assert [(p["row"], p["column"]) for p in rejected.problems] == [(8, "value"), (9, "indicator")]
    with pytest.raises(services.BenchmarkNotReady):
        services.benchmark_save(acting_user=user, benchmark_set=rejected)
    settings.ONWARD_BACKGROUND_IMPORT_ROWS = 5000
    at_once = services.benchmark_preview(acting_user=user, council=council, file_name="bad.csv", content=bad)
    assert at_once.status == BenchmarkSet.Status.REJECTED and len(at_once.problems) == 2
    in_use.refresh_from_db()
    assert in_use.status == BenchmarkSet.Status.SAVED and BenchmarkValue.objects.count() == values


def test_a_killed_save_is_taken_back_and_a_failed_check_offers_retry(  # type: ignore[no-untyped-def]
    world, signed_in, queue, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(world["A"].users["performance_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, GOOD)
    benchmark_set = BenchmarkSet.objects.get()
    live_worker()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("performance:benchmark-save", args=[benchmark_set.pk]))
    killed_while_running(benchmark_set)  # type: ignore[arg-type]
    live_worker()  # takes the save back and runs it again from the start: saved once
    benchmark_set.refresh_from_db()
    assert benchmark_set.status == BenchmarkSet.Status.SAVED
    assert BenchmarkValue.objects.count() == 6

    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, GOOD)
    second = BenchmarkSet.objects.latest("pk")
    imports.fail(BenchmarkSet, second.pk, None, "An error stopped the check (OperationalError). Nothing was saved.")
    page = client.get(reverse("performance:benchmark-detail", args=[second.pk])).content.decode()
    assert "Nothing was saved" in page and "Check the file again" in page and "Discard it" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("performance:benchmark-retry", args=[second.pk]))
    live_worker()
    second.refresh_from_db()
    assert second.status == BenchmarkSet.Status.PREVIEWED


def test_a_failed_benchmark_run_shows_on_the_background_work_page(  # type: ignore[no-untyped-def]
    world, signed_in, queue, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(world["A"].users["performance_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, GOOD)
    benchmark_set = BenchmarkSet.objects.get()
    imports.fail(
        BenchmarkSet, benchmark_set.pk, None, "An error stopped the check (OperationalError). Nothing was saved."
    )
    page = signed_in(world["A"].users["administrator"]).get(reverse("returns:background-work")).content.decode()
    assert "Other imports in the background" in page and "Benchmark file" in page
    assert "An error stopped the check (OperationalError)" in page
    other = signed_in(world["B"].users["administrator"]).get(reverse("returns:background-work")).content.decode()
    assert "Benchmark file" not in other

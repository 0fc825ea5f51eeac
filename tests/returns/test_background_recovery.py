"""Background imports recover: a killed worker's task is taken back by a live worker and run again from
the start, up to a limit, then failed with the reason on the page; the page always offers a next step."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from onward.core import tasks as leases
from onward.core.management.commands.db_worker import LeasedWorker
from onward.core.models import TaskLease
from onward.people.models import YoungPerson
from onward.returns.models import ImportRun, ReturnCheck
from tests.returns.test_pages import upload
from tests.returns.test_ssda903 import HEADER, YEAR, leaver

FILES = {"header.csv": HEADER + "R1,F,01/10/2005,WBRI,,,\nR2,M,01/11/2005,WBRI,,,\n"}


@pytest.fixture
def queue(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """Tasks go to the database queue, as in production; every file is large enough for the background.
    (The worker closes its connection between tasks: here that would close the test's transaction.)"""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.ONWARD_BACKGROUND_IMPORT_ROWS = 1
    settings.ONWARD_TASK_MAX_ATTEMPTS = 3
    return settings


def live_worker() -> None:
    """A worker that runs every task ready now (taking back expired ones first), then stops."""
    LeasedWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="live-worker",
        excluded_queue_names=[],
    ).run()


def killed_while_running(
    run: ImportRun | ReturnCheck, worker: str = "killed-worker", *, lease: bool = True
) -> DBTaskResult:
    """What a worker killed in the middle of the run's task leaves: the row RUNNING, claimed by it, with a
    lease that ran out (or none, if it died before taking one)."""
    run.refresh_from_db()
    row = DBTaskResult.objects.get(pk=run.task_id)
    row.claim(worker)
    past = timezone.now() - datetime.timedelta(seconds=leases.lease_seconds() + 5)
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=past)
    if lease:
        TaskLease.objects.create(task_id=row.pk, worker_id=worker, expires_at=past, renewed_at=past)
    return row


def start_large_import(client, django_capture_on_commit_callbacks) -> ImportRun:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, YEAR, **FILES)
    run = ImportRun.objects.filter(file_names=["header.csv"]).latest("pk")
    assert run.status == ImportRun.Status.QUEUED and run.task_id
    return run


def test_a_killed_workers_check_is_taken_back_and_finishes(
    world, signed_in, queue, django_capture_on_commit_callbacks
) -> None:
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    run = start_large_import(client, django_capture_on_commit_callbacks)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.CHECKING, progress=10)
    killed_while_running(run)

    page = client.get(reverse("returns:import-detail", kwargs={"pk": run.pk})).content.decode()
    assert "The background worker working on this import stopped" in page
    assert "Check the files again" in page and "Discard it" in page
    assert 'http-equiv="refresh"' not in page  # it does not wait forever

    live_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED
    row = DBTaskResult.objects.get(pk=run.task_id)
    assert row.status == "SUCCESSFUL"
    assert row.worker_ids == ["killed-worker", "live-worker"]
    assert not TaskLease.objects.exists()  # released when done


def test_a_killed_workers_save_is_retried_in_one_transaction_and_nothing_is_duplicated(
    world, signed_in, queue, django_capture_on_commit_callbacks
) -> None:
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    run = start_large_import(client, django_capture_on_commit_callbacks)
    live_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("returns:import-commit", kwargs={"pk": run.pk}))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SAVING
    page = client.get(reverse("returns:import-detail", kwargs={"pk": run.pk})).content.decode()
    assert 'http-equiv="refresh"' in page  # a save under way: wait
    assert "Discard it" not in page  # never discarded while it may be committing
    killed_while_running(run, lease=False)  # died even before taking its lease

    live_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTED
    assert YoungPerson.objects.filter(council=a.council, child_id__in=["R1", "R2"]).count() == 2

    # Killed after its transaction committed but before the queue heard: the retry saves nothing twice.
    row = DBTaskResult.objects.get(pk=run.task_id)
    DBTaskResult.objects.filter(pk=row.pk).update(status="READY")
    live_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTED
    assert YoungPerson.objects.filter(council=a.council, child_id__in=["R1", "R2"]).count() == 2


def test_after_the_retry_limit_the_import_fails_with_the_reason_shown(
    world, signed_in, queue, django_capture_on_commit_callbacks
) -> None:
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    run = start_large_import(client, django_capture_on_commit_callbacks)
    killed_while_running(run, "first")
    assert [t.retried for t in leases.take_back_expired()] == [True]
    killed_while_running(run, "second")
    assert [t.retried for t in leases.take_back_expired()] == [True]
    killed_while_running(run, "third")
    taken = leases.take_back_expired()
    assert [(t.attempts, t.retried) for t in taken] == [(3, False)]

    row = DBTaskResult.objects.get(pk=run.task_id)
    assert row.status == "FAILED"
    assert row.exception_class_path == "onward.core.tasks.TaskAbandoned"
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.failure == leases.abandoned_reason(3)
    page = client.get(reverse("returns:import-detail", kwargs={"pk": run.pk})).content.decode()
    assert "stopped before finishing, 3 times in a row" in page
    assert "Check the files again" in page and "Discard it" in page
    assert not YoungPerson.objects.filter(child_id__in=["R1", "R2"]).exists()


def test_retry_checks_the_files_again_and_supersedes_the_old_task(
    world, signed_in, queue, django_capture_on_commit_callbacks
) -> None:
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    run = start_large_import(client, django_capture_on_commit_callbacks)
    old_task = run.task_id
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.FAILED, failure="An error stopped the check")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("returns:import-retry", kwargs={"pk": run.pk}))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.QUEUED and run.failure == "" and run.task_id != old_task
    live_worker()  # runs both: the old task finds itself superseded and does nothing
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
    assert ImportRun.objects.get(pk=run.pk).problems == []


def test_retry_is_refused_while_the_work_is_moving(world, signed_in, queue, django_capture_on_commit_callbacks) -> None:
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    run = start_large_import(client, django_capture_on_commit_callbacks)
    client.post(reverse("returns:import-retry", kwargs={"pk": run.pk}))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.QUEUED and DBTaskResult.objects.count() == 1


def test_discard_a_stuck_import_and_its_task_does_nothing(
    world, signed_in, queue, django_capture_on_commit_callbacks
) -> None:
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    run = start_large_import(client, django_capture_on_commit_callbacks)
    response = client.post(reverse("returns:import-discard", kwargs={"pk": run.pk}))
    assert response["Location"] == reverse("returns:overview")
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DISCARDED and run.files == {}
    live_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DISCARDED
    assert not YoungPerson.objects.filter(child_id__in=["R1", "R2"]).exists()


def test_a_task_no_worker_takes_up_is_stuck_on_the_operators_page_and_in_healthz(
    world, signed_in, queue, client, django_capture_on_commit_callbacks
) -> None:
    a = world["A"]
    officer = signed_in(a.users["performance_officer"])
    run = start_large_import(officer, django_capture_on_commit_callbacks)
    health = json.loads(client.get("/healthz").content)
    assert health["tasks"] == {"status": "ok", "waiting": 1, "running": 0, "stuck": 0}

    long_ago = timezone.now() - datetime.timedelta(seconds=leases.stuck_seconds() + 1)
    DBTaskResult.objects.filter(pk=run.task_id).update(enqueued_at=long_ago)
    health = json.loads(client.get("/healthz").content)
    assert health["status"] == "ok"
    assert health["tasks"] == {"status": "stuck", "waiting": 1, "running": 0, "stuck": 1}

    admin = signed_in(a.users["administrator"])
    page = admin.get(reverse("returns:background-work")).content.decode()
    assert "1 piece of work stuck" in page
    assert "Stuck: no worker is taking it" in page
    assert "header.csv" in page
    other = signed_in(world["B"].users["administrator"]).get(reverse("returns:background-work")).content.decode()
    assert "header.csv" not in other and "No import has been run in the background" in other

    officer = signed_in(a.users["performance_officer"])
    page = officer.get(reverse("returns:import-detail", kwargs={"pk": run.pk})).content.decode()
    assert "No background worker has taken this import up" in page
    assert "Check the files again" in page


def test_a_live_workers_lease_is_renewed_and_never_taken_back(db, settings) -> None:
    settings.ONWARD_TASK_LEASE_SECONDS = 30
    row = DBTaskResult.objects.create(
        args_kwargs={"args": [0], "kwargs": {}},
        task_path="onward.returns.tasks.preview_import",
        backend_name="default",
        run_after=timezone.now(),
    )
    row.claim("alive")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - datetime.timedelta(hours=1))
    leases.take_lease(row.pk, "alive")
    TaskLease.objects.filter(pk=row.pk).update(expires_at=timezone.now() + datetime.timedelta(seconds=1))
    keeper = leases.LeaseKeeper("alive")
    keeper.running(row.pk)
    keeper.tick()  # renews: thirty seconds from now
    lease = TaskLease.objects.get(pk=row.pk)
    assert lease.expires_at > timezone.now() + datetime.timedelta(seconds=25)
    assert leases.take_back_expired() == []
    assert DBTaskResult.objects.get(pk=row.pk).status == "RUNNING"
    assert not leases.renew_lease(row.pk, "another")  # only its own worker renews it
    leases.release_lease(row.pk, "alive")
    assert not TaskLease.objects.exists()


def test_a_return_check_is_taken_back_from_a_killed_worker_and_fails_after_the_limit(
    world, signed_in, queue, django_capture_on_commit_callbacks
) -> None:
    a = world["A"]
    leaver(a.council, a.users["personal_adviser"], child="K21", age_in_year=19)
    client = signed_in(a.users["performance_officer"])
    url = reverse("returns:check", kwargs={"year": YEAR})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    check = ReturnCheck.objects.get(council=a.council)
    killed_while_running(check)
    page = client.get(url).content.decode()
    assert "The background worker running this check stopped" in page and "Run the check again" in page
    live_worker()
    check.refresh_from_db()
    assert check.status == ReturnCheck.Status.DONE and check.oc3_count == 1
    assert DBTaskResult.objects.get(pk=check.task_id).worker_ids == ["killed-worker", "live-worker"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)  # again: and this time every worker that takes it stops
    check = ReturnCheck.objects.filter(council=a.council).first()
    assert check is not None and check.status == ReturnCheck.Status.QUEUED
    for worker in ("first", "second", "third"):
        killed_while_running(check, worker)
        leases.take_back_expired()
    check.refresh_from_db()
    assert check.status == ReturnCheck.Status.FAILED and check.failure == leases.abandoned_reason(3)
    page = client.get(url).content.decode()
    assert "stopped before finishing, 3 times in a row" in page and "Run the check again" in page
    admin = signed_in(a.users["administrator"])
    page = admin.get(reverse("returns:background-work")).content.decode()
    assert "Checks of the return with the Department" in page and "stopped before finishing, 3 times" in page


def test_a_worker_outlives_the_database_going_away(
    world, signed_in, queue, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    """The library's worker stops at the first database error, so a database restart would leave no
    worker: Onward's waits, tries again, and runs the work once the database answers."""
    from django.db import OperationalError

    from onward.core.management.commands import db_worker as onward_worker

    client = signed_in(world["A"].users["performance_officer"])
    run = start_large_import(client, django_capture_on_commit_callbacks)
    real_get_locked = type(DBTaskResult.objects.ready()).get_locked
    refusals = []

    def database_down_twice(self):  # type: ignore[no-untyped-def]
        if len(refusals) < 2:
            refusals.append(1)
            raise OperationalError("the database system is shutting down")
        return real_get_locked(self)

    monkeypatch.setattr(type(DBTaskResult.objects.ready()), "get_locked", database_down_twice)
    monkeypatch.setattr(onward_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(onward_worker, "RETRY_SECONDS", 0)
    live_worker()
    run.refresh_from_db()
    assert len(refusals) == 2
    assert run.status == ImportRun.Status.PREVIEWED
    assert DBTaskResult.objects.get(pk=run.task_id).status == "SUCCESSFUL"


def test_a_worker_told_to_stop_while_the_database_is_down_stops(db, monkeypatch) -> None:
    """Waiting for the database does not keep a worker that was told to stop (SIGTERM) running."""
    from django.db import OperationalError

    from onward.core.management.commands import db_worker as onward_worker

    worker = LeasedWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="stopping-worker",
        excluded_queue_names=[],
    )

    def down(self):  # type: ignore[no-untyped-def]
        worker.running = False  # as the library's SIGTERM handler does
        raise OperationalError("connection refused")

    monkeypatch.setattr(type(DBTaskResult.objects.ready()), "get_locked", down)
    monkeypatch.setattr(onward_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(onward_worker, "RETRY_SECONDS", 0)
    worker.run()  # returns instead of trying again for ever
    assert worker.running is False

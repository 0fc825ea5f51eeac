"""Background work for large imports, run by `python manage.py db_worker` (django-tasks, with leases).

Each task is handed the run and a token. Only the task whose token the run holds works on it: a task
that was superseded (the run was retried, or discarded) returns without doing anything. A worker that
is killed leaves its task to be taken back and run again from the start (``onward.core.tasks``); that
is safe because each check and each save is one transaction, and a save finds a run already saved.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django_tasks import task
from django_tasks.base import Task
from django_tasks.signals import task_finished

from onward.accounts.models import User
from onward.core import import_tasks, imports
from onward.core import tasks as leases
from onward.core.logging import error_class, error_outline
from onward.returns import services
from onward.returns.models import ImportRun, ReturnCheck


class ImportFailed(Exception):
    """A background import failed. It names the files and the cause's class and place, never its message:
    the worker logs and keeps a failed task's error, and a database error's message quotes the files."""


def _failed(run_id: int, doing: str, error: Exception) -> ImportFailed:
    files = ImportRun.objects.filter(pk=run_id).values_list("files", flat=True).first() or {}
    sizes = ", ".join(f"{name} ({len(text):,} characters)" for name, text in files.items()) or "no files"
    return ImportFailed(
        f"Import run {run_id} ({sizes}) failed while {doing}: {error_class(error)}\n{error_outline(error)}"
    )


def _fail(run_id: int, token: str | None, reason: str) -> None:
    """Mark the run failed with a reason for its page, unless it moved on (saved, discarded, retried)."""
    imports.fail(ImportRun, run_id, token, reason)


def _error_reason(doing: str, error: Exception) -> str:
    return f"An error stopped the {doing} ({type(error).__name__}). Nothing was saved."


def _current(run_id: int, token: str | None, *statuses: str) -> ImportRun | None:
    """The run if this task is still the one working on it and it is in one of the statuses."""
    run = ImportRun.objects.select_related("council", "created_by", "mapping").filter(pk=run_id).first()
    if run is None or run.status not in statuses:
        return None
    if token is not None and str(run.task_token) != token:
        return None
    return run


def start(run: ImportRun | ReturnCheck, work: Task[Any, Any], *args: Any) -> None:
    """Queue ``work`` for the run or check (``core.import_tasks.start``)."""
    import_tasks.start(run, work, *args)


@task()
def preview_import(run_id: int, token: str | None = None) -> None:
    run = _current(run_id, token, ImportRun.Status.QUEUED, ImportRun.Status.CHECKING)
    if run is None:
        return
    try:
        services.ssda903_check(run=run)
    except Exception as error:
        _fail(run_id, token, _error_reason("check", error))
        raise _failed(run_id, "checking", error) from None


@task()
def commit_import(run_id: int, token: str | None = None, user_id: int | None = None) -> None:
    run = _current(run_id, token, ImportRun.Status.SAVING)
    if run is None:  # saved already (by an attempt whose worker stopped just after), discarded or superseded
        return
    user = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        services.ssda903_commit(acting_user=user, run=run)
    except services.ImportNotReady:
        ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.SAVING).update(status=ImportRun.Status.REJECTED)
    except Exception as error:
        _fail(run_id, token, _error_reason("save", error))
        raise _failed(run_id, "saving", error) from None


@task()
def preview_case_import(run_id: int, token: str | None = None) -> None:
    """Check a large case-system export (``services.case_check``) away from the request."""
    run = _current(run_id, token, ImportRun.Status.QUEUED, ImportRun.Status.CHECKING)
    if run is None:
        return
    try:
        services.case_check(run=run)
    except Exception as error:
        _fail(run_id, token, _error_reason("check", error))
        raise _failed(run_id, "checking", error) from None


@task()
def commit_case_import(run_id: int, token: str | None = None, user_id: int | None = None) -> None:
    """Save a large previewed case-system export (``services.case_commit``) away from the request."""
    run = _current(run_id, token, ImportRun.Status.SAVING)
    if run is None:
        return
    user = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        services.case_commit(acting_user=user, run=run)
    except services.ImportNotReady:
        ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.SAVING).update(status=ImportRun.Status.REJECTED)
    except Exception as error:
        _fail(run_id, token, _error_reason("save", error))
        raise _failed(run_id, "saving", error) from None


@task()
def check_return(check_id: int, token: str | None = None) -> None:
    """Run the Department's rules over a council's return (``services.return_check_run``)."""
    check = ReturnCheck.objects.select_related("council").filter(pk=check_id, status__in=ReturnCheck.BUSY).first()
    if check is None or (token is not None and str(check.task_token) != token):
        return
    try:
        services.return_check_run(check=check)
    except Exception as error:
        _fail_check(check_id, token, f"An error stopped the check ({type(error).__name__}).")
        raise ImportFailed(f"Return check {check_id} failed: {error_class(error)}\n{error_outline(error)}") from None


def _fail_check(check_id: int, token: str | None, reason: str) -> None:
    checks = ReturnCheck.objects.filter(pk=check_id, status__in=ReturnCheck.BUSY)
    if token is not None:
        checks = checks.filter(task_token=token)
    checks.update(status=ReturnCheck.Status.FAILED, failure=reason[:2000])


IMPORT_TASKS = {t.module_path for t in (preview_import, commit_import, preview_case_import, commit_case_import)}


@receiver(task_finished, dispatch_uid="returns-import-task-finished")
def _task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """A task the worker gave up on (its workers kept stopping) fails its run or check, with the reason."""
    path = task_result.task.module_path
    if (path not in IMPORT_TASKS and path != check_return.module_path) or task_result.status != "FAILED":
        return
    abandoned = f"{leases.TaskAbandoned.__module__}.{leases.TaskAbandoned.__qualname__}"
    if not any(error.exception_class_path == abandoned for error in task_result.errors):
        return
    record_id, token = [*task_result.args, None, None][:2]
    fail = _fail_check if path == check_return.module_path else _fail
    fail(int(record_id), token, leases.abandoned_reason(len(task_result.worker_ids)))

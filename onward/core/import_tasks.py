"""The background tasks of the import flow (``onward.core.imports``), run by ``manage.py db_worker``.

Each task is handed the run, a token and the kind of import. Only the task whose token the run holds
works on it: a task that was superseded (the run was retried, or discarded) returns without doing
anything. A worker that is killed leaves its task to be taken back and run again from the start
(``onward.core.tasks``, ADR 0018); that is safe because each check and each save is one transaction,
and a save finds a run already saved.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django_tasks import task
from django_tasks.base import Task
from django_tasks.signals import task_finished

from onward.core import imports
from onward.core import tasks as leases
from onward.core.logging import error_class, error_outline


class ImportFailed(Exception):
    """A background import failed. It names the run and the cause's class and place, never its message:
    the worker logs and keeps a failed task's error, and a database error's message quotes the file."""


def start(run: Any, work: Task[Any, Any], *args: Any) -> None:
    """Queue ``work`` for the run (after the current transaction commits), superseding any task
    queued for it before, and record which task it is."""
    token = uuid.uuid4()
    model = type(run)
    model.objects.filter(pk=run.pk).update(task_token=token, task_id=None, failure="")
    run.task_token, run.task_id, run.failure = token, None, ""

    def enqueue() -> None:
        result = work.enqueue(run.pk, str(token), *args)
        model.objects.filter(pk=run.pk, task_token=token).update(task_id=result.id)

    transaction.on_commit(enqueue)


def error_reason(doing: str, error: Exception) -> str:
    return f"An error stopped the {doing} ({type(error).__name__}). Nothing was saved."


def current(model: Any, run_id: int, token: str | None, *statuses: str) -> Any:
    """The run if this task is still the one working on it and it is in one of the statuses."""
    run = model.objects.filter(pk=run_id).first()
    if run is None or run.status not in statuses:
        return None
    if token is not None and str(run.task_token) != token:
        return None
    return run


def failed(kind: str, run_id: int, doing: str, error: Exception) -> ImportFailed:
    return ImportFailed(
        f"{kind} import run {run_id} failed while {doing}: {error_class(error)}\n{error_outline(error)}"
    )


@task()
def check_import(run_id: int, token: str | None, kind: str) -> None:
    """Check a large upload (and, for a kind saved in one step, save it) away from the request."""
    handler = imports.kind_named(kind)
    run = current(handler.model, run_id, token, imports.Status.QUEUED, imports.Status.CHECKING)
    if run is None:
        return
    try:
        handler.run_check(run)
    except Exception as error:
        imports.fail(handler.model, run_id, token, error_reason("check", error))
        raise failed(kind, run_id, "checking", error) from None


@task()
def commit_import(run_id: int, token: str | None, kind: str, user_id: int | None = None) -> None:
    """Save a large previewed upload away from the request."""
    from onward.accounts.models import User

    handler = imports.kind_named(kind)
    run = current(handler.model, run_id, token, imports.Status.SAVING)
    if run is None:  # saved already (by an attempt whose worker stopped just after), discarded or superseded
        return
    user = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        handler.run_commit(run, user)
    except imports.ImportNotReady:
        return  # the run says why (rejected with its problems)
    except Exception as error:
        imports.fail(handler.model, run_id, token, error_reason("save", error))
        raise failed(kind, run_id, "saving", error) from None


TASKS = {check_import.module_path, commit_import.module_path}


@receiver(task_finished, dispatch_uid="core-import-task-finished")
def _task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """A task the worker gave up on (its workers kept stopping) fails its run, with the reason."""
    if task_result.task.module_path not in TASKS or task_result.status != "FAILED":
        return
    abandoned = f"{leases.TaskAbandoned.__module__}.{leases.TaskAbandoned.__qualname__}"
    if not any(error.exception_class_path == abandoned for error in task_result.errors):
        return
    run_id, token, kind = [*task_result.args, None, None, None][:3]
    try:
        handler = imports.kind_named(str(kind))
    except KeyError:
        return
    imports.fail(handler.model, int(run_id), token, leases.abandoned_reason(len(task_result.worker_ids)))

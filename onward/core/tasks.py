"""Leases for background tasks: a task whose worker died is taken back and run again, up to a limit.

django-tasks-db's worker (``manage.py db_worker``) claims a task by marking its row ``RUNNING`` and
appends its id to ``worker_ids``; if the worker is killed, the row stays ``RUNNING`` for good and no
worker ever looks at it again. This module is the smallest layer over it (ADR 0018):

- while a worker runs a task it holds a :class:`TaskLease` on it, which a thread of the worker
  renews every ``ONWARD_TASK_LEASE_RENEW_SECONDS``; the lease runs for ``ONWARD_TASK_LEASE_SECONDS``;
- the same thread, in every live worker, looks for ``RUNNING`` tasks whose lease has run out (or
  that never got one) and takes them back: to ``READY``, to be run again from the start, while
  they have been claimed fewer than ``ONWARD_TASK_MAX_ATTEMPTS`` times (``worker_ids`` counts the
  claims), and otherwise to ``FAILED`` with the reason, announced with django-tasks'
  ``task_finished`` signal so the work's own record (an import run) can say so on its page.

Tasks must therefore be safe to run again from the start: each import is one transaction, and a
task that finds its work already done (or discarded) returns without doing it twice.
"""

from __future__ import annotations

import datetime
import logging
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, models, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from onward.core.models import TaskLease

logger = logging.getLogger(__name__)


class TaskAbandoned(Exception):
    """Recorded as the error of a task that was taken back too often: its workers kept stopping."""


def lease_seconds() -> float:
    return float(settings.ONWARD_TASK_LEASE_SECONDS)


def _now() -> datetime.datetime:
    return timezone.now()


def take_lease(task_id: Any, worker_id: str) -> None:
    now = _now()
    TaskLease.objects.update_or_create(
        task_id=task_id,
        defaults={
            "worker_id": worker_id,
            "expires_at": now + datetime.timedelta(seconds=lease_seconds()),
            "renewed_at": now,
        },
    )


def renew_lease(task_id: Any, worker_id: str) -> bool:
    """Extend the lease; False if it is no longer this worker's (it was taken back)."""
    now = _now()
    return bool(
        TaskLease.objects.filter(task_id=task_id, worker_id=worker_id).update(
            expires_at=now + datetime.timedelta(seconds=lease_seconds()), renewed_at=now
        )
    )


def release_lease(task_id: Any, worker_id: str) -> None:
    TaskLease.objects.filter(task_id=task_id, worker_id=worker_id).delete()


def _expired_running() -> Any:
    """RUNNING task rows whose lease has run out, or that have had none for a whole lease."""
    from django_tasks_db.models import DBTaskResult

    now = _now()
    expired = TaskLease.objects.filter(expires_at__lt=now).values("task_id")
    leased = TaskLease.objects.values("task_id")
    grace = now - datetime.timedelta(seconds=lease_seconds())
    return DBTaskResult.objects.running().filter(
        models.Q(id__in=expired) | (~models.Q(id__in=leased) & models.Q(started_at__lt=grace))
    )


@dataclass(frozen=True)
class TakenBack:
    task_id: str
    task_path: str
    attempts: int
    retried: bool


def take_back_expired() -> list[TakenBack]:
    """Return every task whose worker stopped renewing its lease to the queue, or fail it for good
    once it has been tried ``ONWARD_TASK_MAX_ATTEMPTS`` times. Safe to run from many workers at once:
    each row is locked (``skip_locked``) by the one that handles it."""
    from django_tasks_db.models import DBTaskResult

    done: list[TakenBack] = []
    limit = int(settings.ONWARD_TASK_MAX_ATTEMPTS)
    failed: list[DBTaskResult[Any, Any]] = []
    with transaction.atomic():
        for row in _expired_running().select_for_update(skip_locked=True):
            attempts = len(row.worker_ids or [])
            TaskLease.objects.filter(task_id=row.id).delete()
            if attempts < limit:
                DBTaskResult.objects.filter(pk=row.pk).update(status="READY")
                logger.warning(
                    "Task id=%s path=%s: its worker stopped (attempt %d of %d); queued to run again",
                    row.id,
                    row.task_path,
                    attempts,
                    limit,
                )
            else:
                row.set_failed(TaskAbandoned(abandoned_reason(attempts)))
                failed.append(row)
                logger.error("Task id=%s path=%s: its worker stopped %d times; failed", row.id, row.task_path, attempts)
            done.append(TakenBack(str(row.id), row.task_path, attempts, attempts < limit))
    for row in failed:
        _announce_finished(row)
    return done


def abandoned_reason(attempts: int) -> str:
    return (
        f"The background worker stopped before finishing, {attempts} times in a row "
        f"(each time nothing was saved). It was not tried again."
    )


def _announce_finished(row: Any) -> None:
    from django_tasks.signals import task_finished

    try:
        result = row.task_result
        sender = type(row.task.get_backend())
    except Exception:  # the task's code is gone: nothing to tell
        logger.exception("Task id=%s failed and could not be announced", row.id)
        return
    task_finished.send(sender=sender, task_result=result)


class LeaseKeeper(threading.Thread):
    """A worker's second thread: renews the lease on the task it is running, and takes back tasks
    whose workers have stopped. It has its own database connection."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"lease-keeper-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.current: uuid.UUID | str | None = None
        self._lock = threading.Lock()
        self._stop_event = threading.Event()

    def running(self, task_id: uuid.UUID | str | None) -> None:
        with self._lock:
            self.current = task_id

    def stop(self) -> None:
        self._stop_event.set()

    def tick(self) -> None:
        with self._lock:
            current = self.current
        try:
            if current is not None and not renew_lease(current, self.worker_id):
                logger.warning("Task id=%s: this worker's lease was taken back", current)
            take_back_expired()
        except DatabaseError:
            logger.warning("Lease keeper: the database did not answer; trying again", exc_info=True)
            close_old_connections()

    def run(self) -> None:
        interval = float(settings.ONWARD_TASK_LEASE_RENEW_SECONDS)
        try:
            while not self._stop_event.wait(interval):
                self.tick()
        finally:
            connection.close()


@dataclass(frozen=True)
class TaskState:
    """What the queue says of a piece of background work, for its page and the operators' page."""

    status: str  # READY, RUNNING, SUCCESSFUL or FAILED; "" when the queue holds no such task
    attempts: int
    stuck: bool
    waiting_since: datetime.datetime | None

    @property
    def label(self) -> str:
        if self.stuck:
            return "Stuck: no worker is taking it" if self.status in ("", "READY") else "Stuck: its worker stopped"
        return {
            "READY": "Waiting for a worker",
            "RUNNING": "Running",
            "SUCCESSFUL": "Finished",
            "FAILED": "Failed",
        }.get(self.status, "Not queued")


def stuck_seconds() -> float:
    return float(settings.ONWARD_TASK_STUCK_SECONDS)


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def task_states(work: dict[Any, tuple[Any, datetime.datetime]]) -> dict[Any, TaskState]:
    """The state of each piece of busy work, keyed as given: ``{key: (task id or None, busy since)}``.

    Work is stuck when nothing has moved it for ``ONWARD_TASK_STUCK_SECONDS``: its task waits that
    long for a worker, or its worker's lease ran out and no live worker took it back, or no task
    was ever queued for it. One query for the tasks and one for their leases.
    """
    from django_tasks_db.models import DBTaskResult

    now = _now()
    ids = {str(task_id) for task_id, _ in work.values() if task_id is not None and _is_uuid(task_id)}
    rows = {
        str(row["id"]): row
        for row in DBTaskResult.objects.filter(id__in=ids).values(
            "id", "status", "worker_ids", "started_at", "enqueued_at"
        )
    }
    leases = {str(lease.task_id): lease for lease in TaskLease.objects.filter(task_id__in=ids)}
    stale = now - datetime.timedelta(seconds=stuck_seconds())
    grace = now - datetime.timedelta(seconds=lease_seconds())
    states: dict[Any, TaskState] = {}
    for key, (task_id, since) in work.items():
        row = rows.get(str(task_id)) if task_id is not None else None
        if row is None:
            states[key] = TaskState("", 0, since < stale, since)
            continue
        status = row["status"]
        lease = leases.get(str(task_id))
        if status == "RUNNING":
            if lease is not None:
                stuck = lease.expires_at < now
            else:
                stuck = row["started_at"] is not None and row["started_at"] < grace
        elif status == "READY":  # queued, or taken back: waiting for a worker since then
            stuck = max(row["enqueued_at"], row["started_at"] or row["enqueued_at"]) < stale
        else:
            stuck = False
        states[key] = TaskState(status, len(row["worker_ids"] or []), stuck, since)
    return states


def queue_summary() -> dict[str, int]:
    """How many tasks wait, run, and are stuck (no worker took them up for ``ONWARD_TASK_STUCK_SECONDS``,
    or their worker's lease ran out), over every council: for ``/healthz`` and operators."""
    from django_tasks_db.models import DBTaskResult

    stale = _now() - datetime.timedelta(seconds=stuck_seconds())
    waiting = DBTaskResult.objects.ready()
    stuck_waiting = waiting.filter(enqueued_at__lt=stale).filter(
        models.Q(started_at__isnull=True) | models.Q(started_at__lt=stale)
    )
    return {
        "waiting": waiting.count(),
        "running": DBTaskResult.objects.running().count(),
        "stuck": stuck_waiting.count() + _expired_running().count(),
    }

"""``manage.py db_worker``: django-tasks-db's worker, holding a lease on the task it runs.

Onward's app comes before django-tasks-db in ``INSTALLED_APPS``, so this command replaces the
library's own under the same name and with the same options. What it adds (ADR 0018): a second
thread (:class:`onward.core.tasks.LeaseKeeper`) renews the lease on the running task and takes
back tasks whose workers stopped, so that a killed worker's task is run again by a live one. And it
outlives the database: the library's loop stops the worker at the first database error, so a
database restart would leave no worker running; this one waits and carries on (the task it was
running when the connection was lost keeps its lease until it runs out, and is then run again).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import close_old_connections
from django.db.utils import DatabaseError
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from onward.core import tasks

logger = logging.getLogger(__name__)

# Seconds between tries while the database does not answer.
RETRY_SECONDS = 1.0


class LeasedWorker(db_worker.Worker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.keeper = tasks.LeaseKeeper(self.worker_id)

    def run(self) -> None:
        self.keeper.start()
        try:
            while self.running:
                try:
                    tasks.take_back_expired()
                    super().run()
                    return
                except DatabaseError:
                    logger.warning(
                        "Worker %s: the database did not answer; trying again in %s s",
                        self.worker_id,
                        RETRY_SECONDS,
                        exc_info=True,
                    )
                    self.running_task = False
                    close_old_connections()
                    time.sleep(RETRY_SECONDS)
        finally:
            self.keeper.stop()

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        tasks.take_lease(db_task_result.id, self.worker_id)
        self.keeper.running(db_task_result.id)
        try:
            super().run_task(db_task_result)
        finally:
            self.keeper.running(None)
            tasks.release_lease(db_task_result.id, self.worker_id)


class Command(db_worker.Command):
    help = "Run the background worker: tasks are leased, and those of a worker that stopped are run again"

    def handle(self, **options: Any) -> None:
        original = db_worker.Worker
        db_worker.Worker = LeasedWorker  # type: ignore[misc]
        try:
            super().handle(**options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]

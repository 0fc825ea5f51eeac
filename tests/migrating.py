"""Data migration tests that move only the apps they are about back and forward on the test database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

Node = tuple[str, str]


@contextmanager
def migrated_back(targets: list[Node]) -> Iterator[Apps]:
    """The test database migrated back to ``targets`` in their apps only; forward again on leaving.

    Yields the models as they were at ``targets``, to make old rows with. Django, told to migrate an
    app back, unapplies every migration of every app that depends on a later migration of it (for
    ``accounts``, nearly all of Onward's) and applies them all again, rendering the models' states at
    each step: for an early ``accounts`` migration that was about 40 seconds, and the same again on
    PostgreSQL. A migration of another app changes only that app's tables, so those are marked
    unapplied and applied again without running (as ``migrate --fake`` does), and only the targets'
    apps' own later migrations run, backwards and then forwards. It refuses (AssertionError) when one
    of those needs a migration of another app that would then have to run for real.
    """
    apps = {app for app, _ in targets}
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    plan = executor.migration_plan(targets)
    assert plan and all(backwards for _, backwards in plan), "the targets are not behind the database"
    undone = [(migration.app_label, migration.name) for migration, _ in plan]
    own = [node for node in undone if node[0] in apps]
    faked = [node for node in undone if node[0] not in apps]
    for node in own:
        needed = set(graph.forwards_plan(node)) & set(faked)
        assert not needed, f"{node} needs {sorted(needed)}, which would have to run: move those apps too"
    recorder = MigrationRecorder(connection)
    for node in faked:
        recorder.record_unapplied(*node)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        yield executor.loader.project_state(targets).apps
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate([node for node in executor.loader.graph.leaf_nodes() if node[0] in apps])
        for node in reversed(faked):
            recorder.record_applied(*node)

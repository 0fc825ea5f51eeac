"""The one flow every import follows: upload, check, preview, commit (ADR 31).

An import is a run (a model built on :class:`onward.core.models.ImportRunBase`) and a kind (an
:class:`ImportKind`, registered by the app that owns the import in its ``AppConfig.ready()``):

- the app's service keeps the upload as a new run (``QUEUED``), audited, and calls :func:`begin`;
- :func:`begin` checks it at once, or, above ``ONWARD_BACKGROUND_IMPORT_ROWS`` rows, in the
  background (``onward.core.import_tasks``, under the leases of ``onward.core.tasks``);
- the check (:meth:`ImportKind.check`) reads every row and changes nothing: every problem, with its
  row and column, is kept on the run, which is then ``REJECTED`` (nothing can be saved) or
  ``PREVIEWED``; a kind that saves in one step (``commit_when_clean``) goes straight on to commit;
- :func:`save` commits a previewed run at once, or in the background above the threshold;
  :func:`commit` applies it (:meth:`ImportKind.apply`) in one transaction with one audit entry,
  all or nothing: a kind that finds the data changed since the preview raises :class:`Rejected`
  and nothing is saved;
- :func:`next_steps` says what the run's page offers now: wait, retry or discard (:func:`retry`,
  :func:`discard`), whatever the kind.

Core names no capability app: kinds register themselves here.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.audit.services import audit_record
from onward.core import tasks as leases
from onward.core.models import ImportRunBase, ImportStatus

Status = ImportStatus
Action = AuditEvent.Action


class ImportNotReady(Exception):
    """The run is not in a state for what was asked (save, discard, retry)."""


class Rejected(Exception):
    """Raised by :meth:`ImportKind.apply` when the data no longer fits: nothing is saved."""

    def __init__(self, problems: list[dict[str, Any]], message: str = "") -> None:
        super().__init__(message or "The data changed since the preview and the file no longer fits: check it again")
        self.problems = problems


@dataclass
class Checked:
    """What a check found: every problem (each with its row, column and message), the summary the
    preview shows, and a sample of what would change."""

    problems: list[dict[str, Any]]
    summary: dict[str, Any] = field(default_factory=dict)
    changes: list[dict[str, Any]] | None = None
    values: dict[str, Any] = field(default_factory=dict)  # more of the run's own fields the preview fills in


class ImportKind:
    """One kind of import: how to count, check and apply a run of it. Subclass and register."""

    kind: str = ""
    model: type[ImportRunBase]
    noun: str = "an import"
    commit_when_clean: bool = False
    title: str = "Import"  # on the operators' Background work page
    url_name: str = ""  # the run's page (one argument, its pk), linked from there when given
    audit_check: bool = True  # False: the kind's upload entry says what the check found

    def rows(self, run: Any) -> int:
        """How many rows the run's file holds (compared with ``ONWARD_BACKGROUND_IMPORT_ROWS``)."""
        raise NotImplementedError

    def check(self, run: Any) -> Checked:
        """Read every row and say what is wrong and what would change. Writes nothing."""
        raise NotImplementedError

    def apply(self, run: Any, acting_user: Any) -> str:
        """Save the run inside the caller's transaction and give the audit entry's summary ("" when
        the kind's own service audited what it saved). Raise :class:`Rejected` if it no longer fits."""
        raise NotImplementedError

    def forget(self, run: Any) -> list[str]:
        """Drop the uploaded content of a discarded run; the fields changed."""
        return []

    # The flow itself; SSDA903 and case-system imports override these with their own check and save.
    def run_check(self, run: Any) -> Any:
        return _check(self, run)

    def run_commit(self, run: Any, acting_user: Any) -> Any:
        return _commit(self, run, acting_user)

    def enqueue_check(self, run: Any) -> None:
        from onward.core import import_tasks

        import_tasks.start(run, import_tasks.check_import, self.kind)

    def enqueue_commit(self, run: Any, acting_user: Any) -> None:
        from onward.core import import_tasks

        import_tasks.start(run, import_tasks.commit_import, self.kind, acting_user.pk if acting_user else None)


_KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    """Register a kind of import (from the owning app's ``AppConfig.ready()``)."""
    if kind.kind in _KINDS and type(_KINDS[kind.kind]) is not type(kind):
        raise ValueError(f"Two kinds of import are called {kind.kind!r}")
    _KINDS[kind.kind] = kind
    return kind


def kind_named(name: str) -> ImportKind:
    return _KINDS[name]


def kind_of(run: Any) -> ImportKind:
    """The kind of a run: by its ``kind`` field if it has one, else the one kind registered for its model."""
    name = getattr(run, "kind", None)
    if isinstance(name, str) and name in _KINDS:
        return _KINDS[name]
    for kind in _KINDS.values():
        if isinstance(run, kind.model):
            return kind
    raise LookupError(f"No kind of import is registered for {type(run).__name__}")


def kinds() -> list[ImportKind]:
    return list(_KINDS.values())


def threshold() -> int:
    return int(settings.ONWARD_BACKGROUND_IMPORT_ROWS)


def in_background(kind: ImportKind, run: Any) -> bool:
    return kind.rows(run) > threshold()


def progress(run: Any, status: str, percent: int) -> None:
    """Record how far the run has got (seen by its page while it works in the background)."""
    type(run).objects.filter(pk=run.pk).update(status=status, progress=percent, updated_at=timezone.now())
    run.status, run.progress = status, percent


def still_checking(run: Any) -> bool:
    """Whether a check may store what it found: the run was not discarded or retried meanwhile.
    Locks the run until the end of the transaction (call it inside one)."""
    now = type(run).objects.select_for_update().filter(pk=run.pk).values_list("status", "task_token").first()
    return now is not None and now[0] in run.BUSY and now[1] == run.task_token


# The flow ---------------------------------------------------------------------------------------


def begin(*, run: Any, background: bool = True) -> Any:
    """Check a queued run: at once, or in the background when it has more rows than the threshold.
    Call it inside the transaction that created the run: the task is queued when that commits."""
    kind = kind_of(run)
    if background and in_background(kind, run):
        kind.enqueue_check(run)
        return run
    return kind.run_check(run)


def _check(kind: ImportKind, run: Any) -> Any:
    progress(run, Status.CHECKING, 10)
    checked = kind.check(run)
    with transaction.atomic():
        if not still_checking(run):
            return run
        run.status = Status.REJECTED if checked.problems else Status.PREVIEWED
        run.problems, run.summary, run.progress = checked.problems, checked.summary, 100
        fields = ["status", "problems", "summary", "progress", "updated_at"]
        if checked.changes is not None and hasattr(run, "changes"):
            run.changes = checked.changes
            fields.append("changes")
        for name, value in checked.values.items():
            setattr(run, name, value)
            fields.append(name)
        run.save(update_fields=fields)
        if kind.audit_check and (checked.problems or not kind.commit_when_clean):  # else the save's entry says it
            audit_record(
                actor=run.created_by,
                action=Action.CHANGE,
                council=run.council,
                obj=run,
                summary=f"Checked {kind.noun}: {len(checked.problems)} problems",
            )
    if run.status == Status.PREVIEWED and kind.commit_when_clean:
        try:
            return kind.run_commit(run, run.created_by)
        except ImportNotReady:
            return type(run).objects.get(pk=run.pk)
    return run


def save(*, acting_user: Any, run: Any) -> Any:
    """Save a previewed run: at once, or in the background when it has more rows than the threshold."""
    kind = kind_of(run)
    if run.status != Status.PREVIEWED:
        raise ImportNotReady("Only an import that is ready to commit can be saved")
    if in_background(kind, run):
        with transaction.atomic():
            progress(run, Status.SAVING, 10)
            kind.enqueue_commit(run, acting_user)
        run.refresh_from_db()
        return run
    return kind.run_commit(run, acting_user)


_SAVED: list[Callable[[int], None]] = []


def on_saved(callback: Callable[[int], None]) -> None:
    """Call ``callback(council id)`` once any import's save has committed. An import's transaction can
    last minutes, so what it wrote may be older, by ``updated_at``, than what others read meanwhile:
    the stored per-person figures (``people.stored``) are worked out again for the council."""
    if callback not in _SAVED:
        _SAVED.append(callback)


def _saved(council_id: int) -> None:
    for callback in _SAVED:
        callback(council_id)


def commit(*, acting_user: Any, run: Any) -> Any:
    """Apply a previewed (or saving) run, all or nothing, with one audit entry."""
    kind = kind_of(run)
    return kind.run_commit(run, acting_user)


def _commit(kind: ImportKind, run: Any, acting_user: Any) -> Any:
    model = type(run)
    try:
        with transaction.atomic():
            locked = model.objects.select_for_update().get(pk=run.pk)
            if locked.status not in (Status.PREVIEWED, Status.SAVING):
                raise ImportNotReady("Only an import that is ready to commit can be saved")
            what = kind.apply(locked, acting_user)
            locked.status = locked.COMMITTED_STATUS
            locked.progress = 100
            setattr(locked, locked.COMMITTED_AT_FIELD, timezone.now())
            locked.save()
            if what:  # an empty summary: the kind's own service wrote the entry for what it saved
                audit_record(actor=acting_user, action=Action.CHANGE, council=locked.council, obj=locked, summary=what)
            transaction.on_commit(functools.partial(_saved, locked.council_id))
            return locked
    except Rejected as rejected:
        model.objects.filter(pk=run.pk, status__in=(Status.PREVIEWED, Status.SAVING)).update(
            status=Status.REJECTED, problems=rejected.problems, progress=100
        )
        raise ImportNotReady(str(rejected)) from None


def next_steps(run: Any, state: leases.TaskState | None) -> set[str]:
    """What can be done with the run now: "wait" while its task is moving, "retry" (check the file
    again from the start) and "discard". A save under way is never discarded: only once it is stuck."""
    steps: set[str] = set()
    stuck = state is not None and state.stuck
    if run.busy and not stuck:
        steps.add("wait")
    if run.status == Status.FAILED or (run.busy and stuck):
        steps.add("retry")
    if run.status in (Status.PREVIEWED, Status.FAILED) or (run.busy and (stuck or run.status != Status.SAVING)):
        steps.add("discard")
    return steps


def run_state(run: Any) -> leases.TaskState | None:
    """The state of the run's background task, while the run is busy."""
    if not run.busy:
        return None
    return leases.task_states({run.pk: (run.task_id, run.updated_at)})[run.pk]


def _locked(run: Any) -> Any:
    """The run, locked for a change; ImportNotReady if a background save holds it now."""
    try:
        return type(run).objects.select_for_update(nowait=True).get(pk=run.pk)
    except DatabaseError:
        raise ImportNotReady("The import is being saved right now: wait for it to finish") from None


@transaction.atomic
def discard(*, acting_user: Any, run: Any, extra: tuple[str, ...] = ()) -> Any:
    """Discard a run that has not been saved (``extra``: statuses of the kind that may be discarded too)."""
    run = _locked(run)
    if "discard" not in next_steps(run, run_state(run)) and run.status not in extra:
        raise ImportNotReady("Only an import that has not been saved can be discarded")
    run.status = Status.DISCARDED
    run.task_token = None
    fields = ["status", "task_token", "updated_at", *kind_of(run).forget(run)]
    run.save(update_fields=fields)
    audit_record(actor=acting_user, action=Action.CHANGE, council=run.council, obj=run, summary="Discarded an import")
    return run


@transaction.atomic
def retry(*, acting_user: Any, run: Any) -> Any:
    """Check a failed or stuck run's file again from the start, in the background (any task still
    queued for it is superseded and will do nothing). Saving it is then asked for again."""
    run = _locked(run)
    if "retry" not in next_steps(run, run_state(run)):
        raise ImportNotReady("Only an import that failed or is stuck can be tried again")
    run.status, run.progress, run.problems = Status.QUEUED, 0, []
    fields = ["status", "progress", "problems", "updated_at"]
    if hasattr(run, "changes"):
        run.changes = []
        fields.append("changes")
    run.save(update_fields=fields)
    audit_record(actor=acting_user, action=Action.CHANGE, council=run.council, obj=run, summary="Tried an import again")
    kind_of(run).enqueue_check(run)
    return run


def fail(model: Any, run_id: int, token: str | None, reason: str) -> None:
    """Mark the run failed with a reason for its page, unless it moved on (saved, discarded, retried)."""
    runs = model.objects.filter(pk=run_id, status__in=model.BUSY)
    if token is not None:
        runs = runs.filter(task_token=token)
    runs.update(status=Status.FAILED, failure=reason[:2000])


@dataclass(frozen=True)
class RunPage:
    """What the shared run partial (``components/import_run.html``) needs."""

    run: Any
    state: leases.TaskState | None
    steps: set[str]
    retry_url: str = ""
    discard_url: str = ""
    save_url: str = ""
    since: datetime.datetime | None = None


def run_page(run: Any, *, retry_url: str = "", discard_url: str = "", save_url: str = "") -> RunPage:
    state = run_state(run)
    return RunPage(run, state, next_steps(run, state), retry_url, discard_url, save_url, run.updated_at)


@dataclass(frozen=True)
class BackgroundRun:
    """A run on the operators' Background work page: names and states only, never the file."""

    title: str
    url_name: str
    run: Any
    state: leases.TaskState | None


def background_runs(council: Any, *, leave_out: tuple[str, ...] = (), recent: int = 50) -> list[BackgroundRun]:
    """The council's runs of every registered kind (but ``leave_out``) that went to the background or
    failed, stuck first, then busy, then the latest. Reads no file, problem or preview."""
    from django.db.models import Q

    found: list[tuple[ImportKind, Any]] = []
    for kind in kinds():
        if kind.kind in leave_out:
            continue
        runs = kind.model.objects.filter(council=council).filter(  # type: ignore[attr-defined]
            Q(status__in=kind.model.BUSY) | Q(status=Status.FAILED) | Q(task_id__isnull=False)
        )
        if hasattr(kind.model, "kind"):
            runs = runs.filter(kind=kind.kind)
        fields = ("id", "status", "progress", "failure", "task_id", "created_at", "updated_at", "council_id")
        found += [(kind, run) for run in runs.select_related("created_by").only(*fields, "created_by")[:recent]]
    states = leases.task_states({(k.kind, r.pk): (r.task_id, r.updated_at) for k, r in found if r.busy})
    rows = [BackgroundRun(k.title, k.url_name, r, states.get((k.kind, r.pk))) for k, r in found]
    rows.sort(
        key=lambda row: (
            not (row.state is not None and row.state.stuck),
            not row.run.busy,
            -row.run.created_at.timestamp(),
        )
    )
    return rows[:recent]

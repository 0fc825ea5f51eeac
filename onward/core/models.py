from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    """Base for Onward's models: when a row was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class TaskLease(models.Model):
    """The worker running a background task, and until when it is taken to be alive."""

    task_id = models.UUIDField(primary_key=True, help_text="The django-tasks-db task result it covers")
    worker_id = models.CharField(max_length=64)
    expires_at = models.DateTimeField(db_index=True)
    renewed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Lease on task {self.task_id} by worker {self.worker_id} until {self.expires_at:%H:%M:%S}"


class ImportStatus(models.TextChoices):
    """Where an import is in the one flow every import follows (``onward.core.imports``)."""

    QUEUED = "queued", "Waiting to be checked"
    CHECKING = "checking", "Being checked"
    SAVING = "saving", "Being saved"
    FAILED = "failed", "Could not be completed"
    PREVIEWED = "previewed", "Ready to commit"
    REJECTED = "rejected", "Has problems: nothing can be saved"
    COMMITTED = "committed", "Saved"
    DISCARDED = "discarded", "Discarded"


class ImportRunBase(TimeStampedModel):
    """One upload on its way through check, preview and commit (``onward.core.imports``, ADR 31).

    Each kind of import keeps its own concrete model (it holds the file its own way, and what the
    import made), with these fields: its state, the problems every rejected row has, a summary for
    the preview, progress and the background task working on it. Status values are
    :class:`ImportStatus`'s; a model may name its saved state otherwise (``COMMITTED_STATUS``) and
    add states of its own after it (a benchmark file is later superseded).
    """

    COMMITTED_STATUS: str = ImportStatus.COMMITTED
    COMMITTED_AT_FIELD: str = "committed_at"
    BUSY: tuple[str, ...] = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.SAVING)

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=ImportStatus.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    summary = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done, for work in the background")
    task_token = models.UUIDField(
        null=True, blank=True, help_text="The background task now working on the run; any other is superseded"
    )
    task_id = models.CharField(max_length=64, null=True, blank=True, help_text="Its id in the task queue, once queued")
    failure = models.TextField(blank=True, help_text="Why the run could not be completed, as shown on its page")

    class Meta:
        abstract = True

    @property
    def busy(self) -> bool:
        return self.status in self.BUSY


def touched(**values: object) -> dict[str, object]:
    """``values`` and ``updated_at`` now, for ``QuerySet.update``, which (unlike ``save``) leaves
    ``updated_at`` behind. The stored per-person figures find what changed by it (``people.stored``);
    a test fails any update of the tables they read that does not move it."""
    return {**values, "updated_at": timezone.now()}


def touched_fields(objs: Iterable[models.Model], fields: Iterable[str]) -> list[str]:
    """For ``bulk_update(objs, touched_fields(objs, fields))``: sets ``updated_at`` on each of ``objs``
    to now and gives ``fields`` with it."""
    now = timezone.now()
    for obj in objs:
        obj.updated_at = now  # type: ignore[attr-defined]
    return [*dict.fromkeys([*fields, "updated_at"])]

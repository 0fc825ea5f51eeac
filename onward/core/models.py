from django.db import models


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

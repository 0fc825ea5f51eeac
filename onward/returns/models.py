from __future__ import annotations

from django.conf import settings
from django.db import models

from onward.core.models import ImportRunBase, ImportStatus, TimeStampedModel


class ImportRun(ImportRunBase):
    """One SSDA903 or case-system import: the files as uploaded, what the preview found, and whether
    it was committed (the fields of every import and its states are ``core.models.ImportRunBase``'s).

    The files are kept so the commit applies exactly what was previewed, and the run is the
    import's report afterwards.
    """

    class Kind(models.TextChoices):
        SSDA903 = "ssda903", "SSDA903 return files"
        CASE_SYSTEM = "case_system", "Case-system export"

    Status = ImportStatus

    kind = models.CharField(max_length=20, choices=Kind.choices)
    year = models.PositiveIntegerField(null=True, blank=True)
    mapping = models.ForeignKey("ColumnMapping", on_delete=models.PROTECT, null=True, blank=True, related_name="runs")
    file_names = models.JSONField(default=list)
    files = models.JSONField(default=dict, help_text="File name to text, as uploaded")
    changes = models.JSONField(default=list, help_text="A sample of what would change, for the preview")
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import of {self.created_at:%d/%m/%Y %H:%M}"


class ColumnMapping(TimeStampedModel):
    """How a case system's export columns map to Onward's fields, saved for reuse."""

    class RecordType(models.TextChoices):
        EET = "eet", "EET activity"
        ACCOMMODATION = "accommodation", "Accommodation"
        CONTACT = "contact", "Contacts"
        PEP = "pep", "PEPs (the Virtual School's ePEP export)"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    record_type = models.CharField(max_length=20, choices=RecordType.choices)
    columns = models.JSONField(default=dict, blank=True, help_text="Onward field to the export's column name")
    values = models.JSONField(default=dict, blank=True, help_text="Onward field to {export value: Onward code}")
    date_format = models.CharField(max_length=20, default="%d/%m/%Y")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="mapping_name_unique_in_council")]

    def __str__(self) -> str:
        return self.name


class ReturnCheck(TimeStampedModel):
    """One run of the Department's rules over a council's return for a year, in the background.

    The validator takes 7 to 15 seconds, so it runs as a task; the page shows its progress, then
    what it found (the first ``ERRORS_KEPT`` errors are kept, with their count).
    """

    ERRORS_KEPT = 500

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running the Department's rules"
        DONE = "done", "Checked"
        FAILED = "failed", "Could not be completed"

    BUSY = (Status.QUEUED, Status.RUNNING)

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    oc3_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    rules_run = models.PositiveIntegerField(default=0)
    failed_rules = models.JSONField(default=list)
    errors = models.JSONField(default=list, help_text="The first errors found, each with its rule and child")
    covered_rules = models.JSONField(
        default=list, help_text="Rules the validator could not run that Onward checked itself"
    )
    departure_count = models.PositiveIntegerField(default=0)
    departures = models.JSONField(
        default=list, help_text="The first rows right by the law that the published validator will flag, with why"
    )
    task_token = models.UUIDField(null=True, blank=True)
    task_id = models.CharField(max_length=64, null=True, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def busy(self) -> bool:
        return self.status in self.BUSY

    def __str__(self) -> str:
        return f"Check of the {self.year} return"

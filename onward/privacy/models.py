"""Data protection: subject access requests, restrictions, rectifications, legal holds and tombstones.

Each record here belongs to one council. Restrictions are read by ``onward.accounts.access`` (the
one place that decides which young people a user sees); everything else is read through
``onward.privacy.access``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from onward.core.models import TimeStampedModel


class SubjectAccessRequest(TimeStampedModel):
    """A young person's request for a copy of what Onward holds about them (UK GDPR Art. 15)."""

    class Via(models.TextChoices):
        PORTAL = "portal", "The young person portal"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        IN_PERSON = "in_person", "In person or by phone, to a member of staff"
        REPRESENTATIVE = "representative", "A representative acting for them"

    class Status(models.TextChoices):
        OPEN = "open", "Open: bundle not gathered yet"
        IN_REVIEW = "in_review", "Bundle gathered: redaction review"
        APPROVED = "approved", "Approved for release"
        RELEASED = "released", "Released"
        WITHDRAWN = "withdrawn", "Withdrawn"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.YoungPerson", on_delete=models.CASCADE, related_name="subject_access_requests")
    via = models.CharField(max_length=20, choices=Via.choices)
    requester_name = models.CharField(
        "who asked", max_length=200, blank=True, help_text="Leave blank if the young person asked themselves"
    )
    received_on = models.DateField("date received")
    due_on = models.DateField("date due")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bundle = models.JSONField(default=dict, blank=True, help_text="The gathered bundle, fixed when gathered")
    flags = models.JSONField(default=list, blank=True, help_text="Values marked for redaction review")
    redactions = models.JSONField(default=list, blank=True, help_text="Ids of the flags the reviewer redacts")
    gathered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    gathered_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["council", "status", "due_on"], name="sar_council_status_due")]

    def __str__(self) -> str:
        return f"Subject access request received {self.received_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_REVIEW, self.Status.APPROVED)


class Restriction(TimeStampedModel):
    """A restriction of processing (UK GDPR Art. 18): the record stays but only the named roles see it.

    ``allowed_roles`` is the role keys, comma-separated with a comma either side (",team_manager,"),
    so "does this restriction name role R" is a portable ``LIKE`` on SQLite and PostgreSQL alike.
    """

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.YoungPerson", on_delete=models.CASCADE, related_name="restrictions")
    reason = models.CharField(max_length=500)
    allowed_roles = models.CharField(max_length=500, blank=True, default=",")
    restricted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(lifted_at__isnull=True), name="one_live_restriction_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"Restriction from {self.created_at:%d/%m/%Y}" if self.created_at else "Restriction"

    @property
    def role_keys(self) -> list[str]:
        return [key for key in self.allowed_roles.split(",") if key]

    @staticmethod
    def encode_roles(keys: list[str] | tuple[str, ...] | set[str]) -> str:
        return "," + ",".join(sorted(set(keys))) + ("," if keys else "")


class RectificationRequest(TimeStampedModel):
    """A young person's request to correct their record (UK GDPR Art. 16), answered within one calendar month:
    staff correct the record (each correction a :class:`Rectification`) or decline with a reason.

    Made by the young person in their own service ("this is wrong": ``statement_id`` is what they said
    there, which is resolved with the same outcome) or logged by staff; ``record_type`` and ``record_id``
    name the record they say is wrong, when they named one.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CORRECTED = "corrected", "Corrected"
        DECLINED = "declined", "Declined"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.YoungPerson", on_delete=models.CASCADE, related_name="rectification_requests")
    via = models.CharField(max_length=20, choices=SubjectAccessRequest.Via.choices)
    text = models.TextField("what they say is wrong")
    record_type = models.CharField(max_length=50, blank=True)
    record_id = models.PositiveIntegerField(null=True, blank=True)
    statement_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="What the young person said in their own service (portal.Statement)"
    )
    received_on = models.DateField("date received")
    due_on = models.DateField("date due")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    outcome = models.TextField(blank=True, help_text="What was corrected, or why the request was declined")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["council", "status", "due_on"], name="rectification_council_due")]

    def __str__(self) -> str:
        return f"Request to correct a record, received {self.received_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Rectification(TimeStampedModel):
    """A correction of a young person's record (UK GDPR Art. 16): old and new values, who made it and why.

    Their own details are changed in place (``record_type`` blank); a history record (EET, accommodation,
    contact) is corrected by ``people.services``, which keeps the old record, superseded, with the reason:
    ``record_id`` is then the new record."""

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.YoungPerson", on_delete=models.CASCADE, related_name="rectifications")
    changes = models.JSONField(help_text="{field: [old, new]}")
    reason = models.CharField(max_length=500)
    asked_via = models.CharField(max_length=20, choices=SubjectAccessRequest.Via.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(
        RectificationRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="corrections"
    )
    record_type = models.CharField(
        max_length=50, blank=True, help_text="The history record corrected (its model); blank for the person's details"
    )
    record_id = models.PositiveIntegerField(null=True, blank=True, help_text="The corrected record (the new one)")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Correction on {self.created_at:%d/%m/%Y}" if self.created_at else "Correction"


class LegalHold(TimeStampedModel):
    """A legal hold: while it stands, the young person's records are not deleted, whatever their date."""

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.YoungPerson", on_delete=models.CASCADE, related_name="legal_holds")
    reason = models.CharField(max_length=500)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Legal hold from {self.created_at:%d/%m/%Y}" if self.created_at else "Legal hold"


class Tombstone(models.Model):
    """What is left when a young person's personal data is deleted under the retention rules: no name,
    no identifier, only the counts of what was removed, the rule, and who approved it.

    ``person_ref`` is the record's number in the register (an internal key, not the council's child
    identifier), so the de-identified statistical rows kept for past indicators can be told apart.
    """

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    person_ref = models.PositiveIntegerField()
    rule = models.CharField(max_length=50)
    due_on = models.DateField()
    deleted_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    counts = models.JSONField(help_text="{model label: records deleted or stripped}")

    class Meta:
        ordering = ["-deleted_at", "-id"]

    def __str__(self) -> str:
        return f"Tombstone of record {self.person_ref}"

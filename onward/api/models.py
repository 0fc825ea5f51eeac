"""The open API's records: tokens, their rate-limit windows, webhooks and their deliveries, export jobs (ADR 27)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from onward.accounts.models import Organisation, User
from onward.core.models import TimeStampedModel


class ApiToken(TimeStampedModel):
    """A bearer token that acts as one user of the organisation (a person, or a system account).

    Only a SHA-256 hash of the secret is kept; the secret is shown once, when it is created. Every
    call authenticates as ``user`` and sees exactly what that user sees on the pages.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="api_tokens")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16)
    expires_at = models.DateTimeField()
    rate_per_minute = models.PositiveIntegerField(default=120)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class RateWindow(models.Model):
    """How many calls a token made in one minute. In the database, so every web process counts the same."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "window_start"], name="api_rate_one_window")]

    def __str__(self) -> str:
        return f"{self.count} calls from {self.window_start:%H:%M}"


class Webhook(TimeStampedModel):
    """An address told of referral and application events that ``user`` may see (signed, retried)."""

    class Event(models.TextChoices):
        REFERRAL = "referral", "Referral events (received, status changes, notes)"
        APPLICATION = "application", "Application events (put forward, status changes)"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="webhooks")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="webhooks")
    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    secret_salt = models.CharField(max_length=64)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        RETRYING = "retrying", "Failed, will try again"
        DELIVERED = "delivered", "Delivered"
        GAVE_UP = "gave_up", "Failed, not tried again"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="api_delivery_due")]


class ExportJob(TimeStampedModel):
    """A statutory file (SSDA903 or the NCCIS feed) made in the background for an API caller."""

    class Kind(models.TextChoices):
        SSDA903 = "ssda903", "SSDA903 care leavers return"
        NCCIS = "nccis", "NCCIS monthly feed"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    council = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    parameter = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(max_length=100, blank=True)
    content_type = models.CharField(max_length=60, blank=True)
    content = models.BinaryField(blank=True, default=b"")
    failure = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

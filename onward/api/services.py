"""Writes of the open API's own records: tokens, webhooks, deliveries and export jobs (ADR 27).

Keyword-only, atomic, and audited in the same transaction, like every other app's services.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from onward.accounts.models import Organisation, User
from onward.accounts.permissions import Perm
from onward.api import outbound
from onward.api.models import ApiToken, ExportJob, RateWindow, Webhook, WebhookDelivery
from onward.audit.services import Action, audit_record

TOKEN_PREFIX = "onw_api_"  # noqa: S105 - the start of every token, not a secret
MAX_TOKEN_DAYS = 366
WEBHOOK_MAX_ATTEMPTS = 6
WEBHOOK_FIRST_RETRY_SECONDS = 30


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_admin(acting_user: User, organisation: Organisation) -> None:
    if not acting_user.can(Perm.MANAGE_API) or acting_user.organisation_id != organisation.pk:
        raise ValidationError("You can only manage your own organisation's API")


@transaction.atomic
def token_create(
    *, acting_user: User, user: User, name: str, scope: str, expires_on: datetime.date, rate_per_minute: int = 120
) -> tuple[ApiToken, str]:
    """A new token acting as ``user`` (of the administrator's own organisation); the secret is returned once."""
    organisation = acting_user.organisation
    _check_admin(acting_user, organisation)
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = "Enter a name for the token, like Case system nightly sync"
    if user.organisation_id != organisation.pk or not user.is_active:
        errors["user"] = "Select an active user of your own organisation"
    if scope not in ApiToken.Scope.values:
        errors["scope"] = "Select what the token may do"
    today = timezone.localdate()
    if expires_on <= today:
        errors["expires_on"] = "The expiry date must be in the future"
    elif expires_on > today + datetime.timedelta(days=MAX_TOKEN_DAYS):
        errors["expires_on"] = "The expiry date must be within a year"
    if not 1 <= rate_per_minute <= 6000:
        errors["rate_per_minute"] = "The rate limit must be between 1 and 6,000 calls a minute"
    if errors:
        raise ValidationError(errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time(23, 59, 59)))
    token = ApiToken.objects.create(
        organisation=organisation,
        user=user,
        name=name,
        scope=scope,
        token_hash=token_hash(secret),
        prefix=secret[:14],
        expires_at=expires_at,
        rate_per_minute=rate_per_minute,
        created_by=acting_user,
    )
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=organisation,
        obj=token,
        summary=f"Created the API token {name!r} acting as {user.email} ({token.get_scope_display().lower()})",
    )
    return token, secret


@transaction.atomic
def token_revoke(*, acting_user: User, token: ApiToken) -> ApiToken:
    _check_admin(acting_user, token.organisation)
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = acting_user
        locked.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        audit_record(
            actor=acting_user,
            action=Action.CHANGE,
            council=locked.organisation,
            obj=locked,
            summary=f"Revoked the API token {locked.name!r}",
        )
    return locked


def token_for_secret(secret: str) -> ApiToken | None:
    """The live token with this secret, its user active and still in its organisation; else None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user__organisation", "organisation")
        .filter(token_hash=token_hash(secret), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active or token.user.organisation_id != token.organisation_id:
        return None
    return token


def count_call(token: ApiToken) -> tuple[int, datetime.datetime]:
    """Count one call in the token's current minute (in the database, shared by every process);
    returns the calls made this minute, including this one, and when the minute ends."""
    now = timezone.now()
    window = now.replace(second=0, microsecond=0)
    windows = RateWindow.objects.filter(token=token, window_start=window)
    if not windows.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                RateWindow.objects.create(token=token, window_start=window, count=1)
        except IntegrityError:  # another process made the window first
            windows.update(count=F("count") + 1)
        else:
            RateWindow.objects.filter(token=token, window_start__lt=window - datetime.timedelta(hours=1)).delete()
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    count = windows.values_list("count", flat=True).first() or 1
    return count, window + datetime.timedelta(minutes=1)


# Webhooks -----------------------------------------------------------------------------------------


def webhook_secret(webhook: Webhook) -> str:
    """The signing secret: derived from the service's secret key and the webhook's salt, never stored."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"onward-webhook:{webhook.secret_salt}".encode(), hashlib.sha256)
    return "whsec_" + digest.hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Onward-Signature`` header: ``t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


@transaction.atomic
def webhook_create(*, acting_user: User, user: User, name: str, url: str, events: list[str]) -> tuple[Webhook, str]:
    organisation = acting_user.organisation
    _check_admin(acting_user, organisation)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter a name for the webhook"
    refused = outbound.refusal(url)
    if refused is not None:
        errors["url"] = refused
    if not events or any(event not in Webhook.Event.values for event in events):
        errors["events"] = "Select the events to send"
    if user.organisation_id != organisation.pk or not user.is_active:
        errors["user"] = "Select an active user of your own organisation"
    if errors:
        raise ValidationError(errors)
    webhook = Webhook.objects.create(
        organisation=organisation,
        user=user,
        name=name.strip(),
        url=url,
        events=sorted(set(events)),
        secret_salt=secrets.token_hex(16),
        created_by=acting_user,
    )
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=organisation,
        obj=webhook,
        summary=f"Created the webhook {webhook.name!r} to {url}",
    )
    return webhook, webhook_secret(webhook)


@transaction.atomic
def webhook_disable(*, acting_user: User, webhook: Webhook) -> Webhook:
    _check_admin(acting_user, webhook.organisation)
    locked = Webhook.objects.select_for_update().get(pk=webhook.pk)
    if locked.disabled_at is None:
        locked.disabled_at = timezone.now()
        locked.save(update_fields=["disabled_at", "updated_at"])
        audit_record(
            actor=acting_user,
            action=Action.CHANGE,
            council=locked.organisation,
            obj=locked,
            summary=f"Switched off the webhook {locked.name!r}",
        )
    return locked


def delivery_body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(
        {"id": str(delivery.pk), "event": delivery.event, "data": delivery.payload}, separators=(",", ":")
    ).encode()


def retry_delay(attempts: int) -> datetime.timedelta:
    """Back-off after the ``attempts``-th failure: 30 s, 1 min, 2 min, 4 min, 8 min."""
    return datetime.timedelta(seconds=WEBHOOK_FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


def delivery_failed(*, delivery: WebhookDelivery, status_code: int | None, error: str) -> WebhookDelivery:
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error[:300]
    if delivery.attempts >= WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.GAVE_UP
        delivery.next_attempt_at = None
    else:
        delivery.status = WebhookDelivery.Status.RETRYING
        delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempts)
    delivery.save()
    return delivery


def delivery_succeeded(*, delivery: WebhookDelivery, status_code: int) -> WebhookDelivery:
    delivery.attempts += 1
    delivery.status = WebhookDelivery.Status.DELIVERED
    delivery.last_status_code = status_code
    delivery.last_error = ""
    delivery.delivered_at = timezone.now()
    delivery.next_attempt_at = None
    delivery.save()
    return delivery


# Export jobs --------------------------------------------------------------------------------------


@transaction.atomic
def export_job_create(*, acting_user: User, kind: str, parameter: str) -> ExportJob:
    from onward.accounts.access import own_council

    council = own_council(acting_user)
    job = ExportJob.objects.create(council=council, requested_by=acting_user, kind=kind, parameter=parameter)
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=council,
        obj=job,
        summary=f"Asked through the API for the {job.get_kind_display()} ({parameter})",
    )
    return job


def export_job_finish(*, job: ExportJob, file_name: str, content_type: str, content: bytes) -> None:
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        file_name=file_name,
        content_type=content_type,
        content=content,
        finished_at=timezone.now(),
    )


def export_job_fail(*, job_id: int, reason: str) -> None:
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.FAILED, failure=reason[:500], finished_at=timezone.now()
    )


def payload_for(kind: str, obj: Any) -> dict[str, Any]:
    """What a webhook carries: the kind, the id and the state of the record; never personal data
    (the receiving system reads the record through the API, as its user)."""
    return {"type": kind, "id": obj.pk, "status": getattr(obj, "status", "")}

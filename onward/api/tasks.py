"""Background work of the open API, through django-tasks with leases (ADR 0018): webhook deliveries
(retried with back-off) and the statutory files asked for through the API.

Both are safe to run again from the start: a delivery already delivered is not sent again, and an
export job already done is not made again.
"""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from onward.api import outbound, services
from onward.api.models import ExportJob, WebhookDelivery
from onward.core import exports
from onward.people import access as people_access

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body`` to ``url``: https to a public address only, redirects not followed
    (``onward/api/outbound.py``); the answer's status code. Replaced in tests."""
    return outbound.post(url, body, headers, timeout=TIMEOUT_SECONDS)


def schedule(delivery: WebhookDelivery) -> None:
    """Queue the delivery's next attempt: at once, or at ``next_attempt_at`` where the queue can wait
    (the database queue can; where it cannot, ``manage.py deliver_webhooks`` run by cron picks it up)."""
    backend = deliver_webhook.get_backend()
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > timezone.now():
        if not backend.supports_defer:
            return
        deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
        return
    deliver_webhook.enqueue(delivery.pk)


@task()
def deliver_webhook(delivery_id: int) -> None:
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("webhook")
            .filter(pk=delivery_id, status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING])
            .first()
        )
    if delivery is None:
        return
    if delivery.webhook.disabled_at is not None:
        services.delivery_failed(delivery=delivery, status_code=None, error="The webhook is switched off")
        return
    body = services.delivery_body(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Onward-Webhooks/1",
        "Onward-Event": delivery.event,
        "Onward-Delivery": str(delivery.pk),
        "Onward-Signature": services.sign(services.webhook_secret(delivery.webhook), int(time.time()), body),
    }
    try:
        status = post(delivery.webhook.url, body, headers)
    except (OSError, ValueError) as error:
        delivery = services.delivery_failed(delivery=delivery, status_code=None, error=type(error).__name__)
    else:
        if 200 <= status < 300:
            services.delivery_succeeded(delivery=delivery, status_code=status)
            return
        delivery = services.delivery_failed(delivery=delivery, status_code=status, error=f"Answered {status}")
    if delivery.status == WebhookDelivery.Status.RETRYING:
        schedule(delivery)


@task()
def run_export_job(job_id: int) -> None:
    job = ExportJob.objects.select_related("council", "requested_by").filter(pk=job_id).first()
    if job is None or job.status != ExportJob.Status.QUEUED:
        return
    user = job.requested_by
    try:
        if job.kind == ExportJob.Kind.SSDA903:
            from onward.returns import services as returns_services

            year = int(job.parameter)
            result = returns_services.return_export(acting_user=user, council=job.council, year=year)
            services.export_job_finish(
                job=job,
                file_name=f"ssda903-care-leavers-{year}.zip",
                content_type=exports.ZIP_CONTENT_TYPE,
                content=exports.zip_bytes(result.files()),
            )
        else:
            from onward.participation import feed, rules
            from onward.participation import selectors as participation_selectors
            from onward.participation import services as participation_services

            month_end = rules.parse_month(job.parameter)
            rows = participation_selectors.feed_rows(people_access.people_visible_to(user), month_end)
            with transaction.atomic():
                participation_services.feed_exported(
                    acting_user=user, council=job.council, month_end=month_end, rows=len(rows)
                )
            services.export_job_finish(
                job=job,
                file_name=f"nccis-feed-{month_end:%Y-%m}.csv",
                content_type="text/csv",
                content=exports.csv_bytes(rows, header=feed.COLUMNS),
            )
    except Exception as error:
        services.export_job_fail(job_id=job_id, reason=f"An error stopped the file being made ({type(error).__name__})")
        logger.exception("Export job %s failed", job_id)
        raise

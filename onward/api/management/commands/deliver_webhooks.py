"""Queue every webhook delivery that is due (its back-off has passed): for queues that cannot wait
(``run_after``), run by cron or a systemd timer every minute. Safe to run at any time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from onward.api.models import WebhookDelivery
from onward.api.tasks import deliver_webhook


class Command(BaseCommand):
    help = "Queue the webhook deliveries whose next attempt is due"

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        due = WebhookDelivery.objects.filter(
            status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING]
        ).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        count = 0
        for pk in due.values_list("pk", flat=True)[:1000]:
            deliver_webhook.enqueue(pk)
            count += 1
        self.stdout.write(f"Queued {count} webhook deliveries")

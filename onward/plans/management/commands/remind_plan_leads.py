"""Email each lead who still owes updates in a review round due within the next few days. Run daily."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.utils import timezone

from onward.plans.models import ReviewRound
from onward.plans.selectors import items_due_in_round


class Command(BaseCommand):
    help = "Remind plan leads by email of the updates still due from them in open review rounds."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--days", type=int, default=7, help="Remind about rounds due within this many days (default 7)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        horizon = today + datetime.timedelta(days=options["days"])
        rounds = ReviewRound.objects.filter(
            closed_at__isnull=True, due_on__gte=today, due_on__lte=horizon
        ).select_related("plan")
        owed: dict[str, list[str]] = {}
        for review_round in rounds.order_by("due_on", "id"):
            for item in items_due_in_round(review_round):
                for lead in item.leads.all():
                    if lead.is_active and lead.email:
                        owed.setdefault(lead.email, []).append(
                            f"{review_round.plan.title}, {item.reference}: due by {review_round.due_on:%-d %B %Y}"
                        )
            ReviewRound.objects.filter(pk=review_round.pk).update(reminded_on=today)
        for email in sorted(owed):
            lines = owed[email]
            send_mail(
                "Plan updates are due from you",
                "You lead items that still need an update in Onward:\n\n" + "\n".join(f"- {line}" for line in lines),
                None,
                [email],
            )
        self.stdout.write(f"Reminded {len(owed)} lead{'s' if len(owed) != 1 else ''}")

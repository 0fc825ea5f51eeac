"""Email each report schedule's owner when a document is due to a committee within the schedule's reminder
days, or overdue. Run daily; one email per schedule and due date, however often it runs."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from onward.plans.selectors import schedules_to_remind
from onward.plans.services import report_schedule_remind

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Remind the owners of scheduled committee reports, by email, that a report is due within its reminder "
        "days or overdue. Once per schedule and due date (plans.ScheduleReminder)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--base-url",
            default="",
            help="The service's address, for the links in the emails (for example https://onward.example.gov.uk)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = timezone.localdate()
        sent = failed = 0
        for schedule in schedules_to_remind(day):
            try:
                sent += report_schedule_remind(schedule=schedule, day=day, base_url=options["base_url"])
            except Exception:
                logger.exception("report schedule reminder not sent", extra={"schedule": schedule.pk})
                failed += 1
        self.stdout.write(f"Reminded {sent} report owner{'s' if sent != 1 else ''}")
        if failed:
            raise CommandError(f"{failed} reminders could not be emailed; the next run tries them again")

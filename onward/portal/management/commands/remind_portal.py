"""Email young people reminders to check in this month and to answer an open survey. Run daily; safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from onward.portal.services import reminders_send


class Command(BaseCommand):
    help = (
        "Remind young people with their own page, by email, to check in if they have not this month, and to "
        "answer a well-being survey of their council that is open and that they have not answered. Each young "
        "person gets one check-in reminder a month and one reminder a survey, however often this runs."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--base-url",
            default="",
            help="The service's address, for the links in the emails (for example https://onward.example.gov.uk)",
        )
        parser.add_argument(
            "--check-in-from-day",
            type=int,
            default=1,
            help="Send check-in reminders from this day of the month (default 1)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["check_in_from_day"] <= 28:
            raise CommandError("--check-in-from-day must be from 1 to 28")
        sent = reminders_send(
            day=timezone.localdate(), base_url=options["base_url"], check_in_from_day=options["check_in_from_day"]
        )
        self.stdout.write(f"Reminded {sent.check_ins} to check in and {sent.surveys} to answer a survey")
        if sent.failed:
            raise CommandError(f"{sent.failed} reminders could not be emailed; the next run tries them again")

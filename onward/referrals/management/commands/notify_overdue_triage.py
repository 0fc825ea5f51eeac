"""Email each council's triage coordinators about referrals whose triage is overdue. Run daily."""

from __future__ import annotations

from typing import Any

from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.utils import timezone

from onward.accounts.models import User
from onward.referrals.models import Referral


class Command(BaseCommand):
    help = "Tell triage coordinators by email about referrals past their triage date."

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        overdue = Referral.objects.filter(
            status__in=[Referral.Status.AWAITING_TRIAGE, Referral.Status.MORE_INFO], triage_due__lt=today
        )
        sent = 0
        for council_id in sorted(set(overdue.values_list("council_id", flat=True))):
            count = overdue.filter(council_id=council_id).count()
            emails = sorted(
                User.objects.filter(
                    organisation_id=council_id, groups__name="triage_coordinator", is_active=True
                ).values_list("email", flat=True)
            )
            if emails:
                send_mail(
                    "Referrals are overdue for triage",
                    f"{count} referral{'s are' if count != 1 else ' is'} past the triage date in Onward.",
                    None,
                    emails,
                )
                sent += 1
        self.stdout.write(f"Told the triage coordinators of {sent} council{'s' if sent != 1 else ''}")

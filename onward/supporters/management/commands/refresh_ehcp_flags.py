"""Keep each young person's EHC plan flag in step with their dated plans (a plan ceasing today). Run daily."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onward.supporters.services import ehcp_flags_refresh


class Command(BaseCommand):
    help = "Set the EHC plan flag of every young person from the dated plans in force today."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = ehcp_flags_refresh()
        self.stdout.write(f"{changed} EHC plan flag{'s' if changed != 1 else ''} changed")

"""List, for each council's data protection officer, the records past their retention date.

Run daily (cron, or the platform's scheduler: ``python manage.py retention_due``). It deletes no record:
the officer approves each deletion (or a batch) on the Retention page. Output names records by child
identifier only.

It does delete imported files uploaded more than ``ONWARD_RETENTION["imported_files_days"]`` ago (the file
as uploaded and the values copied from it; each run keeps its summary): that rule needs no one's approval.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from onward.accounts.models import Organisation
from onward.privacy import retention


class Command(BaseCommand):
    help = "List the records past their retention date in each council, for the data protection officer."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--council", help="Only this council (its name)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if not options.get("council"):
            deleted = retention.imported_files_delete(today=today)
            total = sum(deleted.values())
            detail = ", ".join(f"{label} {count}" for label, count in sorted(deleted.items()))
            self.stdout.write(
                f"Imported files deleted under the retention rule: {total}" + (f" ({detail})" if detail else "")
            )
        councils = Organisation.objects.filter(kind=Organisation.Kind.COUNCIL).order_by("name")
        if options.get("council"):
            councils = councils.filter(name=options["council"])
        for council in councils:
            due = retention.past_retention(council, today)
            held = sum(1 for item in due if item.held)
            self.stdout.write(f"{council.name}: {len(due)} past their retention date ({held} under a legal hold)")
            for item in due:
                note = " (legal hold)" if item.held else ""
                extra = f", {item.referrals} referrals" if item.referrals else ""
                self.stdout.write(f"  {item.person.child_id}  {item.rule}{extra}  due {item.due_on:%d/%m/%Y}{note}")

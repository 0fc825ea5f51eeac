"""Write a council's monthly NCCIS feed: ``manage.py export_nccis --council NAME --month YYYY-MM --out FILE.csv``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onward.accounts.models import Organisation
from onward.core import exports
from onward.participation import feed, rules, selectors, services


class Command(BaseCommand):
    help = "Write a council's monthly NCCIS feed (the cohort on the month's last day) as a CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--council", required=True, help="The council's name, as Onward holds it")
        parser.add_argument("--month", required=True, help="The month, YYYY-MM")
        parser.add_argument("--out", required=True, help="The CSV file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            council = Organisation.objects.get(name=options["council"], kind=Organisation.Kind.COUNCIL)
        except Organisation.DoesNotExist:
            raise CommandError(f"No council is called {options['council']}") from None
        try:
            month_end = rules.parse_month(options["month"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        rows = selectors.feed_rows(selectors.council_people(council), month_end)
        services.feed_exported(acting_user=None, council=council, month_end=month_end, rows=len(rows))
        Path(options["out"]).write_bytes(exports.csv_bytes(rows, header=feed.COLUMNS))
        self.stdout.write(f"Wrote {len(rows)} young people to {options['out']}")

"""Store a month's indicators: `python manage.py snapshot_indicators [--council NAME] [--month YYYY-MM]`."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onward.accounts.models import Organisation
from onward.people.selectors import today
from onward.performance import indicators, services
from onward.performance.models import Method


def parse_month(text: str) -> datetime.date:
    """The month end of ``YYYY-MM``; ``CommandError`` with a clear message otherwise."""
    try:
        first = datetime.datetime.strptime(text, "%Y-%m").date()  # noqa: DTZ007 - a date, not a time
    except ValueError:
        raise CommandError(f"Enter the month as YYYY-MM, like 2025-03 (not {text!r})") from None
    return indicators.month_end(first)


class Command(BaseCommand):
    help = (
        "Compute and store every indicator at a month end (by default the last month end) for one council "
        "or all of them, replacing what was stored for that month."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--council", help="The council's name (default: every council)")
        parser.add_argument("--month", help="YYYY-MM (default: the last complete month)")
        parser.add_argument(
            "--method",
            choices=[m.value for m in Method],
            action="append",
            help="Only this counting method (repeat for both; default both)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        councils = Organisation.objects.filter(kind=Organisation.Kind.COUNCIL)
        if options["council"]:
            councils = councils.filter(name=options["council"])
            if not councils.exists():
                raise CommandError(f"There is no council called {options['council']!r}")
        if options["month"]:
            month_end = parse_month(options["month"])
            if month_end > today():
                raise CommandError("The month has not ended yet: choose a month that has")
        else:
            month_end = indicators.month_ends_before(today(), 1)[0]
        methods = options["method"] or [Method.SNAPSHOT, Method.RETURN]
        started = time.perf_counter()
        rows = services.snapshot_take(councils=list(councils), month_end=month_end, methods=methods)
        self.stdout.write(
            f"Stored {rows} figures for {councils.count()} councils at {month_end:%d %B %Y} "
            f"in {time.perf_counter() - started:.1f}s"
        )

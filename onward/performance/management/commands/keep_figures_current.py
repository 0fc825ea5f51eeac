"""Work out today's kept figures for every council: `python manage.py keep_figures_current [--council NAME]`.

Run it just after midnight (ADR 36): the first view of a council's at-risk list or dashboard on a new
day would otherwise work the whole council out itself (about a second at 20,000 young people).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onward.accounts.models import Organisation
from onward.people import stored
from onward.people.selectors import today
from onward.performance import services


class Command(BaseCommand):
    help = "Bring today's kept at-risk scores and indicator facts up to date for one council or every council."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--council", help="The council's name (default: every council)")

    def handle(self, *args: Any, **options: Any) -> None:
        councils = Organisation.objects.filter(kind=Organisation.Kind.COUNCIL).order_by("name")
        if options["council"]:
            councils = councils.filter(name=options["council"])
            if not councils.exists():
                raise CommandError(f"There is no council called {options['council']!r}")
        day = today()
        for council in councils:
            started = time.monotonic()
            stored.keep_risk_current([council.pk], day)
            services.keep_facts_current(council, day)
            self.stdout.write(f"{council.name}: kept figures for {day:%d/%m/%Y} in {time.monotonic() - started:.1f}s")

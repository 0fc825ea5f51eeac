"""Import SSDA903 CSV files for a collection year: check everything, then save all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onward.accounts.models import Organisation
from onward.returns import selectors, services, ssda903
from onward.returns.models import ImportRun

PROBLEMS_SHOWN_PER_FILE = 50


class Command(BaseCommand):
    help = "Import SSDA903 files (header, episodes, OC3, UASC) from a folder; nothing is saved if any row is wrong."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--council", required=True)
        parser.add_argument("--year", required=True, type=int, help="2025 means 1 April 2024 to 31 March 2025")
        parser.add_argument("--preview", action="store_true", help="Check and report only; save nothing")
        parser.add_argument("folder")

    def handle(self, *args: Any, **options: Any) -> None:
        council = Organisation.objects.filter(name=options["council"], kind=Organisation.Kind.COUNCIL).first()
        if council is None:
            raise CommandError(f"There is no council called {options['council']!r}")
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder")
        files = {
            path.name: path.read_bytes().decode("utf-8-sig", errors="replace") for path in sorted(folder.glob("*.csv"))
        }
        if not files:
            raise CommandError(f"There are no CSV files in {folder}")
        try:
            if options["preview"]:
                run = services.ssda903_preview(
                    acting_user=None, council=council, year=options["year"], files=files, background=False
                )
            else:
                run = services.ssda903_import_now(acting_user=None, council=council, year=options["year"], files=files)
        except ssda903.CollectionYearError as error:
            raise CommandError(str(error)) from error
        for key, value in run.summary.items():
            self.stdout.write(f"  {key.replace('_', ' ')}: {value}")
        if run.status == ImportRun.Status.REJECTED:
            shown = selectors.problems_to_show(run.problems, per_file=PROBLEMS_SHOWN_PER_FILE)
            for label, count in shown.counts:
                self.stdout.write(f"  {label}: {count} problems")
            if shown.truncated:
                self.stdout.write(f"  The first {PROBLEMS_SHOWN_PER_FILE} problems in each file:")
            for problem in shown.rows:
                where = f"{problem['table']} row {problem['row']} {problem['column']}".strip() if problem["row"] else ""
                self.stdout.write(f"  {where}: {problem['message']}" if where else f"  {problem['message']}")
            raise CommandError(f"Nothing was imported: {len(run.problems)} problems (report: import run {run.pk})")
        if options["preview"]:
            self.stdout.write(f"Preview only: nothing saved (import run {run.pk})")
            return
        self.stdout.write(self.style.SUCCESS(f"Imported (import run {run.pk})"))

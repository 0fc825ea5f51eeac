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
    # Django's system checks (the settings, models and every app's URLs) are run where the product is deployed
    # and started (``manage.py check --deploy``, ``migrate``, the web server); loading every URL, the API's
    # schemas with them, took about a second of each import's start.
    requires_system_checks: list[str] = []

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
        # CSV files by their extension in any case (.csv, .CSV); each must be UTF-8.
        paths = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
        if not paths:
            raise CommandError(f"There are no CSV files in {folder}")
        files: dict[str, str] = {}
        unreadable: list[str] = []
        for path in paths:
            text, refused = ssda903.decode(path.name, path.read_bytes())
            if text is None:
                unreadable.append(refused or path.name)
            else:
                files[path.name] = text
        if unreadable:
            for message in unreadable:
                self.stdout.write(f"  {message}")
            raise CommandError(f"Nothing was imported: {len(unreadable)} files could not be read")
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
            if isinstance(value, int):
                self.stdout.write(f"  {key.replace('_', ' ')}: {value}")
        for change in run.changes:
            if change.get("what") == services.SET_ASIDE:
                self.stdout.write(f"  {change['detail']}")
        department = run.summary.get("department")
        if department:
            self.stdout.write(
                f"  The Department's rules: {department['error_count']} errors, "
                f"{len(department['departures'])} rows flagged that are right by the law, "
                f"rules that failed to run: {', '.join(department['failed_rules']) or 'none'}"
            )
            for flagged in department["errors"][:PROBLEMS_SHOWN_PER_FILE]:
                self.stdout.write(
                    f"    rule {flagged['code']} ({flagged['table']}, child {flagged['child']}): {flagged['description']}"
                )
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

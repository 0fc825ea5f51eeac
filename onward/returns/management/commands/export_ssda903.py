"""Write the SSDA903 care leavers return (header, episodes, OC3, UASC CSV files) for a council and year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onward.accounts.models import Organisation
from onward.returns import services, ssda903


class Command(BaseCommand):
    help = "Export the SSDA903 care leavers return for a collection year (2025 = 1 April 2024 to 31 March 2025)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--council", required=True)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--out", required=True, help="Folder to write the CSV files into")

    def handle(self, *args: Any, **options: Any) -> None:
        council = Organisation.objects.filter(name=options["council"], kind=Organisation.Kind.COUNCIL).first()
        if council is None:
            raise CommandError(f"There is no council called {options['council']!r}")
        try:
            result = services.return_export(acting_user=None, council=council, year=options["year"])
        except ssda903.CollectionYearError as error:
            raise CommandError(str(error)) from error
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        for name, text in result.files().items():
            (out / name).write_text(text)
        self.stdout.write(
            f"Wrote {len(result.oc3)} OC3 rows, {len(result.header)} header rows and {len(result.episodes)} episodes to {out}"
        )
        if result.issues:
            self.stdout.write(f"{len(result.issues)} young people are left out until their records are complete:")
            for issue in result.issues[:50]:
                self.stdout.write(f"  {issue.person.child_id}: {issue.message}")

"""Export a council's return and run the Department's rules over it. Exit status 0 only if no errors."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onward.accounts.models import Organisation
from onward.returns import selectors, validator


class Command(BaseCommand):
    help = "Check a council's SSDA903 care leavers return with the Department for Education's rules."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--council", required=True)
        parser.add_argument("--year", required=True, type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        council = Organisation.objects.filter(name=options["council"], kind=Organisation.Kind.COUNCIL).first()
        if council is None:
            raise CommandError(f"There is no council called {options['council']!r}")
        result = selectors.build_return(council=council, year=options["year"])
        try:
            checked = validator.validate_files(result.files(), year=options["year"])
        except validator.ValidatorUnavailable as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{len(result.oc3)} OC3 rows checked with {checked.rules_run} rules for {options['year']}: "
            f"{len(checked.errors)} errors"
        )
        for flagged in checked.errors[:100]:
            self.stdout.write(
                f"  rule {flagged['code']} ({flagged['table']}, child {flagged['child']}): {flagged['description']}"
            )
        if checked.errors:
            sys.exit(1)

"""Export a council's return and run the Department's rules over it.

Exit status 0 only if the rules find no errors AND nobody in scope for the year was left out of
OC3: a return that leaves young people out (or is empty) is not a passing return, however clean
the rows it does hold.
"""

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
        if result.issues:
            self.stdout.write(
                f"{len(result.issues)} young people in scope for {options['year']} are left out of OC3 "
                "until their records are complete:"
            )
            for issue in result.issues:
                self.stdout.write(f"  child {issue.person.child_id}: {issue.message}")
        if not result.oc3 and not result.issues:
            self.stdout.write(f"Nobody is in scope for {options['year']}: no care leaver had a birthday to report.")
        if checked.errors or result.issues:
            sys.exit(1)

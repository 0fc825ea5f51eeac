"""Export a council's return and run the Department's rules over it, with Onward's own checks.

Exit status 0 only if there is no real error, no rule failed to run that Onward does not run
itself, AND nobody in scope for the year was left out of OC3: a return that leaves young people
out (or is empty) is not a passing return, however clean the rows it does hold. Rows the published
validator flags by its own reckoning of age, or by a known fault, which are right by the law, are listed
apart and do not fail the check. The cross-year rules run against the previous year's return, as it
stood at that year's end, with the earlier care history of this year's young people.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onward.accounts.models import Organisation
from onward.returns import checking, selectors, ssda903, validator

SHOWN = 100


class Command(BaseCommand):
    help = (
        "Check a council's SSDA903 care leavers return with the Department for Education's rules. "
        "Exits non-zero if a row has an error, a rule could not be run, or anyone in scope for the year "
        "is left out of OC3 (each is listed with the reason, apart from the errors); so an empty return "
        "for a council with care leavers in the year fails."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--council", required=True)
        parser.add_argument("--year", required=True, type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        council = Organisation.objects.filter(name=options["council"], kind=Organisation.Kind.COUNCIL).first()
        if council is None:
            raise CommandError(f"There is no council called {options['council']!r}")
        year = options["year"]
        try:
            result = selectors.build_return(council=council, year=year)
            checked = checking.check_return(result, council=council)
        except ssda903.CollectionYearError as error:
            raise CommandError(str(error)) from error
        except validator.ValidatorUnavailable as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{len(result.oc3)} OC3 rows checked with {checked.rules_run} rules for {year}, against {year - 1}: "
            f"{len(checked.errors)} errors, {len(checked.failed_rules)} rules failed to run, "
            f"{len(checked.departures)} rows the published validator will flag that are right by the law"
        )
        for flagged in checked.errors[:SHOWN]:
            by = "Onward's check of rule" if flagged.get("source") == "onward" else "rule"
            detail = f" ({flagged['detail']})" if flagged.get("detail") else ""
            self.stdout.write(
                f"  {by} {flagged['code']} ({flagged['table']}, child {flagged['child']}): "
                f"{flagged['description']}{detail}"
            )
        for code in checked.failed_rules:
            self.stdout.write(f"  rule {code} failed to run in the published validator: its result is unknown")
        for code in checked.covered_rules:
            self.stdout.write(f"  rule {code} failed to run in the published validator; Onward checked it itself")
        for departure in checked.departures[:SHOWN]:
            self.stdout.write(
                f"  child {departure['child']} will be flagged by rule {departure['code']} in the published "
                f"validator because {departure['reason']}"
            )
        if result.issues:
            self.stdout.write(
                f"{len(result.issues)} young people in scope for {year} are left out of OC3 "
                "until their records are complete:"
            )
            for issue in result.issues:
                self.stdout.write(f"  child {issue.person.child_id}: {issue.message}")
        if not result.oc3 and not result.issues:
            self.stdout.write(f"Nobody is in scope for {year}: no care leaver had a birthday to report.")
        if not checked.passed or result.issues:
            sys.exit(1)

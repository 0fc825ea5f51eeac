"""A return's check: the Department's published rules and Onward's own, each error counted once.

The published validator's results are sorted three ways (docs/adr/0022-ssda903-ages-and-own-rules.md):

* real errors: what the validator flags and the law confirms, and what Onward's own run of the
  rules the validator cannot run correctly (``rules.OWN_RULES``) flags;
* departures: rows the validator will flag by its own reckoning of age that are right by the law,
  each with the reason, counted apart;
* rules that failed to run in the validator. Those Onward runs itself are listed as covered; any
  other makes the check fail, as a real error does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from onward.returns import rules, validator


@dataclass
class ReturnCheck:
    errors: list[dict[str, Any]] = field(default_factory=list)
    departures: list[dict[str, Any]] = field(default_factory=list)
    failed_rules: list[str] = field(default_factory=list)
    covered_rules: list[str] = field(default_factory=list)
    rules_run: int = 0

    @property
    def passed(self) -> bool:
        return not self.errors and not self.failed_rules


def sort_results(
    checked: validator.ValidationResult, tables: rules.Tables, year: int, *, own_rules: bool = True
) -> ReturnCheck:
    """Sort the validator's results for ``tables`` into real errors and departures, adding Onward's own checks."""
    own = rules.own_checks(tables, year) if own_rules else []
    own_keys = {(f.rule, f.child) for f in own}
    predicted = {(d.rule, d.child): d.reason for d in rules.departures(tables, year)}
    result = ReturnCheck(rules_run=checked.rules_run)
    reported: set[tuple[str, str, str]] = set()
    for error in checked.errors:
        key = (str(error["code"]), str(error["child"]))
        if key in predicted and key not in own_keys:
            result.departures.append({**error, "reason": predicted[key]})
            continue
        result.errors.append({**error, "source": "validator"})
        reported.add((key[0], key[1], str(error.get("table", "")).lower()))
    for finding in own:
        if (finding.rule, finding.child, finding.table) not in reported:
            result.errors.append(finding.as_error())
    for code in checked.failed_rules:
        (result.covered_rules if code in rules.OWN_RULES else result.failed_rules).append(code)
    return result


def check_tables(
    tables: Mapping[str, list[dict[str, str]]], files: dict[str, str], *, year: int, local_authority: str = "E06000001"
) -> ReturnCheck:
    """Run the validator over ``files`` (the CSV text of ``tables``) and sort its results."""
    checked = validator.validate_files(files, year=year, local_authority=local_authority)
    return sort_results(checked, tables, year)

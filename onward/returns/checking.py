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

from onward.people import categories
from onward.returns import rules, selectors, ssda903, validator


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
    tables: Mapping[str, list[dict[str, str]]],
    files: dict[str, str],
    *,
    year: int,
    local_authority: str = "E06000001",
    previous: dict[str, list[dict[str, str]]] | None = None,
) -> ReturnCheck:
    """Run the validator over ``files`` (the CSV text of ``tables``) and sort its results.

    With ``previous`` (the previous year's tables) the Department's cross-year rules run too.
    """
    last_files = (
        {f"{name}.csv": ssda903.write_csv(ssda903.TABLE_COLUMNS[name], rows) for name, rows in previous.items()}
        if previous
        else None
    )
    checked = validator.validate_files(files, year=year, local_authority=local_authority, previous=last_files)
    result = sort_results(checked, tables, year)
    if previous:
        _previous_year_departures(result, tables, previous, year)
    return result


def check_return(result: selectors.Return, *, council: Any, local_authority: str = "E06000001") -> ReturnCheck:
    """The check of a return built by ``selectors.build_return``, against the previous year's return."""
    try:
        previous: dict[str, list[dict[str, str]]] | None = previous_year(council=council, this=result)
    except ssda903.CollectionYearError:
        previous = None  # the first year Onward can hold has no previous year
    return check_tables(
        result.tables(), result.files(), year=result.year, local_authority=local_authority, previous=previous
    )


def previous_year(*, council: Any, this: selectors.Return) -> dict[str, list[dict[str, str]]]:
    """The previous year's return as the cross-year rules read it: as it stood at that year's end, with the
    earlier care history of this year's young people (their episodes before this year), so that rules 562,
    NoE, 1001 and 1002 see the episodes that make them care leavers."""
    year = this.year - 1
    last = selectors.build_return(council=council, year=year)
    header = {row["CHILD"]: row for row in last.header}
    episodes = {(row["CHILD"], row["DECOM"]): row for row in last.episodes}
    uasc = {row["CHILD"]: row for row in last.uasc}
    for child, sex, dob, was_uasc, ethnicity, upn in this.earlier_people:
        code = ssda903.sex_code(sex, year) or ""
        header.setdefault(
            child,
            {"CHILD": child, "SEX": code, "DOB": ssda903.format_date(dob), "ETHNIC": ethnicity, "UPN": upn},
        )
        if was_uasc:
            eighteenth = categories.birthday(dob, 18)
            uasc.setdefault(
                child,
                {"CHILD": child, "SEX": code, "DOB": ssda903.format_date(dob), "DUC": ssda903.format_date(eighteenth)},
            )
    for row in this.earlier_episodes:
        episodes.setdefault((row["CHILD"], row["DECOM"]), row)
    return {
        "header": list(header.values()),
        "episodes": list(episodes.values()),
        "oc3": last.oc3,
        "uasc": list(uasc.values()),
    }


def _previous_year_departures(result: ReturnCheck, tables: rules.Tables, previous: rules.Tables, year: int) -> None:
    """Cross-year flags that are faults of the package, made departures with the reason: rule 202 compares SEX
    as written, so across the change of codes (1, 2 to M, F in 2024-25) it flags every child whose sex is the
    same in both years; rule 624 takes this year's blank MC_DOB (rule 628 wants it blank for care leavers not
    looked after in the year) for a contradiction of last year's."""
    this_codes, last_codes = ssda903.sex_codes(year), ssda903.sex_codes(year - 1)
    last_header = {row["CHILD"]: row for row in previous.get("header", [])}
    reasons: dict[tuple[str, str], str] = {}
    for row in tables.get("header", []):
        last = last_header.get(row["CHILD"])
        if last is None:
            continue
        if this_codes != last_codes and last_codes.get(last.get("SEX", "")) == this_codes.get(row.get("SEX", "")):
            reasons["202", row["CHILD"]] = (
                f"it compares the SEX codes as written, and they changed in {year - 1}-{str(year)[2:]} "
                "(from 1 and 2 to M and F): the young person's sex is the same in both years"
            )
        if not row.get("MC_DOB") and last.get("MC_DOB"):
            reasons["624", row["CHILD"]] = (
                "it takes a blank date of birth of the first child for a contradiction of last year's; a care leaver "
                "not looked after this year has no motherhood details (rule 628), which contradicts nothing"
            )
    kept = []
    for error in result.errors:
        reason = reasons.get((str(error["code"]), str(error["child"])))
        if reason:
            result.departures.append({**error, "reason": reason})
        else:
            kept.append(error)
    result.errors = kept

"""The Department's SSDA903 rules that Onward checks itself, by the law's reckoning of age. Pure, no database.

Ages are reckoned once, by ``onward.people.categories``: a person attains an age at the start of
the anniversary of their birth, and someone born on 29 February attains it on 1 March in a year
that is not a leap year (Family Law Reform Act 1969, s 9). The published validator
(``csc-validator-be-903``) reckons some ages differently: a year of 365.2425 days (rule 1016), a
29 February birthday on 28 February (``DateOffset``: rules 1016, 304), and rule 1007 raises on any
29 February child. Where it and the law disagree Onward follows the law, and ``departures``
predicts the rows the validator will flag all the same, with the reason, so they are counted
apart from real errors.

``own_checks`` runs, by the rule text and the law, the rules the package cannot run correctly:
347 (it compares ``ACCOM == "T"``, which no code equals), 1007 (it raises on 29 February
children and never sees an open episode), 231 and 233 (they read columns the CSV files do not
have), and the age rules 391, 1016 and 3001, whose results the import also uses.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from onward.people.categories import age_on, birthday
from onward.returns import ssda903

# A table's rows: a list, or an import's ``ssda903.Table``, read afresh each time it is iterated.
Rows = Iterable[Mapping[str, str]]
Tables = Mapping[str, Rows]

PACKAGE_YEAR_DAYS = 365.2425  # numpy's "Y" unit, with which the package reckons an age at the year's end
LAW = "by law a person born on 29 February attains an age on 1 March in other years (Family Law Reform Act 1969, s 9)"

# The first collection year (named by the year it ends) whose rule pack holds each rule.
FIRST_YEAR = {"347": 2024, "231": 2025, "233": 2026}
# Rules the package cannot run correctly on CSV files: whatever it reports, Onward's own check decides.
OWN_RULES = frozenset({"347", "1007", "231", "233"})
# Rules that mark an OC3 row as out of scope: an import refuses the young person's rows.
OUT_OF_SCOPE_RULES = frozenset({"391", "3001", "1007", "1016"})

DESCRIPTIONS = {
    "347": "Care leavers aged under 18 at the start of the year cannot be accommodated in a foyer (ACCOM T1 or T2).",
    "391": "Young person was not 17, 18, 19, 20 or 21 during the collection year.",
    "1007": "Care leaver information is not required for 17- or 18-year olds who are still looked after on their "
    "17th or 18th birthday.",
    "1016": "Care leaver information is not required for 17- or 18-year olds who cease to be looked after on or "
    "after their birthday.",
    "3001": "Where care leavers information is returned around the 17th birthday, the accommodation cannot be with "
    "former foster carers (Z1 or Z2).",
    "231": "Unaccompanied asylum-seeking children are expected to be older: the young person is under 11 at the "
    "end of the year.",
    "233": "Reason for placement change is not required when the episode has not ceased.",
}


@dataclass(frozen=True)
class Finding:
    """A row that breaks one of the Department's rules, by Onward's own check."""

    rule: str
    table: str
    row: int  # 1-based data row in its table
    child: str
    message: str

    def as_error(self) -> dict[str, object]:
        return {
            "code": self.rule,
            "description": DESCRIPTIONS[self.rule],
            "table": self.table,
            "child": self.child,
            "row": self.row,
            "detail": self.message,
            "source": "onward",
        }


@dataclass(frozen=True)
class Departure:
    """A row the published validator will flag although it is right by the law."""

    rule: str
    child: str
    reason: str


def package_birthday(dob: datetime.date, years: int) -> datetime.date:
    """The birthday as pandas' ``DateOffset`` puts it: 29 February on 28 February in other years."""
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:
        return datetime.date(dob.year + years, 2, 28)


def package_age(dob: datetime.date, day: datetime.date) -> int:
    """The whole years the package reckons between ``dob`` and ``day`` (years of 365.2425 days)."""
    return int((day - dob).days // PACKAGE_YEAR_DAYS)


def _date(row: Mapping[str, str], column: str) -> datetime.date | None:
    try:
        return ssda903.parse_date(row.get(column, ""))
    except ValueError:
        return None


def _applies(rule: str, year: int) -> bool:
    return year >= FIRST_YEAR.get(rule, 0)


def _reported(row: Mapping[str, str]) -> bool:
    return any(row.get(column) for column in ("IN_TOUCH", "ACTIV", "ACCOM"))


def _episodes_by_child(tables: Tables) -> dict[str, list[tuple[datetime.date | None, datetime.date | None]]]:
    spans: dict[str, list[tuple[datetime.date | None, datetime.date | None]]] = {}
    for row in tables.get("episodes", []):
        spans.setdefault(row.get("CHILD", ""), []).append((_date(row, "DECOM"), _date(row, "DEC")))
    return spans


def leaving_birthday(dob: datetime.date, year: int) -> tuple[int, datetime.date] | None:
    """For a young person 17 or 18 at the end of the year, that birthday (rules 1007 and 1016); else None."""
    _start, end = ssda903.collection_window(year)
    age = age_on(dob, end)
    return (age, birthday(dob, age)) if age in (17, 18) else None


def looked_after_on(spans: Sequence[tuple[datetime.date | None, datetime.date | None]], day: datetime.date) -> bool:
    """Whether an episode covers ``day`` (DECOM <= day < DEC, or no DEC)."""
    return any(start is not None and start <= day and (end is None or end > day) for start, end in spans)


def ceased_on_or_after(spans: Sequence[tuple[datetime.date | None, datetime.date | None]], day: datetime.date) -> bool:
    return any(end is not None and end >= day for _start, end in spans)


Spans = Mapping[str, Sequence[tuple[datetime.date | None, datetime.date | None]]]


def own_checks(tables: Tables, year: int, episodes: Spans | None = None) -> list[Finding]:
    """Onward's own run of the rules named in ``OWN_RULES`` and ``OUT_OF_SCOPE_RULES``, by the law.

    ``episodes``, each child's (DECOM, DEC), saves reading the episodes table again when the caller has them
    (``ssda903.ParsedFiles.episode_spans``, from a check that found every row right).
    """
    start, end = ssda903.collection_window(year)
    findings: list[Finding] = []
    if episodes is None:
        episodes = _episodes_by_child(tables)
    for i, row in enumerate(tables.get("oc3", []), start=1):
        child, dob = row.get("CHILD", ""), _date(row, "DOB")
        if dob is None or not _reported(row):
            continue
        if age_on(dob, end) < 17:
            findings.append(Finding("391", "oc3", i, child, f"is {age_on(dob, end)} at the end of the year"))
        accom = row.get("ACCOM", "")
        if _applies("347", year) and accom.startswith("T") and age_on(dob, start) < 18:
            findings.append(
                Finding("347", "oc3", i, child, f"is {age_on(dob, start)} at the start of the year and in a foyer")
            )
        seventeenth = birthday(dob, 17)
        if accom in ("Z1", "Z2") and start <= seventeenth <= end:
            findings.append(
                Finding("3001", "oc3", i, child, f"17th birthday {ssda903.format_date(seventeenth)} is in the year")
            )
        leaving = leaving_birthday(dob, year)
        if leaving is not None:
            age, day = leaving
            spans = episodes.get(child, [])
            when = f"{age}th birthday, {ssda903.format_date(day)}"
            if looked_after_on(spans, day):
                findings.append(Finding("1007", "oc3", i, child, f"looked after on their {when}"))
            if ceased_on_or_after(spans, day):
                findings.append(Finding("1016", "oc3", i, child, f"care ended on or after their {when}"))
    if _applies("231", year):
        for i, row in enumerate(tables.get("uasc", []), start=1):
            dob = _date(row, "DOB")
            if dob is not None and age_on(dob, end) < 11:
                findings.append(Finding("231", "uasc", i, row.get("CHILD", ""), "is under 11 at the end of the year"))
    if _applies("233", year):
        for i, row in enumerate(tables.get("episodes", []), start=1):
            if not row.get("DEC") and row.get("REASON_PLACE_CHANGE"):
                findings.append(Finding("233", "episodes", i, row.get("CHILD", ""), "the episode has not ceased"))
    return findings


def departures(tables: Tables, year: int) -> list[Departure]:
    """The rows the published validator will flag, by its own reckoning of age, that are right by the law.

    A predicted departure counts only if the validator does flag the row (``checking.sort_results``).
    """
    _start, end = ssda903.collection_window(year)
    found: list[Departure] = []
    episodes = _episodes_by_child(tables)
    for row in tables.get("oc3", []):
        child, dob = row.get("CHILD", ""), _date(row, "DOB")
        if dob is None or not _reported(row):
            continue
        if package_birthday(dob, 20) <= end:
            found.append(
                Departure(
                    "1001",
                    child,
                    "with the previous year loaded it leaves young people aged 20 or over at the year's end out of its "
                    "count of days in care (its own note: two years of episodes cannot show their care history), and "
                    "then flags them for having none; Onward reckons their care history from every episode held",
                )
            )
        spans = episodes.get(child, [])
        law = leaving_birthday(dob, year)
        if law is not None and ceased_on_or_after(spans, law[1]):
            continue  # a real error, which the law flags too
        package = package_age(dob, end)
        if package not in (17, 18):
            continue
        package_day = package_birthday(dob, package)
        if not ceased_on_or_after(spans, package_day):
            continue
        if law is None or law[0] != package:
            legal = age_on(dob, end)
            reason = (
                f"it reckons a year as {PACKAGE_YEAR_DAYS} days, so takes this young person to be {package} "
                f"on {ssda903.format_date(end)}; by law they are {legal}"
                + (
                    f", and their care ended before their {legal}th birthday"
                    if law
                    else ", and the rule is for 17 and 18 year olds"
                )
            )
        else:
            reason = (
                f"it puts the {package}th birthday on {ssda903.format_date(package_day)}, on or before the day "
                f"care ended; {LAW}, so their care ended before the birthday"
            )
        found.append(Departure("1016", child, reason))
    for row in tables.get("uasc", []):
        dob, ceased = _date(row, "DOB"), _date(row, "DUC")
        if dob is None or ceased is None:
            continue
        if package_birthday(dob, 18) < ceased <= birthday(dob, 18):
            found.append(
                Departure(
                    "304",
                    row.get("CHILD", ""),
                    f"it puts the 18th birthday on {ssda903.format_date(package_birthday(dob, 18))}, before the "
                    f"date UASC status ceased; {LAW}",
                )
            )
    return found

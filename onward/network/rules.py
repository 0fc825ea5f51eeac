"""Pure rules of the network app: checking identifiers, reading a settings file and a setting's
on-roll list, and matching the list's rows to young people. No database here."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from onward.people import categories
from onward.people.categories import Category

URN = re.compile(r"^\d{6,7}$")
UKPRN = re.compile(r"^1\d{7}$")

IN_CARE_OR_LEFT_CARE = categories.IN_CARE_OR_LEFT_CARE
"""The categories a list exchange covers: every child in care and care leaver."""

LOOKED_AFTER = (Category.LOOKED_AFTER.value, Category.ELIGIBLE.value)


def status_label(category: str) -> str:
    return "Looked after" if category in LOOKED_AFTER else "Care leaver"


def identifier_problems(urn: str, ukprn: str) -> dict[str, str]:
    """What is wrong with a setting's identifiers (a field name to its message); empty if nothing."""
    problems: dict[str, str] = {}
    if urn and not URN.match(urn):
        problems["urn"] = "Enter a URN of 6 or 7 digits, like 123456"
    if ukprn and not UKPRN.match(ukprn):
        problems["ukprn"] = "Enter a UKPRN of 8 digits starting with 1, like 10012345"
    if not urn and not ukprn and not problems:
        problems["urn"] = "Enter the setting's URN or UKPRN (or both)"
    return problems


def parse_date(text: str) -> datetime.date | None:
    """A date written dd/mm/yyyy or yyyy-mm-dd; None if it is neither."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, not a time
        except ValueError:
            continue
    return None


def normalise(name: str) -> str:
    return " ".join(re.sub(r"[^a-z' -]", "", name.lower().replace("-", " ")).split())


# The settings file ------------------------------------------------------------------------------------

SETTING_COLUMNS = ("name", "kind", "urn", "ukprn", "postcode")
KIND_WORDS = {
    "school": "school",
    "college": "college",
    "university": "university",
    "training provider": "training_provider",
    "training_provider": "training_provider",
    "alternative provision": "alternative_provision",
    "alternative_provision": "alternative_provision",
}


@dataclass
class Checked:
    """Rows that passed (each a dict of values, with its row number) and every problem, by row and column."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)


def _header(rows: list[list[str]], needed: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, int] | str:
    if not rows:
        return "The file is empty"
    positions = {cell.strip().lower(): i for i, cell in enumerate(rows[0])}
    missing = [c for c in needed if c not in positions]
    if missing:
        return f"The file needs the columns {', '.join(needed)} (missing: {', '.join(missing)})"
    return {c: positions[c] for c in (*needed, *optional) if c in positions}


def _cell(row: list[str], positions: dict[str, int], name: str) -> str:
    index = positions.get(name)
    return row[index].strip() if index is not None and index < len(row) else ""


def check_settings(rows: list[list[str]]) -> Checked:
    """Check a settings file (header ``name, kind, urn, ukprn, postcode``): every problem is reported;
    a URN or UKPRN given twice in the file is a problem too."""
    result = Checked()
    positions = _header(rows, ("name", "kind"), ("urn", "ukprn", "postcode"))
    if isinstance(positions, str):
        result.problems.append({"row": 1, "column": "", "message": positions})
        return result
    seen: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {c: _cell(row, positions, c) for c in SETTING_COLUMNS}
        before = len(result.problems)
        if not values["name"]:
            result.problems.append({"row": number, "column": "name", "message": "Enter the setting's name"})
        elif len(values["name"]) > 200:
            result.problems.append(
                {"row": number, "column": "name", "message": "The name must be 200 characters or fewer"}
            )
        kind = KIND_WORDS.get(values["kind"].lower())
        if kind is None:
            result.problems.append(
                {
                    "row": number,
                    "column": "kind",
                    "message": "The kind must be school, college, university, training provider or alternative provision",
                }
            )
        for column, message in identifier_problems(values["urn"], values["ukprn"]).items():
            result.problems.append({"row": number, "column": column, "message": message})
        if len(values["postcode"]) > 8:
            result.problems.append({"row": number, "column": "postcode", "message": "Enter a real postcode"})
        for key in ("urn", "ukprn"):
            if values[key]:
                first = seen.setdefault((key, values[key]), number)
                if first != number:
                    result.problems.append(
                        {"row": number, "column": key, "message": f"This {key.upper()} is also on row {first}"}
                    )
        if len(result.problems) == before:
            result.rows.append({"row": number, **values, "kind": kind})
    if not result.rows and not result.problems:
        result.problems.append({"row": 1, "column": "", "message": "The file has no settings in it"})
    return result


# A setting's on-roll list --------------------------------------------------------------------------------

ROLL_NEEDED = ("given name", "family name", "date of birth")
ROLL_OPTIONAL = ("upn",)
ROLL_COLUMNS = ("UPN", "Given name", "Family name", "Date of birth")


@dataclass(frozen=True)
class Candidate:
    """A young person a row may match: id, UPN, names and date of birth."""

    pk: int
    upn: str
    names: frozenset[str]
    family: str
    born: datetime.date


def check_roll(rows: list[list[str]]) -> Checked:
    """Read an on-roll list; a row with a missing name or an unreadable date of birth is a problem.
    Problems name the row and column only: a row's own words are never kept."""
    result = Checked()
    positions = _header(rows, ROLL_NEEDED, ROLL_OPTIONAL)
    if isinstance(positions, str):
        result.problems.append({"row": 1, "column": "", "message": positions})
        return result
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        given, family = _cell(row, positions, "given name"), _cell(row, positions, "family name")
        born = parse_date(_cell(row, positions, "date of birth"))
        before = len(result.problems)
        if not given or not family:
            result.problems.append({"row": number, "column": "name", "message": "Enter the given and family name"})
        if born is None:
            result.problems.append(
                {"row": number, "column": "date of birth", "message": "Enter the date of birth as dd/mm/yyyy"}
            )
        if len(result.problems) == before:
            result.rows.append(
                {
                    "row": number,
                    "upn": _cell(row, positions, "upn").upper(),
                    "given": normalise(given),
                    "family": normalise(family),
                    "born": born,
                }
            )
    return result


def match(
    row: dict[str, Any], by_upn: dict[str, Candidate], by_name: dict[tuple[str, datetime.date], list[Candidate]]
) -> Candidate | None:
    """The one young person a row names: by UPN when both have one, else by family name, a given or
    preferred name and date of birth; None when nobody (or more than one) fits."""
    if row["upn"] and row["upn"] in by_upn:
        return by_upn[row["upn"]]
    found = [c for c in by_name.get((row["family"], row["born"]), []) if row["given"] in c.names]
    return found[0] if len(found) == 1 else None


def index(candidates: list[Candidate]) -> tuple[dict[str, Candidate], dict[tuple[str, datetime.date], list[Candidate]]]:
    by_upn = {c.upn: c for c in candidates if c.upn}
    by_name: dict[tuple[str, datetime.date], list[Candidate]] = {}
    for c in candidates:
        by_name.setdefault((c.family, c.born), []).append(c)
    return by_upn, by_name

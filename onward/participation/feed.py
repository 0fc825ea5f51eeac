"""The monthly NCCIS feed's layout, and reading a returned feed back: pure functions.

The careers service's CCIS takes in the feed each month and sends back its own view of the same
young people in the same layout; :func:`parse` reads that file and :func:`compare` lists where it
differs from what Onward holds. The layout is written up in docs/nccis-feed.md.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from onward.core import codelists, exports

COLUMNS = (
    "YoungPersonID",
    "DateOfBirth",
    "UPN",
    "ULN",
    "AcademicAge",
    "ActivityCode",
    "StartDate",
    "DateAscertained",
    "DueToLapseDate",
    "CurrencyLapsed",
    "CountedAs",
    "LevelOfNeed",
    "SENDFlag",
    "GuaranteeStatus",
    "IntendedDestinationYr11",
    "PeriodEnd",
)
DATE_COLUMNS = ("DateOfBirth", "StartDate", "DateAscertained", "DueToLapseDate", "PeriodEnd")
COMPARED = (
    "DateOfBirth",
    "UPN",
    "ActivityCode",
    "StartDate",
    "DateAscertained",
    "DueToLapseDate",
    "CurrencyLapsed",
    "SENDFlag",
    "GuaranteeStatus",
    "IntendedDestinationYr11",
)
"""The columns a returned feed is checked against; the rest are derived or not held by Onward."""
REQUIRED = ("YoungPersonID", "DateOfBirth", "ActivityCode")
ACTIVITY_CODES = frozenset(code.value for code in codelists.NCCISActivity)


def yes_no(flag: bool) -> str:
    return "Y" if flag else "N"


def text(value: object) -> str:
    """A feed cell as text, the way the feed writes it (dates DD/MM/YYYY)."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime(exports.DATE_FORMAT)
    return str(value)


@dataclass
class Parsed:
    rows: dict[str, tuple[int, dict[str, str]]] = field(default_factory=dict)
    """Rows by YoungPersonID, with their row number (the header is row 1)."""
    problems: list[dict[str, object]] = field(default_factory=list)


class FeedRefused(ValueError):
    """The file cannot be read as a feed at all (its header); nothing is matched."""


def parse(body: str) -> Parsed:
    """Read a returned feed (text checked by ``core.uploads``). A missing required column refuses the
    whole file; a bad cell is a problem on its row (and the row is not matched)."""
    try:
        return _parse(body)
    except csv.Error:
        raise FeedRefused("The file could not be read as a CSV file") from None


def _parse(body: str) -> Parsed:
    reader = csv.DictReader(io.StringIO(body))
    header = [(name or "").strip() for name in reader.fieldnames or []]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise FeedRefused(f"The file needs the columns {', '.join(REQUIRED)} (missing: {', '.join(missing)})")
    reader.fieldnames = header
    parsed = Parsed()
    for number, raw in enumerate(reader, start=2):
        row = {key: exports.unguard((raw.get(key) or "").strip()) for key in header if key}
        person_id = row.get("YoungPersonID", "")
        problem = _row_problem(row)
        if not person_id:
            problem = problem or "The YoungPersonID is blank"
        elif person_id in parsed.rows:
            problem = problem or f"YoungPersonID {person_id} is also on row {parsed.rows[person_id][0]}"
        if problem:
            parsed.problems.append({"row": number, "id": person_id, "field": "", "problem": problem})
            continue
        parsed.rows[person_id] = (number, row)
    return parsed


def _row_problem(row: dict[str, str]) -> str:
    for column in DATE_COLUMNS:
        value = row.get(column, "")
        if value:
            try:
                datetime.datetime.strptime(value, exports.DATE_FORMAT)  # noqa: DTZ007
            except ValueError:
                return f"{column} is not a date in the form DD/MM/YYYY"
    code = row.get("ActivityCode", "")
    if code not in ACTIVITY_CODES:
        return f"ActivityCode {code or '(blank)'} is not an NCCIS activity code"
    return ""


def compare(expected: dict[str, dict[str, str]], parsed: Parsed) -> tuple[int, list[dict[str, object]]]:
    """How many returned rows match a young person of ``expected`` (Onward's own rows by ID), and every
    difference: a value that differs, a young person the return lacks, or one Onward does not hold."""
    found: list[dict[str, object]] = list(parsed.problems)
    matched = 0
    for person_id, (number, row) in parsed.rows.items():
        ours = expected.get(person_id)
        if ours is None:
            found.append(
                {
                    "row": number,
                    "id": person_id,
                    "field": "",
                    "problem": "Onward holds nobody with this ID in the month",
                }
            )
            continue
        matched += 1
        for column in COMPARED:
            if column not in row:
                continue
            if row[column] != ours.get(column, ""):
                found.append(
                    {
                        "row": number,
                        "id": person_id,
                        "field": column,
                        "problem": f"The return says {row[column] or '(blank)'}; Onward has {ours.get(column) or '(blank)'}",
                    }
                )
    for person_id in sorted(set(expected) - set(parsed.rows) - {str(p["id"]) for p in parsed.problems}):
        found.append({"row": "", "id": person_id, "field": "", "problem": "In Onward's cohort but not in the return"})
    return matched, found


def as_text_rows(rows: Sequence[Sequence[object]]) -> dict[str, dict[str, str]]:
    """Onward's feed rows (values) as the text the file holds, by YoungPersonID, to compare with a return."""
    return {text(row[0]): {column: text(value) for column, value in zip(COLUMNS, row, strict=True)} for row in rows}

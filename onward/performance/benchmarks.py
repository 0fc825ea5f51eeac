"""Benchmarks: the national figures (a versioned data file) and councils' comparator figures (a CSV).

The national figures ship with the product in ``data/national_care_leavers.json``: every published
England figure for 2021 to 2025 by indicator code and year ending 31 March, with its source, release
version and rounding notes. A year's figure is *in force* from the date in the file's
``in_force_from`` (the release is published in the November after the year it describes), so a
report run for a past date quotes the figure that was published on that date.

Statistical-neighbour and regional figures are the published figures of other local authorities,
loaded by each council from a CSV whose format is :data:`CSV_COLUMNS` (documented in
``docs/benchmark-csv.md``). :func:`check_csv` is pure: it returns the rows it read and every problem
with its row number, column and reason; the services save a file only when it has no problems.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

NATIONAL_FILE = Path(__file__).parent / "data" / "national_care_leavers.json"

CSV_COLUMNS = ("year", "la_code", "la_name", "comparator", "indicator", "value")
"""The benchmark CSV's columns, in any order; a header row is required."""

NEIGHBOURS_NAMES = frozenset({"statistical neighbours", "statistical neighbour", "neighbours", "sn"})
REGION_NAMES = frozenset({"region", "regional"})
EARLIEST_YEAR = 2000

EXAMPLE_ROWS: tuple[tuple[int | str, ...], ...] = (
    (2025, "E06000001", "Northwick", "statistical neighbours", "eet_19_21", 56),
    (2025, "E06000002", "Southmere", "statistical neighbours", "eet_19_21", 51),
    (2025, "E06000003", "Eastbrook", "region", "eet_19_21", 58),
    (2025, "E06000001", "Northwick", "statistical neighbours", "neet_19_21", 38),
    (2025, "E06000002", "Southmere", "statistical neighbours", "neet_19_21", 42),
    (2025, "E06000003", "Eastbrook", "region", "neet_19_21", 35),
)
"""A downloadable example in the columns of :data:`CSV_COLUMNS` (invented authority names and codes)."""


# National figures --------------------------------------------------------------------------------


@cache
def national_data() -> dict[str, Any]:
    """The national data file, parsed once."""
    with NATIONAL_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def in_force_from(year: int) -> datetime.date:
    """The date a year's published figures are first quoted (the release follows the year's end)."""
    recorded = national_data()["in_force_from"].get(str(year))
    return datetime.date.fromisoformat(recorded) if recorded else datetime.date(year, 12, 1)


def year_in_force(as_at: datetime.date) -> int:
    """The latest year ending 31 March whose figures were published on ``as_at``."""
    year = as_at.year
    return year if as_at >= in_force_from(year) else year - 1


def national_codes() -> list[str]:
    return list(national_data()["indicators"])


def national_for_year(code: str, year: int) -> Decimal | None:
    """The national figure for ``code`` in the year ending 31 March ``year``, if published."""
    indicator = national_data()["indicators"].get(code)
    if indicator is None:
        return None
    value = indicator["values"].get(str(year))
    return None if value is None else Decimal(str(value))


def national_series(code: str) -> dict[int, Decimal]:
    indicator = national_data()["indicators"].get(code)
    if indicator is None:
        return {}
    return {int(year): Decimal(str(value)) for year, value in indicator["values"].items()}


def national_year(code: str, as_at: datetime.date) -> int | None:
    """The year of the latest national figure for ``code`` published on ``as_at``."""
    series = national_series(code)
    latest = year_in_force(as_at)
    years = [year for year in series if year <= latest]
    return max(years) if years else None


def national(code: str, as_at: datetime.date) -> Decimal | None:
    """The latest published national figure for ``code`` in force on ``as_at``; ``None`` if there is none."""
    year = national_year(code, as_at)
    return None if year is None else national_for_year(code, year)


def national_source_text() -> str:
    """One line naming the national figures' source and release, for reports."""
    data = national_data()
    return f"{data['source']['publisher']}, {data['release']} (data file version {data['version']})"


def national_reader(code: str) -> Any:
    """A ``national(as_at)`` callable for ``IndicatorSource.national``; ``None`` without a national figure."""
    if code not in national_data()["indicators"]:
        return None

    def read(as_at: datetime.date) -> Decimal | None:
        return national(code, as_at)

    return read


# The comparator CSV --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class CheckedFile:
    """What :func:`check_csv` found: the good rows (as model field values) and every problem."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        groups = sorted({(r["kind"], r["comparator"]) for r in self.rows})
        return {
            "rows": len(self.rows) + len({p.row for p in self.problems if p.row}),
            "values": len(self.rows),
            "rejected": len(self.problems),
            "comparators": [name for _, name in groups],
            "indicators": sorted({r["indicator"] for r in self.rows}),
            "years": sorted({r["year"] for r in self.rows}),
        }


def comparator_kind(name: str) -> str:
    """Which kind of comparator a group's name means: statistical neighbours, region, or another."""
    normalised = " ".join(name.lower().replace("_", " ").split())
    if normalised in NEIGHBOURS_NAMES:
        return "neighbours"
    if normalised in REGION_NAMES:
        return "region"
    return "other"


def check_csv(content: bytes, *, known_indicators: set[str], today: datetime.date) -> CheckedFile:
    """Read a benchmark CSV and check every row; a problem names its row (the header is row 1) and column."""
    result = CheckedFile()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.problems.append(Problem(0, "", "The file must be a CSV file saved as UTF-8"))
        return result
    lines = list(csv.reader(io.StringIO(text)))
    if not any(any(cell.strip() for cell in row) for row in lines):
        result.problems.append(Problem(0, "", "The file is empty"))
        return result
    header = [cell.strip().lower() for cell in lines[0]]
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        result.problems.append(
            Problem(
                1,
                ", ".join(missing),
                f"The header row is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            )
        )
        return result
    position = {column: header.index(column) for column in CSV_COLUMNS}
    seen: dict[tuple[str, str, int, str], int] = {}
    for number, raw in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        cells = {column: (raw[index].strip() if index < len(raw) else "") for column, index in position.items()}
        problems = _row_problems(cells, known_indicators, today)
        if problems:
            result.problems.extend(Problem(number, column, message) for column, message in problems)
            continue
        year = int(cells["year"])
        group = " ".join(cells["comparator"].lower().split())
        key = (group, cells["indicator"], year, cells["la_code"].upper())
        if key in seen:
            result.problems.append(
                Problem(
                    number, "la_code", f"Duplicates row {seen[key]}: the same authority, indicator, year and comparator"
                )
            )
            continue
        seen[key] = number
        result.rows.append(
            {
                "kind": comparator_kind(cells["comparator"]),
                "comparator": cells["comparator"],
                "year": year,
                "la_code": cells["la_code"].upper(),
                "la_name": cells["la_name"],
                "indicator": cells["indicator"],
                "value": Decimal(cells["value"]),
            }
        )
    if not result.rows and not result.problems:
        result.problems.append(Problem(0, "", "The file has a header row but no figures"))
    return result


def _row_problems(cells: dict[str, str], known: set[str], today: datetime.date) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for column in CSV_COLUMNS:
        if not cells[column]:
            problems.append((column, f"Enter the {column.replace('_', ' ')}"))
    if cells["year"]:
        if not cells["year"].isdigit():
            problems.append(("year", f"'{cells['year']}' is not a year: enter the year ending 31 March, like 2025"))
        elif not EARLIEST_YEAR <= int(cells["year"]) <= today.year + 1:
            problems.append(("year", f"{cells['year']} is not a year with published figures"))
    if cells["indicator"] and cells["indicator"] not in known:
        problems.append(("indicator", f"'{cells['indicator']}' is not an indicator code Onward knows"))
    if cells["value"]:
        try:
            value = Decimal(cells["value"].rstrip("%"))
        except InvalidOperation:
            problems.append(("value", f"'{cells['value']}' is not a number"))
        else:
            if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
                problems.append(("value", f"{cells['value']} is not a percentage from 0 to 100"))
            else:
                cells["value"] = str(value.quantize(Decimal("0.1")))
    return problems

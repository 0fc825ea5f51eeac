"""Case-system exports (CSV or XLSX) mapped to Onward's records with a saved column mapping."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from onward.core import codelists, uploads
from onward.people.models import PEP, AccommodationSpell, Contact
from onward.returns.models import ColumnMapping

# For each record type: the Onward fields, whether each is required, and the coded ones' choices.
FIELDS: dict[str, list[tuple[str, str, bool]]] = {
    ColumnMapping.RecordType.EET: [
        ("child_id", "Child identifier", True),
        ("activity", "Activity", True),
        ("start", "Start date", True),
        ("end", "End date", False),
        ("provider", "Provider or employer", False),
        ("part_time", "Part time (yes or no)", False),
    ],
    ColumnMapping.RecordType.ACCOMMODATION: [
        ("child_id", "Child identifier", True),
        ("accommodation_type", "Accommodation type", True),
        ("suitability", "Suitable (yes or no)", True),
        ("start", "Start date", True),
        ("end", "End date", False),
    ],
    ColumnMapping.RecordType.CONTACT: [
        ("child_id", "Child identifier", True),
        ("date", "Date of contact", True),
        ("in_touch", "In touch", True),
        ("method", "How", False),
    ],
    ColumnMapping.RecordType.PEP: [
        ("child_id", "Child identifier", True),
        ("date", "Date of PEP meeting", True),
        ("school_year", "School year", True),
        ("social_worker_attended", "Social worker attended (yes or no)", True),
        ("quality", "Quality", True),
    ],
}
CODED: dict[str, list[tuple[str, str]]] = {
    "activity": list(codelists.EETActivity.choices),
    "accommodation_type": list(codelists.AccommodationType.choices),
    "suitability": [("suitable", "Suitable"), ("unsuitable", "Not suitable")],
    "in_touch": list(codelists.InTouch.choices),
    "method": list(Contact.Method.choices),
    "part_time": [("yes", "Yes"), ("no", "No")],
    "social_worker_attended": [("yes", "Yes"), ("no", "No")],
    "quality": list(PEP.Quality.choices),
}
DATE_FIELDS = {"start", "end", "date"}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


@dataclass
class MappedRow:
    number: int
    values: dict[str, Any]


@dataclass
class Mapped:
    rows: list[MappedRow] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)


def read_rows(name: str, content: bytes) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a CSV or XLSX file, as text.

    Raises ``uploads.Refused`` (with the message to show) for a file that is not UTF-8 CSV or a
    real XLSX, or has more rows than ``ONWARD_UPLOAD_MAX_ROWS``: an XLSX is streamed, never
    loaded whole.
    """
    if name.lower().endswith(".xlsx"):
        rows = [
            ["" if v is None else (v.strftime("%d/%m/%Y") if isinstance(v, datetime.date) else str(v)) for v in row]
            for row in uploads.xlsx_rows(name, content)
        ]
    else:
        rows = uploads.csv_rows(name, uploads.decode_text(name, content))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        return [], []
    return [c.strip() for c in rows[0]], [[c.strip() for c in r] for r in rows[1:]]


def _code(field_name: str, raw: str, mapping: ColumnMapping) -> str | None:
    translated = {k.strip().lower(): v for k, v in (mapping.values.get(field_name) or {}).items()}
    value = translated.get(raw.strip().lower(), raw.strip())
    for code, label in CODED[field_name]:
        if value.lower() in (code.lower(), label.lower()):
            return code
    return None


def map_rows(mapping: ColumnMapping, header: list[str], rows: list[list[str]]) -> Mapped:
    """Apply the mapping to each row; report every problem by row and column."""
    result = Mapped()
    positions = {h.lower(): i for i, h in enumerate(header)}
    columns: dict[str, int] = {}
    for name, label, required in FIELDS[mapping.record_type]:
        column = (mapping.columns.get(name) or "").strip()
        if not column:
            if required:
                result.problems.append(
                    {"row": 0, "column": label, "message": "The mapping does not say which column holds this"}
                )
            continue
        if column.lower() not in positions:
            if required:
                result.problems.append(
                    {
                        "row": 0,
                        "column": column,
                        "message": f"The file has no column called {column} (for {label.lower()})",
                    }
                )
            continue
        columns[name] = positions[column.lower()]
    if result.problems:
        return result
    for number, cells in enumerate(rows, start=1):
        values: dict[str, Any] = {}
        problems_before = len(result.problems)
        for name, label, required in FIELDS[mapping.record_type]:
            if name not in columns:
                continue
            raw = cells[columns[name]] if columns[name] < len(cells) else ""
            source = header[columns[name]]
            if not raw:
                if required:
                    result.problems.append({"row": number, "column": source, "message": f"{label} is missing"})
                values[name] = None if name in DATE_FIELDS else ""
                continue
            if name in DATE_FIELDS:
                try:
                    values[name] = datetime.datetime.strptime(raw, mapping.date_format).date()  # noqa: DTZ007 - a date, not a time
                except ValueError:
                    example = datetime.date(2025, 3, 27).strftime(mapping.date_format)
                    result.problems.append(
                        {"row": number, "column": source, "message": f"{raw} is not a date in the form {example}"}
                    )
            elif name in CODED:
                code = _code(name, raw, mapping)
                if code is None:
                    result.problems.append(
                        {
                            "row": number,
                            "column": source,
                            "message": f"{raw} is not a value the mapping knows for {label.lower()}",
                        }
                    )
                else:
                    values[name] = code
            elif name == "school_year":
                year = raw.lower().removeprefix("year").strip()
                if year.isdigit() and 1 <= int(year) <= 13:
                    values[name] = int(year)
                else:
                    result.problems.append(
                        {"row": number, "column": source, "message": f"{raw} is not a school year from 1 to 13"}
                    )
            else:
                values[name] = raw
        if len(result.problems) == problems_before:
            if "part_time" in values:
                values["part_time"] = values["part_time"] == "yes"
            if "social_worker_attended" in values:
                values["social_worker_attended"] = values["social_worker_attended"] == "yes"
            if "suitability" in values:
                values["suitability"] = (
                    AccommodationSpell.Suitability.SUITABLE
                    if values["suitability"] == "suitable"
                    else AccommodationSpell.Suitability.UNSUITABLE
                )
            result.rows.append(MappedRow(number, values))
    return result

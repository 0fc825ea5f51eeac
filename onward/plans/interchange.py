"""A plan as a spreadsheet: the template, the export, and the reading and checking of an upload.

One row per item. The same columns go out (template, export) and come in (import), so a plan
exported and imported again is the same plan. Everything here is pure: reading a file, checking
every row and writing a file. Saving an import is ``services.plan_import``, which saves nothing
unless every row is right.

Every problem is reported with its row number (as the spreadsheet shows it: the header is row 1)
and its column name, in GOV.UK wording: "Row 7, Target dates: enter a date in the format 31/03/2027".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from onward.core import exports, uploads
from onward.plans.schemes import Scheme

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
DATE_FORMAT = "%d/%m/%Y"
EXAMPLE_DATE = "31/03/2027"
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    key: str
    name: str
    required: bool
    what: str
    max_length: int | None = None


STATUSES = ("open", "achieved", "superseded", "withdrawn")

COLUMNS: tuple[Column, ...] = (
    Column("section_reference", "Section reference", False, "The theme, area or objective's number, for example 2", 20),
    Column(
        "section_title",
        "Section title",
        False,
        "The theme, area or objective. Rows with the same section reference must have the same title. "
        "Leave blank for an item outside any section",
        300,
    ),
    Column("section_aim", "Section aim", False, "What the section aims to achieve (on any one row of the section)"),
    Column("item_reference", "Item reference", True, "The item's number, unique in the plan, for example 2.3", 20),
    Column("text", "Item text", True, "The recommendation, action or milestone"),
    Column(
        "leads",
        "Leads",
        False,
        "Who leads the item: an officer's email address (to link their account) or a name, several separated by ;",
        300,
    ),
    Column(
        "target_dates",
        "Target dates",
        False,
        f"Dates in the format {EXAMPLE_DATE}, each optionally followed by what is due then, several separated by ; "
        f"(for example: {EXAMPLE_DATE} 3 apprenticeships; 31/03/2028 5 apprenticeships)",
    ),
    Column("agreed_action", "Agreed action", False, "What was agreed will be done"),
    Column("success_measure", "Success measure", False, "How we will know it has worked"),
    Column("status", "Status", True, "One of: open, achieved, superseded, withdrawn"),
    Column("status_reason", "Status reason", False, "Why the item was superseded or withdrawn (required for those)"),
    Column(
        "update_date",
        "Update date",
        False,
        f"The date of the latest update, in the format {EXAMPLE_DATE}; blank means the day of the import",
    ),
    Column("rating", "Rating", False, "The latest rating, in the plan's rating scheme (see the allowed values)"),
    Column("rating_explanation", "Rating explanation", False, "Why that rating was given"),
    Column("achievements", "Achievements", False, "Achieved so far, one per line in the cell"),
    Column("next_steps", "Next steps", False, "The next steps, one per line in the cell"),
    Column("evidence_of_progress", "Evidence of progress", False, "What has happened, with figures where there are"),
    Column("evidence_of_impact", "Evidence of impact", False, "The difference it has made to young people"),
    Column("initial_response", "Initial response", False, "Scrutiny plans: the first response to the recommendation"),
    Column("second_response", "Second response", False, "Scrutiny plans: the second response"),
    Column("outstanding_actions", "Outstanding actions", False, "Scrutiny plans: what is still to do"),
)
BY_NAME = {column.name.lower(): column for column in COLUMNS}
UPDATE_KEYS = (
    "rating",
    "rating_explanation",
    "achievements",
    "next_steps",
    "evidence_of_progress",
    "evidence_of_impact",
    "initial_response",
    "second_response",
    "outstanding_actions",
)


class UnreadableFile(Exception):
    """The upload is not a file we can read at all (wrong type, empty, damaged): said in GOV.UK words."""


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.column}: {self.message}" if self.column else f"Row {self.row}: {self.message}"


@dataclass
class ParsedItem:
    row: int
    reference: str
    text: str
    leads: list[str]
    target_dates: list[tuple[datetime.date, str]]
    agreed_action: str
    success_measure: str
    status: str
    status_reason: str
    update: dict[str, Any] | None  # the update fields, or None when the row has none


@dataclass
class ParsedSection:
    reference: str
    title: str
    aim: str = ""
    items: list[ParsedItem] = field(default_factory=list)


@dataclass
class Parsed:
    sections: list[ParsedSection] = field(default_factory=list)
    loose_items: list[ParsedItem] = field(default_factory=list)  # items outside any section
    problems: list[Problem] = field(default_factory=list)

    @property
    def items(self) -> list[ParsedItem]:
        return [i for s in self.sections for i in s.items] + self.loose_items


# Reading ----------------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, datetime.date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(name: str, content: bytes) -> list[tuple[int, list[str]]]:
    """The rows of a CSV or XLSX file with their spreadsheet row numbers (the header is row 1).

    Blank rows are dropped but the numbers of the others stay as the spreadsheet shows them.
    Raises :class:`UnreadableFile` with a message for the person uploading.
    """
    lower = name.lower()
    if not lower.endswith((".csv", ".xlsx")):
        raise UnreadableFile("The selected file must be a CSV or XLSX file")
    if not content:
        raise UnreadableFile("The selected file is empty")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UnreadableFile("The selected file must be smaller than 5 MB")
    raw: list[list[str]]
    try:
        if lower.endswith(".xlsx"):
            # Streamed, and refused past the limit: blank rows are dropped below, so allow some.
            read = uploads.xlsx_rows("The selected file", content, sheet="Items", limit=MAX_ROWS * 2)
            raw = [[_cell_text(v) for v in row] for row in read]
            # A sheet's rows run to its widest used column: cut them to the header's width, as a CSV's are.
            width = max((i + 1 for i, cell in enumerate(raw[0]) if cell.strip()), default=0) if raw else 0
            raw = [row[:width] if len(row) > width and not any(c.strip() for c in row[width:]) else row for row in raw]
        else:
            try:
                text = uploads.decode_text("The selected file", content)
            except uploads.Refused:
                raise UnreadableFile("The selected file must be saved as CSV UTF-8") from None
            raw = uploads.csv_rows("The selected file", text, limit=MAX_ROWS * 2)
    except uploads.Refused as error:
        raise UnreadableFile(str(error)) from None
    rows = [
        (number, [exports.unguard(c.strip()) for c in row])
        for number, row in enumerate(raw, start=1)
        if any(c.strip() for c in row)
    ]
    if not rows:
        raise UnreadableFile("The selected file is empty")
    if len(rows) == 1:
        raise UnreadableFile("The selected file has a header row but no items")
    if len(rows) > MAX_ROWS + 1:
        raise UnreadableFile(f"The selected file must have at most {MAX_ROWS} items")
    return rows


def _lines(text: str) -> list[str]:
    return [line.strip().lstrip("✓⇒").strip() for line in text.splitlines() if line.strip().lstrip("✓⇒").strip()]


def parse_date(text: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(text.strip(), DATE_FORMAT).date()  # noqa: DTZ007 - a date, no time
    except ValueError:
        return None


def _rating_lookup(scheme: Scheme) -> dict[str, str]:
    """What may be written in the rating column: the key, the label or "key. label", any case."""
    lookup: dict[str, str] = {}
    for rating in scheme.ratings:
        for spelling in (rating.key, rating.label, rating.display, f"{rating.key} {rating.label}"):
            lookup[spelling.strip().lower()] = rating.key
    return lookup


def allowed_ratings(scheme: Scheme) -> str:
    return ", ".join(r.key if r.key == r.label else f"{r.key} ({r.label})" for r in scheme.ratings)


def parse_rows(
    rows: list[tuple[int, list[str]]], *, scheme: Scheme, today: datetime.date, taken: set[str] | None = None
) -> Parsed:
    """Check every row and build the plan they describe. ``taken``: item references already in the plan.

    Every problem in every row is collected; the caller saves nothing if there is any.
    """
    parsed = Parsed()
    header_number, header = rows[0]
    columns: dict[int, Column] = {}
    for index, name in enumerate(header):
        if not name:
            continue
        column = BY_NAME.get(name.strip().lower())
        if column is None:
            parsed.problems.append(
                Problem(header_number, name, "this column is not one of the template's: remove it or correct its name")
            )
        elif column in columns.values():
            parsed.problems.append(Problem(header_number, name, "this column appears more than once"))
        else:
            columns[index] = column
    for column in COLUMNS:
        if column.required and column not in columns.values():
            parsed.problems.append(Problem(header_number, column.name, "the column is missing from the header row"))
    if parsed.problems:
        return parsed

    ratings = _rating_lookup(scheme)
    sections: dict[str, ParsedSection] = {}
    section_rows: dict[str, int] = {}
    seen: dict[str, int] = {}
    taken_lower = {t.lower() for t in (taken or set())}
    for number, cells in rows[1:]:
        values = {c.key: "" for c in COLUMNS}
        for index, column in columns.items():
            if index < len(cells):
                values[column.key] = cells[index]
        problems: list[Problem] = []

        def problem(key: str, message: str, *, _number: int = number, _problems: list[Problem] = problems) -> None:
            _problems.append(Problem(_number, next(c.name for c in COLUMNS if c.key == key), message))

        for column in COLUMNS:
            if column.max_length and len(values[column.key]) > column.max_length:
                problem(column.key, f"must be {column.max_length} characters or fewer")
        reference = values["item_reference"]
        if not reference:
            problem("item_reference", "enter the item reference")
        elif reference.lower() in seen:
            problem("item_reference", f"{reference} is already used in row {seen[reference.lower()]}")
        elif reference.lower() in taken_lower:
            problem("item_reference", f"{reference} is already an item in this plan")
        else:
            seen[reference.lower()] = number
        if not values["text"]:
            problem("text", "enter the item text")
        status = values["status"].lower() or "open"
        if status not in STATUSES:
            problem("status", "enter open, achieved, superseded or withdrawn")
        elif status in ("superseded", "withdrawn") and not values["status_reason"]:
            problem("status_reason", f"enter the reason the item was {status}")
        target_dates: list[tuple[datetime.date, str]] = []
        for part in filter(None, (p.strip() for p in values["target_dates"].split(LIST_SEPARATOR))):
            first, _, rest = part.partition(" ")
            day = parse_date(first)
            if day is None:
                problem("target_dates", f"enter a date in the format {EXAMPLE_DATE}")
                break
            target_dates.append((day, rest.strip()))
        update: dict[str, Any] | None = None
        if any(values[k] for k in UPDATE_KEYS):
            rating = ""
            if values["rating"]:
                rating = ratings.get(values["rating"].lower(), "")
                if not rating:
                    problem("rating", f"enter one of {allowed_ratings(scheme)}, or leave it blank")
            dated = today
            if values["update_date"]:
                parsed_day = parse_date(values["update_date"])
                if parsed_day is None:
                    problem("update_date", f"enter a date in the format {EXAMPLE_DATE}")
                elif parsed_day > today:
                    problem("update_date", "the date of the update must be today or in the past")
                else:
                    dated = parsed_day
            if values["rating_explanation"] and not rating and not values["rating"]:
                problem("rating", "enter the rating the explanation is for")
            update = {
                "dated": dated,
                "rating": rating,
                "rating_explanation": values["rating_explanation"],
                "achievements": _lines(values["achievements"]),
                "next_steps": _lines(values["next_steps"]),
                "evidence_of_progress": values["evidence_of_progress"],
                "evidence_of_impact": values["evidence_of_impact"],
                "initial_response": values["initial_response"],
                "second_response": values["second_response"],
                "outstanding_actions": values["outstanding_actions"],
            }
        elif values["update_date"]:
            problem("update_date", "enter the update (a rating, progress or evidence) or leave the date blank")
        section_key = values["section_reference"] or values["section_title"]
        section: ParsedSection | None = None
        if section_key:
            section = sections.get(section_key.lower())
            if section is None:
                if not values["section_title"]:
                    problem("section_title", "enter the section title")
                section = ParsedSection(values["section_reference"], values["section_title"], values["section_aim"])
                sections[section_key.lower()] = section
                section_rows[section_key.lower()] = number
                parsed.sections.append(section)
            else:
                if values["section_title"] and section.title and values["section_title"] != section.title:
                    problem(
                        "section_title",
                        f"section {section_key} has a different title in row {section_rows[section_key.lower()]}: "
                        "use the same title on every row of a section",
                    )
                if values["section_aim"] and section.aim and values["section_aim"] != section.aim:
                    problem(
                        "section_aim",
                        f"section {section_key} has a different aim in row {section_rows[section_key.lower()]}: "
                        "give the aim once, or the same on every row",
                    )
                section.title = section.title or values["section_title"]
                section.aim = section.aim or values["section_aim"]
        parsed.problems += problems
        if problems:
            continue
        item = ParsedItem(
            row=number,
            reference=reference,
            text=values["text"],
            leads=[lead.strip() for lead in values["leads"].split(LIST_SEPARATOR) if lead.strip()],
            target_dates=target_dates,
            agreed_action=values["agreed_action"],
            success_measure=values["success_measure"],
            status=status,
            status_reason=values["status_reason"],
            update=update,
        )
        (section.items if section is not None else parsed.loose_items).append(item)
    return parsed


# Writing -------------------------------------------------------------------------------------------------


def header() -> list[str]:
    return [column.name for column in COLUMNS]


def notes_rows(scheme: Scheme | None) -> list[list[str]]:
    rows = [["Column", "Required", "What to enter"]]
    for column in COLUMNS:
        what = column.what
        if column.key == "rating" and scheme is not None:
            what = f"{what}. This plan's scheme ({scheme.name}) allows: {allowed_ratings(scheme)}"
        elif column.key == "rating":
            what = f"{what}. RAG plans use G, A or R; graded plans use 1, 2, 3 or 4"
        if column.max_length:
            what = f"{what}. At most {column.max_length} characters"
        rows.append([column.name, "Yes" if column.required else "No", what])
    rows.append(["", "", ""])
    rows.append(["Rows", "", "One row per item. The header row must stay as it is; columns may be in any order."])
    rows.append(
        ["Import", "", "If any row is wrong, nothing is imported and every problem is listed with its row and column."]
    )
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    """The header and a row per item, marked as UTF-8 for Excel; text that could start a formula guarded."""
    return exports.csv_bytes(rows, header=header(), bom=True)


def to_xlsx(rows: list[list[str]], *, scheme: Scheme | None) -> bytes:
    """An Items sheet (header row, frozen, then one row per item) and a Notes sheet explaining each column."""
    widths = [40.0 if column.max_length is None else 20.0 for column in COLUMNS]
    notes = notes_rows(scheme)
    return exports.xlsx_bytes(
        [
            exports.Sheet("Items", rows, header=header(), widths=widths, wrap=True, text_format=True),
            exports.Sheet("Notes", notes[1:], header=notes[0], widths=[24, 10, 110], freeze_header=False),
        ]
    )

"""The SSDA903 CSV format: tables, code lists by collection year, dates. Pure functions, no database.

A collection year is named by the year it ends, as the Department's validator does: 2025 means
1 April 2024 to 31 March 2025 (REFERENCE.md §1.2).
"""

from __future__ import annotations

import csv
import datetime
import functools
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from onward.core import codelists, exports

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "uasc": ("CHILD", "SEX", "DOB", "DUC"),
}
TABLE_LABELS = {"header": "Header", "episodes": "Episodes", "oc3": "OC3 (care leavers)", "uasc": "UASC"}
# The return's other tables (REFERENCE.md §1.1): recognised in a full SSDA903 folder, named and set aside.
OTHER_TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "OC2": (
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
    "AD1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "Placed for adoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "Previous permanence": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "Social worker episodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    "Deprivation of liberty orders": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
}
CHILD_MAX_LENGTH = 20  # the register's child identifier
URN_MAX_LENGTH = 8  # an Ofsted URN: 7 digits, or SC and 6 digits
DATE_COLUMNS = {"DOB", "MC_DOB", "DECOM", "DEC", "DUC"}
UPN_PATTERN = re.compile(r"^([A-HJ-NP-RT-Z]\d{12}|\d{11}[A-Z]|UN[1-5])$")
POSTCODE_PATTERN = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")

ACCOM_CODES = frozenset(
    {f"{letter}{digit}" for letter in codelists.AccommodationType.values for digit in "12"} - {"S1", "X1"} | {"0"}
)
ACTIV_CODES = frozenset(codelists.Activ.values)
ETHNIC_CODES = frozenset(codelists.Ethnicity.values)
RNE_CODES = frozenset(codelists.ReasonNewEpisode.values)
LS_CODES = frozenset(codelists.LegalStatus.values)
CIN_CODES = frozenset(codelists.CategoryOfNeed.values)
PROVIDER_CODES = frozenset(codelists.PlacementProvider.values)
REC_CODES = frozenset(codelists.ReasonEpisodeCeased.values)
IN_TOUCH_CODES = frozenset(codelists.InTouch.values)
MOTHER_CODES = frozenset({"0", "1"})
REASON_PLACE_CHANGE = frozenset(
    {"CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ", "PLACE", "CUSTOD", "OTHER"}
)


class CollectionYearError(ValueError):
    pass


def collection_window(year: int) -> tuple[datetime.date, datetime.date]:
    """1 April of the year before to 31 March of ``year``."""
    if not 2015 <= year <= 2100:
        raise CollectionYearError("Enter a collection year like 2025 (for 1 April 2024 to 31 March 2025)")
    return datetime.date(year - 1, 4, 1), datetime.date(year, 3, 31)


def sex_codes(year: int) -> dict[str, str]:
    """The return's SEX codes for the year, mapped to Onward's stored sex (M, F, U)."""
    if year >= 2025:
        return {"M": "M", "F": "F", "U": "U"}
    return {"1": "M", "2": "F"}


def sex_code(sex: str, year: int) -> str | None:
    """Onward's stored sex as the return's code for the year; None if the year cannot express it."""
    for code, stored in sex_codes(year).items():
        if stored == sex:
            return code
    return None


def placement_codes(year: int) -> frozenset[str]:
    codes = {c for c in codelists.PlacementType.values if c not in ("K3", "Z11", "Z12", "Z13", "Z14")}
    if year >= 2025:
        codes.add("K3")
    if year >= 2026:
        codes -= {"H5", "P2", "Z1"}
        codes |= {"Z11", "Z12", "Z13", "Z14"}
    return frozenset(codes)


def format_date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


DATE_PATTERN = re.compile(r"\d{2}/\d{2}/\d{4}")


@functools.lru_cache(maxsize=16384)
def parse_date(value: str) -> datetime.date:
    """A dd/mm/YYYY date; anything else (ISO dates included) is refused.

    Remembered (the import reads a date of birth or an episode's dates in each of its passes, and many
    children share a day); a refusal is not remembered, and raised each time."""
    if not DATE_PATTERN.fullmatch(value):
        raise ValueError("must be a date in the form dd/mm/yyyy, like 27/03/2007")
    try:
        return datetime.date(int(value[6:]), int(value[3:5]), int(value[:2]))
    except ValueError:
        raise ValueError("must be a real date") from None


@dataclass
class Problem:
    table: str
    row: int  # 1-based data row number (the header line is row 0)
    column: str
    child: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "child": self.child,
            "message": self.message,
        }


class Table:
    """One table's rows, read from its CSV text a row at a time each time it is iterated.

    The rows are never all held at once: an import of tens of thousands of children keeps the text
    it was given and, while it reads, one row and what it needs to remember about each child (its
    checks, its comparison with the register and its writes each read the table again). Each row is
    a dict of upper-cased column to stripped, upper-cased value, as ``csv.DictReader`` gives it.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        # Upper case once for the whole text, not on every value each time the table is read: a string's
        # upper case is its characters' (none of which is a comma, quote or line end, nor becomes one).
        self.text = text.upper()

    def __iter__(self) -> Iterator[dict[str, str]]:
        # As csv.DictReader reads: the first line names the columns; blank lines are skipped, a short row's
        # missing values are empty and a long row's extra values are dropped (``zip`` stops at the shorter).
        reader = csv.reader(_lines(self.text))
        columns = [column.strip() for column in next(reader, [])]
        blanks = [""] * len(columns)
        strip = str.strip
        for values in reader:
            if not values:
                continue
            if len(values) < len(columns):
                values += blanks[len(values) :]
            yield dict(zip(columns, map(strip, values), strict=False))


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings, one at a time (``io.StringIO`` would copy it all first)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


@dataclass
class ParsedFiles:
    tables: dict[str, Table] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)  # "name: the TABLE table, which Onward does not hold"
    table_files: dict[str, str] = field(default_factory=dict)  # file name to table, for every table recognised
    # Each child's episodes as (DECOM, DEC), set by ``check_rows`` only when it finds no problem (every
    # episode then has a child and readable dates): what ``rules.own_checks`` would read the table again for.
    episode_spans: dict[str, list[tuple[datetime.date, datetime.date | None]]] | None = None


def decode(name: str, content: bytes) -> tuple[str | None, str | None]:
    """The text of a file, which must be UTF-8 (a byte order mark is allowed). Returns (text, problem)."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content:
        return (
            None,
            f"{name}: the file is saved as UTF-16: save it as UTF-8 (CSV UTF-8 in Excel's Save As) and try again",
        )
    try:
        return content.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    return None, (
        f"{name}: the file is not UTF-8 (it looks like a Windows or Latin-1 file): save it as UTF-8 "
        "(CSV UTF-8 in Excel's Save As) and try again"
    )


def other_table(columns: tuple[str, ...]) -> str | None:
    """The name of the return's other table with exactly these columns, if any."""
    return next((label for label, expected in OTHER_TABLE_COLUMNS.items() if set(columns) == set(expected)), None)


def read_table(name: str, content: bytes | str) -> tuple[str | None, Table, str | None]:
    """Recognise a table by its exact columns. Returns (table, rows, problem): the rows are read as they
    are iterated (``Table``), never all at once.

    One of the return's tables Onward does not hold comes back as ``other:LABEL`` with no rows.
    """
    if isinstance(content, bytes):
        text, problem = decode(name, content)
        if text is None:
            return None, Table(""), problem
    else:
        text = content
    reader = csv.DictReader(_lines(text))
    columns = tuple(c.strip().upper() for c in (reader.fieldnames or []))
    table = next((key for key, expected in TABLE_COLUMNS.items() if set(columns) == set(expected)), None)
    if table is None and (label := other_table(columns)) is not None:
        return f"other:{label}", Table(""), None
    if table is None:
        closest = max(TABLE_COLUMNS, key=lambda key: len(set(TABLE_COLUMNS[key]) & set(columns)))
        expected = set(TABLE_COLUMNS[closest])
        missing = sorted(expected - set(columns))
        extra = sorted(set(columns) - expected)
        detail = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unexpected {', '.join(extra)}" if extra else "",
            )
            if part
        )
        return (
            None,
            Table(""),
            f"{name}: the columns do not match any SSDA903 table (closest is {TABLE_LABELS[closest]}: {detail})",
        )
    return table, Table(text), None


def read_files(files: Mapping[str, bytes | str]) -> ParsedFiles:
    parsed = ParsedFiles()
    for name, content in sorted(files.items()):
        table, rows, problem = read_table(name, content)
        if table is not None:
            parsed.table_files[name] = table
        if problem:
            parsed.file_problems.append(problem)
        elif table is not None and table.startswith("other:"):
            parsed.set_aside.append(f"{name}: the {table[6:]} table, which Onward does not hold, was set aside")
        elif table in parsed.tables:
            parsed.file_problems.append(f"{name}: there is more than one {TABLE_LABELS[table]} file")
        elif table is not None:
            parsed.tables[table] = rows
    return parsed


def check_rows(parsed: ParsedFiles, year: int) -> None:
    """Check every field against the year's code lists, and the tables against each other.

    Adds a Problem for each bad value (row and column named); checks duplicate children in the
    header, DEC/REC pairing and overlapping episodes, and OC3/UASC children missing from the header.
    """
    add = parsed.problems.append
    sexes = frozenset(sex_codes(year))
    places = placement_codes(year)
    header_children: dict[str, int] = {}
    header_dobs: dict[str, str] = {}  # what the other tables are checked against, a child at a time

    def check_date(table: str, i: int, row: dict[str, str], column: str, required: bool) -> datetime.date | None:
        value = row.get(column, "")
        if not value:
            if required:
                add(Problem(table, i, column, row.get("CHILD", ""), "is missing"))
            return None
        try:
            return parse_date(value)
        except ValueError as error:
            add(Problem(table, i, column, row.get("CHILD", ""), str(error)))
            return None

    def check_code(
        table: str, i: int, row: dict[str, str], column: str, valid: frozenset[str] | set[str], required: bool = True
    ) -> None:
        value = row.get(column, "")
        if not value:
            if required:
                add(Problem(table, i, column, row.get("CHILD", ""), "is missing"))
            return
        if value not in valid:
            add(
                Problem(
                    table,
                    i,
                    column,
                    row.get("CHILD", ""),
                    f"{value} is not a valid code for {year - 1}-{str(year)[2:]}",
                )
            )

    # Each table is read once: the length of CHILD is checked in the same pass as the table's other checks,
    # and its problems are put first, table by table, as a pass of their own would report them.
    first = len(parsed.problems)
    too_long: dict[str, list[Problem]] = {table: [] for table in parsed.tables}

    def check_length(table: str, i: int, child: str) -> None:
        if len(child) > CHILD_MAX_LENGTH:
            too_long[table].append(
                Problem(table, i, "CHILD", child[:CHILD_MAX_LENGTH], f"must be at most {CHILD_MAX_LENGTH} characters")
            )

    for table, rows in parsed.tables.items():
        if table not in TABLE_COLUMNS:  # a table with no checks of its own
            for i, row in enumerate(rows, start=1):
                check_length(table, i, row.get("CHILD", ""))
    for i, row in enumerate(parsed.tables.get("header", []), start=1):
        child = row.get("CHILD", "")
        check_length("header", i, child)
        if not child:
            add(Problem("header", i, "CHILD", "", "is missing"))
        elif child in header_children:
            add(Problem("header", i, "CHILD", child, f"appears more than once (also row {header_children[child]})"))
        else:
            header_children[child] = i
            header_dobs[child] = row.get("DOB", "")
        check_code("header", i, row, "SEX", sexes)
        check_date("header", i, row, "DOB", True)
        check_code("header", i, row, "ETHNIC", ETHNIC_CODES)
        if row.get("UPN") and not UPN_PATTERN.match(row["UPN"]):
            add(Problem("header", i, "UPN", child, "must be 13 characters, like A123456789012, or UN1 to UN5"))
        check_code("header", i, row, "MOTHER", MOTHER_CODES, required=False)
        check_date("header", i, row, "MC_DOB", False)

    # (row, start, end, whether the end is known): a DEC that is given but unreadable is reported
    # once, for DEC, and leaves the end unknown rather than open.
    episodes_by_child: dict[str, list[tuple[int, datetime.date, datetime.date | None, bool]]] = {}
    for i, row in enumerate(parsed.tables.get("episodes", []), start=1):
        child = row.get("CHILD", "")
        check_length("episodes", i, child)
        if not child:
            add(Problem("episodes", i, "CHILD", "", "is missing"))
        start = check_date("episodes", i, row, "DECOM", True)
        end = check_date("episodes", i, row, "DEC", False)
        check_code("episodes", i, row, "RNE", RNE_CODES)
        check_code("episodes", i, row, "LS", LS_CODES)
        check_code("episodes", i, row, "CIN", CIN_CODES, required=False)
        check_code("episodes", i, row, "PLACE", places)
        check_code("episodes", i, row, "PLACE_PROVIDER", PROVIDER_CODES, required=False)
        check_code("episodes", i, row, "REC", REC_CODES, required=False)
        check_code("episodes", i, row, "REASON_PLACE_CHANGE", REASON_PLACE_CHANGE, required=False)
        if bool(row.get("DEC")) != bool(row.get("REC")):
            add(
                Problem(
                    "episodes", i, "REC", child, "the date and reason the episode ceased must both be given, or neither"
                )
            )
        if start and end and end < start:
            add(Problem("episodes", i, "DEC", child, "is before the date the episode started"))
        if len(row.get("URN", "")) > URN_MAX_LENGTH:
            add(
                Problem(
                    "episodes",
                    i,
                    "URN",
                    child,
                    f"must be at most {URN_MAX_LENGTH} characters, like 1234567 or SC123456",
                )
            )
        for column in ("HOME_POST", "PL_POST"):
            if row.get(column) and not POSTCODE_PATTERN.match(row[column]):
                add(Problem("episodes", i, column, child, "must be a full postcode, like AB1 2CD"))
        if child and header_children and child not in header_children:
            add(Problem("episodes", i, "CHILD", child, "is not in the header file"))
        if child and start:
            end_known = end is not None or not row.get("DEC")
            episodes_by_child.setdefault(child, []).append((i, start, end, end_known))
    for child, spans in episodes_by_child.items():
        spans.sort(key=lambda span: span[1])
        for (i, _start, end, end_known), (j, next_start, _next_end, _known) in itertools.pairwise(spans):
            if not end_known:
                continue  # whether they overlap cannot be told until the end date is put right
            if end is None or next_start < end:
                add(Problem("episodes", j, "DECOM", child, f"overlaps the episode on row {i}"))

    for table in ("oc3", "uasc"):
        seen: dict[str, int] = {}
        for i, row in enumerate(parsed.tables.get(table, []), start=1):
            child = row.get("CHILD", "")
            check_length(table, i, child)
            if not child:
                add(Problem(table, i, "CHILD", "", "is missing"))
                continue
            if child in seen:
                add(Problem(table, i, "CHILD", child, f"appears more than once (also row {seen[child]})"))
            seen[child] = i
            if child not in header_children:
                add(Problem(table, i, "CHILD", child, "is not in the header file"))
            dob = check_date(table, i, row, "DOB", True)
            header_dob = header_dobs.get(child)
            if dob and header_dob and header_dob != row.get("DOB"):
                add(Problem(table, i, "DOB", child, "differs from the date of birth in the header"))
            if table == "oc3":
                check_code(table, i, row, "IN_TOUCH", IN_TOUCH_CODES)
                check_code(table, i, row, "ACTIV", ACTIV_CODES)
                check_code(table, i, row, "ACCOM", ACCOM_CODES)
                if row.get("IN_TOUCH") in ("DIED", "RHOM") and (row.get("ACTIV") != "0" or row.get("ACCOM") != "0"):
                    add(Problem(table, i, "ACTIV", child, "must be 0, with ACCOM 0, when IN_TOUCH is DIED or RHOM"))
                if row.get("IN_TOUCH") == "YES" and "0" in (row.get("ACTIV"), row.get("ACCOM")):
                    add(Problem(table, i, "ACTIV", child, "must not be 0 when IN_TOUCH is YES"))
            else:
                check_code(table, i, row, "SEX", sexes)
                check_date(table, i, row, "DUC", False)
    parsed.problems[first:first] = [problem for problems in too_long.values() for problem in problems]
    if not parsed.problems:
        parsed.episode_spans = {
            child: [(start, end) for _i, start, end, _known in spans] for child, spans in episodes_by_child.items()
        }


# ACTIV back to Onward's activities (for import): part time where the code says so.
ACTIV_TO_ACTIVITY: dict[str, tuple[str, bool]] = {
    "F1": (codelists.EETActivity.HIGHER_EDUCATION, False),
    "P1": (codelists.EETActivity.HIGHER_EDUCATION, True),
    "F2": (codelists.EETActivity.FURTHER_EDUCATION, False),
    "P2": (codelists.EETActivity.FURTHER_EDUCATION, True),
    "F4": (codelists.EETActivity.APPRENTICESHIP, False),
    "P4": (codelists.EETActivity.APPRENTICESHIP, True),
    "F5": (codelists.EETActivity.EMPLOYMENT_FULL_TIME, False),
    "P5": (codelists.EETActivity.EMPLOYMENT_PART_TIME, False),
    "G4": (codelists.EETActivity.NEET_ILLNESS, False),
    "G5": (codelists.EETActivity.NEET_OTHER, False),
    "G6": (codelists.EETActivity.NEET_PARENTING, False),
}


def write_csv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    """One table of the return as CSV, through the export guard (a CHILD or postcode never runs as a formula)."""
    return exports.csv_text(
        ([row.get(column, "") for column in columns] for row in rows), header=columns, line_end="\n"
    )

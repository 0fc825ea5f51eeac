"""Every CSV and XLSX file the service writes, written so that no cell can run as a formula.

A spreadsheet takes a cell starting ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return
before one) for a formula, and a formula can fetch a web address or run a command: text from a
form or an uploaded file must never become one (OWASP, "CSV injection"). So every text cell that
starts with one of those gets an apostrophe in front (``'=SUM(A1)``), in a CSV and in a workbook
alike, and a workbook writes text as a string cell, never a formula. Real numbers (negative ones
too), dates and blanks stay typed values: a number is a number cell, a date a date cell, and in a
CSV a date is written 31/03/2025.

Nothing else in ``onward`` makes a CSV writer or a workbook (a test checks): build rows in a
selector and hand them to :func:`csv_text`, :func:`csv_response` (or
:func:`csv_streaming_response`), :func:`xlsx_bytes` or :func:`xlsx_response`; several CSV files
go out in one :func:`zip_response`. A file read back in (a plan's template) undoes the apostrophe with
:func:`unguard`.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_CONTENT_TYPE = "application/zip"
DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
XLSX_DATE_FORMAT = "dd/mm/yyyy"
XLSX_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"

Value = str | int | float | Decimal | datetime.date | None


def neutralise(text: str) -> str:
    """Text a spreadsheet shows as text: an apostrophe before anything that could start a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def unguard(text: str) -> str:
    """Undo :func:`neutralise` on text read back from a file this module wrote."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def cell_value(value: object) -> Value:
    """The typed value a workbook cell holds: numbers, dates and blanks as they are, text neutralised.

    ``True`` and ``False`` are written "Yes" and "No"; anything else (a label, a lazy string) as text.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        return _local(value)
    if isinstance(value, datetime.date):
        return value
    return neutralise(str(value))


def csv_value(value: object) -> str:
    """A CSV cell: numbers as written (-3 stays a number), dates as 31/03/2025, text neutralised."""
    typed = cell_value(value)
    if typed is None:
        return ""
    if isinstance(typed, datetime.datetime):
        return typed.strftime(DATETIME_FORMAT)
    if isinstance(typed, datetime.date):
        return typed.strftime(DATE_FORMAT)
    return str(typed)


# CSV -------------------------------------------------------------------------------------------------


class _Line:
    """A file-like object that hands back what the CSV writer writes, one line at a time."""

    def write(self, text: str) -> str:
        return text


def csv_lines(
    rows: Iterable[Sequence[object]], *, header: Sequence[str] | None = None, line_end: str = "\r\n"
) -> Iterator[str]:
    """The CSV, one line at a time (for a streamed download)."""
    writer = csv.writer(_Line(), lineterminator=line_end)
    if header is not None:
        yield writer.writerow([csv_value(v) for v in header])
    for row in rows:
        yield writer.writerow([csv_value(v) for v in row])


def csv_text(rows: Iterable[Sequence[object]], *, header: Sequence[str] | None = None, line_end: str = "\r\n") -> str:
    """The whole CSV as text."""
    return "".join(csv_lines(rows, header=header, line_end=line_end))


def csv_bytes(rows: Iterable[Sequence[object]], *, header: Sequence[str] | None = None, bom: bool = False) -> bytes:
    """The CSV as UTF-8; with ``bom``, marked so that Excel reads it as UTF-8."""
    return csv_text(rows, header=header).encode("utf-8-sig" if bom else "utf-8")


def attachment(content: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    """A download of ``content`` under ``filename``."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(
    filename: str, rows: Iterable[Sequence[object]], *, header: Sequence[str] | None = None, bom: bool = False
) -> HttpResponse:
    """A CSV download."""
    return attachment(csv_bytes(rows, header=header, bom=bom), content_type=CSV_CONTENT_TYPE, filename=filename)


def csv_streaming_response(
    filename: str, rows: Iterable[Sequence[object]], *, header: Sequence[str] | None = None
) -> StreamingHttpResponse:
    """A CSV download written line by line as it is sent (for long files)."""
    response = StreamingHttpResponse(csv_lines(rows, header=header), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def zip_bytes(files: dict[str, str]) -> bytes:
    """A ZIP of text files (CSV files written here), each under its name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def zip_response(filename: str, files: dict[str, str]) -> HttpResponse:
    """A ZIP download of text files (CSV files written here), each under its name."""
    return attachment(zip_bytes(files), content_type=ZIP_CONTENT_TYPE, filename=filename)


# XLSX ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """A worksheet: an optional bold header row, then the rows.

    ``widths`` sets column widths from the first column on (``None`` leaves one as it is);
    ``wrap`` wraps the body's text at the top of each cell; ``text_format`` marks the body's cells
    as text, so what someone types there later stays text too (an import template).
    """

    title: str
    rows: Iterable[Sequence[object]]
    header: Sequence[str] = ()
    widths: Sequence[float | None] = field(default_factory=tuple)
    wrap: bool = False
    text_format: bool = False
    freeze_header: bool = True


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of ``sheets``, in order. No cell is a formula; numbers and dates are typed."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    wrapped = Alignment(wrap_text=True, vertical="top")
    for spec in sheets:
        sheet = book.create_sheet(spec.title)
        for index, width in enumerate(spec.widths, start=1):
            if width is not None:
                sheet.column_dimensions[get_column_letter(index)].width = width
        if spec.header:
            if spec.freeze_header:
                sheet.freeze_panes = "A2"
            heading = []
            for title in spec.header:
                cell = _cell(sheet, WriteOnlyCell, title)
                cell.font = bold
                heading.append(cell)
            sheet.append(heading)
        for row in spec.rows:
            cells = []
            for value in row:
                cell = _cell(sheet, WriteOnlyCell, value)
                if spec.wrap:
                    cell.alignment = wrapped
                if spec.text_format and cell.data_type == "s":
                    cell.number_format = "@"
                cells.append(cell)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet: object, make: type, value: object):  # type: ignore[no-untyped-def]
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    typed = cell_value(value)
    if isinstance(typed, str) and ILLEGAL_CHARACTERS_RE.search(typed):
        # Control characters cannot be stored in a workbook; take them out before guarding what is left.
        typed = neutralise(ILLEGAL_CHARACTERS_RE.sub("", unguard(typed)))
    cell = make(sheet, value=typed)
    if isinstance(typed, str):
        cell.data_type = "s"  # a string, never a formula, whatever it starts with
    elif isinstance(typed, datetime.datetime):
        cell.number_format = XLSX_DATETIME_FORMAT
    elif isinstance(typed, datetime.date):
        cell.number_format = XLSX_DATE_FORMAT
    return cell


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    """An XLSX download."""
    return attachment(xlsx_bytes(sheets), content_type=XLSX_CONTENT_TYPE, filename=filename)

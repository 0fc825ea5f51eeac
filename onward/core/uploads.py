"""What every uploaded file goes through before anything parses it (ADR 15).

Limits come from settings (``ONWARD_UPLOAD_MAX_MB``, ``ONWARD_UPLOAD_MAX_ROWS``,
``ONWARD_UPLOAD_MAX_UNZIPPED_MB``). A file is refused with :class:`Refused`, whose message is
written for the person uploading (GOV.UK style), as soon as it breaks one:

- text files (CSV) must be UTF-8 with no NUL byte: UTF-16 without a byte order mark decodes as
  "UTF-8" full of NULs, which no database column or CSV reader should be handed;
- an XLSX must be a real zip holding a workbook, its sheets must not unpack to more than the
  unzipped limit (a small file can declare gigabytes), and its rows are counted from the declared
  dimension and then streamed (openpyxl read-only), stopping at the row limit instead of loading
  a million rows into memory.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings

MB = 1024 * 1024
# Cells beyond this column are not read: a sheet can declare 16,384 columns on every row.
MAX_COLUMNS = 200
XLSX_ADVICE = "save it from your spreadsheet as an Excel Workbook (.xlsx)"


class Refused(Exception):
    """An upload Onward will not read; ``str(error)`` is the message to show."""


def max_bytes() -> int:
    return int(settings.ONWARD_UPLOAD_MAX_MB) * MB


def max_rows() -> int:
    return int(settings.ONWARD_UPLOAD_MAX_ROWS)


def describe_size(size: int) -> str:
    return f"{size // MB} MB" if size >= MB else f"{size // 1024} KB"


def check_size(name: str, size: int, *, limit: int | None = None) -> None:
    """Refuse a file larger than ``limit`` bytes (the configured upload limit unless given)."""
    limit = min(limit or max_bytes(), max_bytes())
    if size > limit:
        raise Refused(f"{name} must be smaller than {describe_size(limit)}")


def decode_text(name: str, raw: bytes) -> str:
    """The text of a CSV file, which must be UTF-8 (a byte order mark is allowed) with no NUL byte."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Refused(f"{name} must be saved as UTF-8, not UTF-16")
    if b"\x00" in raw:
        raise Refused(f"{name} must be saved as UTF-8 (it holds NUL characters, as a UTF-16 file does)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused(f"{name} must be saved as UTF-8") from None


def csv_rows(name: str, text: str, *, limit: int | None = None) -> list[list[str]]:
    """The rows of CSV text (the header included), refusing more than ``limit`` data rows."""
    limit = limit or max_rows()
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text)):
            rows.append(row)
            if len(rows) > limit + 1:
                raise Refused(f"{name} has more than {limit:,} rows: split it into smaller files")
    except csv.Error:
        raise Refused(f"{name} could not be read as a CSV file") from None
    return rows


def count_csv_rows(text: str) -> int:
    """Data rows in CSV text (lines after the header), without parsing it."""
    return max(len(text.splitlines()) - 1, 0)


def check_xlsx(name: str, content: bytes) -> None:
    """Refuse what is not a workbook, or a workbook that would unpack to more than the limit."""
    if not content:
        raise Refused(f"{name} is empty")
    buffer = io.BytesIO(content)
    if not zipfile.is_zipfile(buffer):
        raise Refused(f"{name} could not be read as an XLSX file: {XLSX_ADVICE}")
    try:
        with zipfile.ZipFile(buffer) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Refused(f"{name} could not be read as an XLSX file: {XLSX_ADVICE}") from None
    if "xl/workbook.xml" not in {info.filename for info in infos}:
        raise Refused(f"{name} could not be read as an XLSX file: {XLSX_ADVICE}")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > int(settings.ONWARD_UPLOAD_MAX_UNZIPPED_MB) * MB:
        raise Refused(f"{name} is too large once unpacked ({describe_size(unpacked)}): split it into smaller files")


def _xlsx_stream(name: str, content: bytes, *, sheet: str | None, limit: int) -> Iterator[tuple[Any, ...]]:
    """Stream a sheet's rows (``sheet`` if the workbook has it, else the first), header included.

    A sheet whose declared dimension is over ``limit`` data rows is refused unread; otherwise
    rows are yielded one at a time and the stream refuses the file on passing the limit.
    """
    from openpyxl import load_workbook

    too_many = f"the most Onward reads from one file is {limit:,}; split it into smaller files"
    check_xlsx(name, content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook; each means the same here
        raise Refused(f"{name} could not be read as an XLSX file: {XLSX_ADVICE}") from None
    try:
        if not book.worksheets:
            raise Refused(f"{name} has no sheets")
        worksheet = book[sheet] if sheet and sheet in book.sheetnames else book.worksheets[0]
        declared = worksheet.max_row
        if declared is not None and declared > limit + 1:
            raise Refused(f"{name} has {declared - 1:,} rows: {too_many}")
        # Rows beyond a declared dimension are read too (openpyxl would trust it and stop), and
        # counted here; the declared width, if any, bounds each row.
        width = min(worksheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
        worksheet.reset_dimensions()
        count = 0
        rows = worksheet.iter_rows(values_only=True, max_col=width)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception:
                raise Refused(f"{name} could not be read as an XLSX file: {XLSX_ADVICE}") from None
            count += 1
            if count > limit + 1:
                raise Refused(f"{name} has more than {limit:,} rows: {too_many}")
            yield row
    finally:
        book.close()


def xlsx_rows(
    name: str, content: bytes, *, sheet: str | None = None, limit: int | None = None
) -> list[tuple[Any, ...]]:
    """Every row of a sheet, header included, read by streaming and refused past ``limit`` data rows."""
    return list(_xlsx_stream(name, content, sheet=sheet, limit=limit or max_rows()))


def xlsx_row_count(name: str, content: bytes, *, stop_at: int, sheet: str | None = None) -> int:
    """Data rows in a sheet, counted no further than ``stop_at`` (enough to choose foreground or
    background work); the file is checked and refused as :func:`xlsx_rows` would."""
    count = -1
    for _row in _xlsx_stream(name, content, sheet=sheet, limit=max_rows()):
        count += 1
        if count >= stop_at:
            break
    return max(count, 0)


def row_count(name: str, content: bytes, *, stop_at: int) -> int:
    """Data rows in a CSV or XLSX upload (XLSX counted no further than ``stop_at``); refuses as the readers do."""
    if name.lower().endswith(".xlsx"):
        return xlsx_row_count(name, content, stop_at=stop_at)
    rows = count_csv_rows(decode_text(name, content))
    if rows > max_rows():
        raise Refused(f"{name} has more than {max_rows():,} rows: split it into smaller files")
    return rows

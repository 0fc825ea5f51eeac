"""Documents built from blocks: headings, paragraphs and tables, written as PDF, DOCX or XLSX.

A report is a :class:`Document`: a title and a list of blocks. The same blocks give the page on
screen (a template iterates over them), a PDF (WeasyPrint from an HTML template, with page numbers
from CSS ``@page`` counters), a DOCX (python-docx: real headings, table header rows repeated on
each page, a PAGE field in the footer) and an XLSX workbook (one sheet per table). Nothing here
knows about performance: the helpers could move to ``onward/core/documents.py``.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string

from onward.core import exports

Cell = str | int | float | None


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2
    kind: str = "heading"


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "paragraph"


@dataclass(frozen=True)
class Table:
    """A table with one header row; ``numeric`` marks the columns to right-align (by index)."""

    caption: str
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    numeric: frozenset[int] = frozenset()
    sheet: str = ""
    kind: str = "table"

    def sheet_name(self, taken: set[str]) -> str:
        """A worksheet name: at most 31 characters, none of ``[]:*?/\\``, unique in the workbook."""
        base = re.sub(r"[\[\]:*?/\\]", " ", self.sheet or self.caption).strip()[:31] or "Table"
        name, counter = base, 2
        while name.lower() in taken:
            suffix = f" ({counter})"
            name, counter = base[: 31 - len(suffix)] + suffix, counter + 1
        taken.add(name.lower())
        return name


@dataclass(frozen=True)
class Chart:
    """A chart as SVG (its inline script already removed): drawn into the PDF as it is, and into the
    DOCX as a PNG made from the same SVG. ``caption`` says what it shows; a table beside it holds the data."""

    caption: str
    svg: str
    kind: str = "chart"

    @property
    def data_uri(self) -> str:
        """The SVG as a data URI, for an ``<img>`` in the PDF's HTML."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()

    def png(self, width: int = 1600) -> bytes:
        """The same SVG drawn as a PNG ``width`` pixels wide (Cairo, through cairosvg)."""
        import cairosvg

        result: bytes = cairosvg.svg2png(bytestring=self.svg.encode(), output_width=width)
        return result


@dataclass(frozen=True)
class Commentary:
    """A section's commentary, with who wrote it and when."""

    text: str
    author: str
    dated: str
    kind: str = "commentary"

    @property
    def byline(self) -> str:
        return f"Commentary by {self.author}, {self.dated}"


Block = Heading | Paragraph | Table | Chart | Commentary


@dataclass
class Document:
    title: str
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)
    footer: str = ""

    def heading(self, text: str, level: int = 2) -> None:
        self.blocks.append(Heading(text, level))

    def paragraph(self, text: str) -> None:
        self.blocks.append(Paragraph(text))

    def table(self, caption: str, header: Sequence[str], rows: Sequence[Sequence[Cell]], **options: Any) -> None:
        self.blocks.append(Table(caption, list(header), [list(r) for r in rows], **options))

    def chart(self, caption: str, svg: str) -> None:
        self.blocks.append(Chart(caption, svg))

    def commentary(self, text: str, author: str, dated: str) -> None:
        self.blocks.append(Commentary(text, author, dated))

    @property
    def charts(self) -> list[Chart]:
        return [block for block in self.blocks if isinstance(block, Chart)]

    @property
    def tables(self) -> list[Table]:
        return [block for block in self.blocks if isinstance(block, Table)]


def _text(value: Cell) -> str:
    return "" if value is None else str(value)


# PDF ----------------------------------------------------------------------------------------------


def warm_pdf_engine() -> None:
    """Load WeasyPrint and its fonts once, ahead of the first PDF.

    Importing WeasyPrint and laying out a first page take seconds (fontconfig reads every font on
    the machine); gunicorn calls this in each worker as it starts (``post_worker_init`` in
    ``deploy/gunicorn.conf.py``), so no one's first committee document waits for it.
    """
    from weasyprint import HTML

    HTML(string="<p>Onward</p>").write_pdf()


def to_pdf(document: Document, *, template: str = "documents/document_pdf.html") -> bytes:
    """The document as PDF, through WeasyPrint; page numbers come from the template's ``@page`` rules."""
    from weasyprint import HTML

    html = render_to_string(template, {"document": document})
    result: bytes = HTML(string=html).write_pdf()
    return result


# DOCX ---------------------------------------------------------------------------------------------


def _page_number_field(paragraph: Any) -> None:
    """Append a Word PAGE field (the current page number) to ``paragraph``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run_with(element: Any) -> None:
        run = paragraph.add_run()
        run._r.append(element)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(begin)
    run_with(instruction)
    run_with(separate)
    paragraph.add_run("1")
    run_with(end)


def _repeat_header_row(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def to_docx(document: Document) -> bytes:
    """The document as DOCX: Word headings, tables with a repeating header row, page numbers in the footer."""
    from docx import Document as WordDocument
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    word = WordDocument()
    # Landscape A4, as the PDF is, so a chart and a wide table fit the page.
    page = word.sections[0]
    page.orientation = WD_ORIENT.LANDSCAPE
    page.page_width, page.page_height = Cm(29.7), Cm(21)
    for side in ("left_margin", "right_margin"):
        setattr(page, side, Cm(1.6))
    word.core_properties.title = document.title
    word.add_heading(document.title, level=0)
    if document.subtitle:
        word.add_paragraph(document.subtitle)
    for block in document.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=min(max(block.level - 1, 1), 9))
        elif isinstance(block, Paragraph):
            word.add_paragraph(block.text)
        elif isinstance(block, Chart):
            word.add_picture(io.BytesIO(block.png()), width=Cm(24))
            word.add_paragraph(block.caption, style="Caption")
        elif isinstance(block, Commentary):
            for line in block.text.splitlines():
                if line.strip():
                    word.add_paragraph(line.strip())
            word.add_paragraph().add_run(block.byline).italic = True
        else:
            word.add_paragraph(block.caption, style="Caption")
            table = word.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            header = table.rows[0]
            _repeat_header_row(header)
            for index, text in enumerate(block.header):
                cell = header.cells[index]
                cell.text = ""
                run = cell.paragraphs[0].add_run(text)
                run.bold = True
            for values in block.rows:
                cells = table.add_row().cells
                for index, value in enumerate(values):
                    cells[index].text = _text(value)
                    if index in block.numeric:
                        cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = word.sections[0].footer.paragraphs[0]
    footer.text = f"{document.footer} Page " if document.footer else "Page "
    _page_number_field(footer)
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


# XLSX ---------------------------------------------------------------------------------------------


def to_xlsx(document: Document) -> bytes:
    """The document's tables as a workbook: a contents sheet, then one sheet per table with a bold header.

    Written by ``onward.core.exports``, so no text (a council's name, a label) can run as a formula.
    """
    taken = {"contents"}
    tables = [(table.sheet_name(taken), table) for table in document.tables]
    contents: list[list[Cell]] = [[document.title]]
    if document.subtitle:
        contents.append([document.subtitle])
    contents += [[], ["Sheet", "Table"]]
    contents += [[name, table.caption] for name, table in tables]
    if document.footer:
        contents += [[], [document.footer]]
    return exports.xlsx_bytes(
        [
            exports.Sheet("Contents", contents),
            *(
                exports.Sheet(name, [[_cell_value(v) for v in values] for values in table.rows], header=table.header)
                for name, table in tables
            ),
        ]
    )


def _cell_value(value: Cell) -> Cell:
    """Numbers stay numbers in the workbook; text (including suppressed values) stays text."""
    if isinstance(value, str):
        try:
            return float(value) if "." in value else int(value)
        except ValueError:
            return value
    return value

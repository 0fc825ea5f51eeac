"""Documents built from blocks: headings, paragraphs and tables, written as PDF, DOCX or XLSX.

A report is a :class:`Document`: a title and a list of blocks. The same blocks give the page on
screen (a template iterates over them), a PDF (WeasyPrint from an HTML template, with page numbers
from CSS ``@page`` counters), a DOCX (python-docx: real headings, table header rows repeated on
each page, a PAGE field in the footer) and an XLSX workbook (one sheet per table). Nothing here
knows about performance or plans: the quarterly report and the plans' committee documents are both
built as blocks and written by these writers.

Beyond plain text, a table cell can be :class:`Rich`: lines of :class:`Span` (bold, italic, struck
through) on an optional tint, which is how a committee document strikes through a superseded item
and shades a rating.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from onward.core import exports


@dataclass(frozen=True)
class Span:
    """A line of a rich cell (several lines if the text holds line breaks), with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False
    strike: bool = False

    def html(self) -> SafeString:
        text = format_html_join(mark_safe("<br>"), "{}", ((line,) for line in self.text.split("\n")))
        for flag, wrap in (
            (self.strike, "<del>{}</del>"),
            (self.italic, "<em>{}</em>"),
            (self.bold, "<strong>{}</strong>"),
        ):
            if flag:
                text = format_html(wrap, text)
        return text


@dataclass(frozen=True)
class Rich:
    """A cell of spans, each starting a new line, on an optional tint (a hex colour without '#')."""

    spans: tuple[Span, ...]
    fill: str = ""

    @classmethod
    def of(cls, text: str, fill: str = "", **emphasis: bool) -> Rich:
        return cls((Span(text, **emphasis),), fill)

    def html(self) -> SafeString:
        return format_html_join(mark_safe("<br>"), "{}", ((span.html(),) for span in self.spans))

    def __str__(self) -> str:
        return "\n".join(span.text for span in self.spans)


Cell = str | int | float | Rich | None


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2
    kind: str = "heading"
    strike: bool = False


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; a ``label`` comes first in bold ("Aim: ..."); line breaks in ``text`` are kept."""

    text: str
    kind: str = "paragraph"
    label: str = ""


@dataclass(frozen=True)
class Bullets:
    items: Sequence[str]
    kind: str = "bullets"


@dataclass(frozen=True)
class Table:
    """A table with one header row; ``numeric`` marks the columns to right-align (by index).

    ``widths`` (relative, adding up to 100) fix the columns' widths; without them the columns fit
    their content. The first cell of each row is the row's header unless ``row_headers`` is false.
    An empty ``caption`` prints none (a heading before the table names it).
    """

    caption: str
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    numeric: frozenset[int] = frozenset()
    sheet: str = ""
    kind: str = "table"
    widths: Sequence[int] = ()
    row_headers: bool = True

    def __post_init__(self) -> None:
        if self.widths and (len(self.widths) != len(self.header) or sum(self.widths) != 100):
            raise ValueError(f"The columns of {self.caption or self.header} do not match their widths")

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


Block = Heading | Paragraph | Bullets | Table | Chart | Commentary


@dataclass
class Document:
    """A title and blocks. The layout options default to the quarterly report's: landscape A4, the
    title in Word's Title style, "Page n" in the Word footer, Word's own font.

    ``title_level`` 1 makes the title a Word Heading 1 and each heading the Word level of its HTML
    level (h2 is Heading 2); ``page_total`` writes "Page n of m" in the Word footer; ``dense`` sets
    the text as councils print committee papers (Arial 10pt, black headings, tighter spacing).
    """

    title: str
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)
    footer: str = ""
    landscape: bool = True
    title_level: int = 0
    page_total: bool = False
    dense: bool = False

    def heading(self, text: str, level: int = 2, *, strike: bool = False) -> None:
        self.blocks.append(Heading(text, level, strike=strike))

    def paragraph(self, text: str, label: str = "") -> None:
        self.blocks.append(Paragraph(text, label=label))

    def bullets(self, items: Sequence[str]) -> None:
        self.blocks.append(Bullets(list(items)))

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


def to_html(document: Document, *, template: str = "documents/document_pdf.html") -> str:
    """The print HTML the PDF is made from (also useful to check the content by eye)."""
    return render_to_string(template, {"document": document})


def to_pdf(document: Document, *, template: str = "documents/document_pdf.html") -> bytes:
    """The document as PDF, through WeasyPrint; page numbers come from the template's ``@page`` rules."""
    from weasyprint import HTML

    result: bytes = HTML(string=to_html(document, template=template)).write_pdf()
    return result


# DOCX ---------------------------------------------------------------------------------------------


def _page_number_field(paragraph: Any, instruction: str = "PAGE") -> None:
    """Append a Word field (PAGE, the current page number; NUMPAGES, the number of pages) to ``paragraph``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run_with(element: Any) -> None:
        run = paragraph.add_run()
        run._r.append(element)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    field_code = OxmlElement("w:instrText")
    field_code.set(qn("xml:space"), "preserve")
    field_code.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(begin)
    run_with(field_code)
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


def _shade(cell: Any, fill: str) -> None:
    """Tint a Word table cell (python-docx has no call for cell shading)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    for name, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shading.set(qn(name), value)
    cell._tc.get_or_add_tcPr().append(shading)


def _rich_cell(cell: Any, value: Rich) -> None:
    """Each span a paragraph of the cell, with its emphasis; the cell tinted if the value has a fill."""
    paragraph = cell.paragraphs[0]
    for index, span in enumerate(value.spans):
        if index:
            paragraph = cell.add_paragraph()
        run = paragraph.add_run(span.text)
        if span.bold:
            run.bold = True
        if span.italic:
            run.italic = True
        if span.strike:
            run.font.strike = True
    if value.fill:
        _shade(cell, value.fill)


class _Styles:
    """Word style ids by name, looked up once: python-docx searches the style sheet on every use by name."""

    def __init__(self, word: Any) -> None:
        self.word = word
        self.ids: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name not in self.ids:
            self.ids[name] = self.word.styles[name].style_id
        return self.ids[name]

    def paragraph(self, text: str, name: str) -> Any:
        paragraph = self.word.add_paragraph(text)
        paragraph._p.style = self(name)
        return paragraph


def _docx_table(word: Any, block: Table, styles: _Styles, content_width: int) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if block.caption:
        styles.paragraph(block.caption, "Caption")
    # All the rows at once: python-docx makes a table of a given size in one step, but each added row in several.
    table = word.add_table(rows=1 + len(block.rows), cols=len(block.header))
    table._tbl.tblStyle_val = styles("Table Grid")
    widths: list[int] = []
    if block.widths:
        widths = [content_width * share // 100 for share in block.widths]
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
    rows = table.rows
    header = rows[0]
    _repeat_header_row(header)
    for index, text in enumerate(block.header):
        cell = header.cells[index]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        if widths:
            cell.width = widths[index]
    for row, values in zip(rows[1:], block.rows, strict=True):
        cells = row.cells
        for index, value in enumerate(values):
            if isinstance(value, Rich):
                _rich_cell(cells[index], value)
            else:
                cells[index].text = _text(value)
            if index in block.numeric:
                cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if widths:
                cells[index].width = widths[index]


def to_docx(document: Document) -> bytes:
    """The document as DOCX: Word headings, tables with a repeating header row, page numbers in the footer."""
    from docx import Document as WordDocument
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    word = WordDocument()
    styles = _Styles(word)
    page = word.sections[0]
    if document.landscape:
        # Landscape A4, as the PDF is, so a chart and a wide table fit the page.
        page.orientation = WD_ORIENT.LANDSCAPE
        page.page_width, page.page_height = Cm(29.7), Cm(21)
    else:
        page.orientation = WD_ORIENT.PORTRAIT
        page.page_width, page.page_height = Cm(21), Cm(29.7)
    margin = Cm(1.6)
    for side in ("left_margin", "right_margin"):
        setattr(page, side, margin)
    content_width = int(page.page_width or 0) - 2 * margin
    if document.dense:
        word.styles["Normal"].font.name = "Arial"
        word.styles["Normal"].font.size = Pt(10)
        for level in range(1, 5):
            word.styles[f"Heading {level}"].font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    word.core_properties.title = document.title
    word.add_heading(document.title, level=document.title_level)
    if document.subtitle:
        word.add_paragraph(document.subtitle)
    for block in document.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level - 1 + document.title_level, 1), 9)
            heading = styles.paragraph(block.text, f"Heading {level}")
            for run in heading.runs if block.strike else ():
                run.font.strike = True
        elif isinstance(block, Paragraph):
            if block.label:
                paragraph = word.add_paragraph()
                paragraph.add_run(f"{block.label}: ").bold = True
                paragraph.add_run(block.text)
            else:
                word.add_paragraph(block.text)
        elif isinstance(block, Bullets):
            for text in block.items:
                styles.paragraph(text, "List Bullet")
        elif isinstance(block, Chart):
            word.add_picture(io.BytesIO(block.png()), width=Cm(24))
            styles.paragraph(block.caption, "Caption")
        elif isinstance(block, Commentary):
            for line in block.text.splitlines():
                if line.strip():
                    word.add_paragraph(line.strip())
            word.add_paragraph().add_run(block.byline).italic = True
        else:
            _docx_table(word, block, styles, content_width)
    footer = word.sections[0].footer.paragraphs[0]
    footer.text = f"{document.footer} Page " if document.footer else "Page "
    _page_number_field(footer)
    if document.page_total:
        footer.add_run(" of ")
        _page_number_field(footer, "NUMPAGES")
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
    if isinstance(value, Rich):
        return str(value)
    if isinstance(value, str):
        try:
            return float(value) if "." in value else int(value)
        except ValueError:
            return value
    return value

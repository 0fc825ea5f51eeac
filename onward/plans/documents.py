"""Committee documents for a plan and review round, as DOCX (python-docx) and PDF (WeasyPrint).

Both formats are drawn from one intermediate structure, :class:`PlanDocument`, a plain tree of
dataclasses that ``selectors.plan_document`` builds from the database with a fixed number of
queries. Nothing here touches the database, so the DOCX and the PDF always say the same thing.

The plan's kind picks one of four shapes, each following the council documents it replaces:

* ``scrutiny_monitoring``: a block per recommendation with every field, the grading key at the end;
* ``action_plan``: per area, its aim and a table of actions (lead, timescale, success measure,
  progress, rating);
* ``work_plan``: per theme or objective, a table of milestones with the achievements (✓) and next
  steps (⇒) lists and the rating;
* ``scrutiny_response``: the recommendation and response table (initial response, second
  response, outstanding actions).

Every document opens with the counts of items by rating, in the plan's own scheme and including
"Not yet rated". Superseded and withdrawn items are struck through, with their reason.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

SCRUTINY_MONITORING = "scrutiny_monitoring"
ACTION_PLAN = "action_plan"
WORK_PLAN = "work_plan"
SCRUTINY_RESPONSE = "scrutiny_response"
SHAPES = (SCRUTINY_MONITORING, ACTION_PLAN, WORK_PLAN, SCRUTINY_RESPONSE)

NOT_YET_RATED = "Not yet rated"
ACHIEVED_MARK = "✓"
NEXT_STEP_MARK = "⇒"


# Light tints of the GOV.UK tag colours (hex, no '#'): a rating cell is shaded, its text stays black.
TINTS = {
    "green": "cce2d8",
    "yellow": "fff7bf",
    "orange": "fcd6c3",
    "red": "f4cdc6",
    "blue": "bbd4ea",
    "turquoise": "bfe3e0",
    "purple": "dbd5e9",
    "pink": "f7d7e6",
    "grey": "e5e6e7",
}


def tint(colour: str) -> str:
    return TINTS.get(colour, "")


@dataclass
class KeyEntry:
    """One value of the plan's rating scheme: its code (G, 2...), label and what it means."""

    code: str
    label: str
    description: str = ""
    colour: str = ""  # a hex colour without '#', for the rating cell; empty for none

    @property
    def display(self) -> str:
        """ "2. On track" for a numbered grade, "Green" for a label that is its own code."""
        return f"{self.code}. {self.label}" if self.code and self.code.isdigit() else self.label


@dataclass
class RatingCount:
    label: str
    count: int
    code: str = ""


@dataclass
class ItemUpdate:
    """The item's latest progress update up to and including the document's review round."""

    round_label: str = ""
    achievements: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)
    rating_code: str = ""
    rating_label: str = ""
    rating_colour: str = ""
    explanation: str = ""
    evidence_of_progress: str = ""
    evidence_of_impact: str = ""
    initial_response: str = ""
    second_response: str = ""
    outstanding_actions: str = ""

    @property
    def rating_text(self) -> str:
        if not self.rating_label:
            return NOT_YET_RATED
        if self.rating_code and self.rating_code.isdigit():
            return f"{self.rating_code}. {self.rating_label}"
        return self.rating_label


@dataclass
class DocumentItem:
    reference: str
    text: str
    leads: str = ""
    target_dates: str = ""
    agreed_action: str = ""
    success_measure: str = ""
    status: str = "open"
    status_label: str = "Open"
    status_reason: str = ""
    update: ItemUpdate = field(default_factory=ItemUpdate)

    @property
    def struck(self) -> bool:
        """Superseded and withdrawn items are kept in the document, struck through."""
        return self.status in ("superseded", "withdrawn")

    @property
    def status_note(self) -> str:
        """'Superseded: the reason' for a struck item; empty otherwise."""
        if not self.struck:
            return ""
        return f"{self.status_label}: {self.status_reason}" if self.status_reason else self.status_label


@dataclass
class DocumentSection:
    reference: str
    title: str
    aim: str = ""
    criteria: str = ""
    items: list[DocumentItem] = field(default_factory=list)
    level: int = 2  # the heading level: 2 for a theme or area, 3 for an objective inside a theme

    @property
    def heading(self) -> str:
        return f"{self.reference}. {self.title}" if self.reference else self.title


@dataclass
class PlanDocument:
    """Everything a committee document says, independent of its format."""

    shape: str
    title: str
    council: str
    round_label: str
    as_at: str
    scheme_name: str
    key: list[KeyEntry]
    sections: list[DocumentSection]
    summary: str = ""
    intro: list[tuple[str, str]] = field(default_factory=list)  # further labelled lines under the title
    item_noun: str = "Item"  # "Recommendation", "Action", "Milestone"

    @property
    def items(self) -> list[DocumentItem]:
        return [item for section in self.sections for item in section.items]

    @property
    def counts(self) -> list[RatingCount]:
        """Live items (not superseded or withdrawn) by latest rating, in the scheme's order, then "Not yet rated"."""
        tally: dict[str, int] = {entry.code: 0 for entry in self.key}
        unrated = 0
        for item in self.items:
            if item.struck:
                continue
            if item.update.rating_code in tally:
                tally[item.update.rating_code] += 1
            else:
                unrated += 1
        counts = [RatingCount(label=e.display, code=e.code, count=tally[e.code]) for e in self.key]
        counts.append(RatingCount(label=NOT_YET_RATED, count=unrated))
        return counts

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def struck_count(self) -> int:
        return sum(1 for item in self.items if item.struck)

    @property
    def counts_sentence(self) -> str:
        noun = self.item_noun.lower()
        text = f"{self.total} {noun}s in this plan. The {self.total - self.struck_count} current {noun}s by their latest rating ({self.scheme_name}):"
        if self.struck_count:
            text = f"{self.total} {noun}s in this plan, of which {self.struck_count} superseded or withdrawn. The {self.total - self.struck_count} current {noun}s by their latest rating ({self.scheme_name}):"
        return text

    @property
    def key_at_end(self) -> bool:
        return self.shape == SCRUTINY_MONITORING

    @property
    def template_name(self) -> str:
        return f"plans/documents/{self.shape}.html"

    def filename(self, extension: str) -> str:
        slug = "".join(c if c.isalnum() else "-" for c in f"{self.title} {self.round_label}".lower())
        slug = "-".join(part for part in slug.split("-") if part)
        return f"{slug[:80]}.{extension}"


# Column headers, shared by both formats -----------------------------------------------------------

COUNT_HEADERS = ("Rating", "Number of items")
KEY_HEADERS = ("Rating", "Meaning")


def table_headers(document: PlanDocument) -> tuple[str, ...]:
    if document.shape == ACTION_PLAN:
        return ("Action", "Lead officer", "Timescale", "How we will know it has worked", "Progress", "Rating")
    if document.shape == WORK_PLAN:
        return (
            "Milestone or action",
            "Lead",
            "Timescale",
            f"Progress ({ACHIEVED_MARK} achieved, {NEXT_STEP_MARK} next steps)",
            "Rating",
        )
    if document.shape == SCRUTINY_RESPONSE:
        return ("Number", "Recommendation", "Initial response", "Second response", "Outstanding actions", "Rating")
    return ("Field", "Detail")


def monitoring_rows(document: PlanDocument, item: DocumentItem) -> list[tuple[str, str]]:
    """The labelled rows of one recommendation's block in the scrutiny monitoring shape."""
    round_label = item.update.round_label or document.round_label
    assessment = item.update.rating_text
    if item.update.explanation:
        assessment = f"{assessment}. {item.update.explanation}"
    rows = [
        (document.item_noun, item.text),
        ("Responsibility", item.leads),
        ("Target date", item.target_dates),
        ("Agreed action", item.agreed_action),
        ("Agreed success measure", item.success_measure),
        (f"Evidence of progress ({round_label})", item.update.evidence_of_progress),
        (f"Assessment of progress ({round_label})", assessment),
        (f"Evidence of impact ({round_label})", item.update.evidence_of_impact),
    ]
    if item.struck:
        rows.insert(1, ("Status", item.status_note))
    return rows


def progress_lines(item: DocumentItem) -> list[str]:
    """The work plan's progress cell: ✓ achievements, then ⇒ next steps."""
    return [f"{ACHIEVED_MARK} {a}" for a in item.update.achievements] + [
        f"{NEXT_STEP_MARK} {n}" for n in item.update.next_steps
    ]


def action_progress(item: DocumentItem) -> str:
    parts = [item.update.evidence_of_progress or "\n".join(progress_lines(item)), item.update.explanation]
    return "\n".join(p for p in parts if p)


def intro_lines(document: PlanDocument) -> list[tuple[str, str]]:
    return [
        ("Council", document.council),
        *document.intro,
        ("Review round", document.round_label),
        ("As at", document.as_at),
    ]


# DOCX -----------------------------------------------------------------------------------------------


def _mark_header_row(row: _Row) -> None:
    """Mark a table row as a header row, repeated at the top of each page."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _shade(cell: _Cell, colour: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    tc_pr.append(shading)


def _add_field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that the reader fills in when the document is laid out."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, placeholder, end):
        run._r.append(element)


def _write(cell: _Cell, text: str, *, struck: bool = False, bold: bool = False) -> None:
    """Text into a cell, a paragraph per line."""
    lines = text.split("\n") if text else [""]
    paragraph = cell.paragraphs[0]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        run = paragraph.add_run(line)
        if struck:
            run.font.strike = True
        if bold:
            run.bold = True


def _table(doc: object, headers: tuple[str, ...]) -> Table:
    table: Table = doc.add_table(rows=1, cols=len(headers))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _mark_header_row(header)
    for cell, text in zip(header.cells, headers, strict=True):
        _write(cell, text, bold=True)
    return table


def _row(table: Table, values: list[str], *, struck: bool = False) -> _Row:
    row = table.add_row()
    for cell, value in zip(row.cells, values, strict=True):
        _write(cell, value, struck=struck)
    return row


def _note(cell: _Cell, item: DocumentItem) -> None:
    if item.struck:
        run = cell.add_paragraph().add_run(item.status_note)
        run.italic = True


def _docx_counts(doc: object, document: PlanDocument) -> None:
    doc.add_heading("Summary of progress", level=2)  # type: ignore[attr-defined]
    doc.add_paragraph(document.counts_sentence)  # type: ignore[attr-defined]
    table = _table(doc, COUNT_HEADERS)
    for count in document.counts:
        _row(table, [count.label, str(count.count)])


def _docx_key(doc: object, document: PlanDocument) -> None:
    doc.add_heading(f"Key: {document.scheme_name}", level=2)  # type: ignore[attr-defined]
    table = _table(doc, KEY_HEADERS)
    for entry in document.key:
        row = _row(table, [entry.display, entry.description])
        if entry.colour:
            _shade(row.cells[0], entry.colour)


def _docx_monitoring(doc: object, document: PlanDocument) -> None:
    for section in document.sections:
        if section.title:
            doc.add_heading(section.heading, level=section.level)  # type: ignore[attr-defined]
        for item in section.items:
            heading = doc.add_heading(f"{document.item_noun} {item.reference}", level=section.level + 1)  # type: ignore[attr-defined]
            if item.struck:
                for run in heading.runs:
                    run.font.strike = True
            table = _table(doc, table_headers(document))
            for label, value in monitoring_rows(document, item):
                row = _row(table, [label, value], struck=item.struck and label == document.item_noun)
                row.cells[0].paragraphs[0].runs[0].bold = True
                if label.startswith("Assessment") and item.update.rating_colour:
                    _shade(row.cells[1], item.update.rating_colour)


def _docx_tabular(doc: object, document: PlanDocument) -> None:
    headers = table_headers(document)
    for section in document.sections:
        if section.title:
            doc.add_heading(section.heading, level=section.level)  # type: ignore[attr-defined]
        if section.aim:
            paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
            paragraph.add_run("Aim: ").bold = True
            paragraph.add_run(section.aim)
        if section.criteria:
            paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
            paragraph.add_run("Criteria: ").bold = True
            paragraph.add_run(section.criteria)
        if not section.items:
            continue
        table = _table(doc, headers)
        for item in section.items:
            rating = item.update.rating_text
            if document.shape == ACTION_PLAN:
                values = [
                    f"{item.reference} {item.text}",
                    item.leads,
                    item.target_dates,
                    item.success_measure,
                    action_progress(item),
                    rating,
                ]
            elif document.shape == WORK_PLAN:
                values = [
                    f"{item.reference} {item.text}",
                    item.leads,
                    item.target_dates,
                    "\n".join(progress_lines(item)),
                    rating,
                ]
            else:
                values = [
                    item.reference,
                    item.text,
                    item.update.initial_response,
                    item.update.second_response,
                    item.update.outstanding_actions,
                    rating,
                ]
            row = table.add_row()
            cells = row.cells
            for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
                _write(cell, value, struck=item.struck and index in (0, 1))
            _note(cells[1 if document.shape == SCRUTINY_RESPONSE else 0], item)
            if item.update.rating_colour:
                _shade(cells[-1], item.update.rating_colour)


def build_docx(document: PlanDocument) -> bytes:
    """The committee document as a Word file: real headings, header rows, page numbers in the footer."""
    doc = new_docx()
    styles = doc.styles
    styles["Normal"].font.name = "Arial"  # type: ignore[union-attr]
    styles["Normal"].font.size = Pt(10)  # type: ignore[union-attr]
    for level in (1, 2, 3):
        styles[f"Heading {level}"].font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)  # type: ignore[union-attr]
    section = doc.sections[0]
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _add_field(footer, "PAGE")
    footer.add_run(" of ")
    _add_field(footer, "NUMPAGES")

    doc.add_heading(document.title, level=1)
    for label, value in intro_lines(document):
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    if document.summary:
        doc.add_paragraph(document.summary)
    _docx_counts(doc, document)
    if not document.key_at_end:
        _docx_key(doc, document)
    if document.shape == SCRUTINY_MONITORING:
        _docx_monitoring(doc, document)
    else:
        _docx_tabular(doc, document)
    if document.key_at_end:
        _docx_key(doc, document)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# PDF ------------------------------------------------------------------------------------------------


def render_html(document: PlanDocument) -> str:
    """The print HTML the PDF is made from (also useful to check the content by eye)."""
    from django.template.loader import render_to_string

    return render_to_string(
        document.template_name,
        {
            "document": document,
            "headers": table_headers(document),
            "count_headers": COUNT_HEADERS,
            "key_headers": KEY_HEADERS,
            "monitoring": [
                (section, [(item, monitoring_rows(document, item)) for item in section.items])
                for section in document.sections
            ]
            if document.shape == SCRUTINY_MONITORING
            else [],
            "intro": intro_lines(document),
            "achieved_mark": ACHIEVED_MARK,
            "next_step_mark": NEXT_STEP_MARK,
        },
    )


def build_pdf(document: PlanDocument) -> bytes:
    """The committee document as a PDF, laid out by WeasyPrint with page numbers from ``@page`` counters."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(document)).write_pdf()
    return pdf

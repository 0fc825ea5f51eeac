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
"Not yet rated". Superseded and withdrawn items are struck through, with their reason; items
updated since the last review are marked. Titled tables (:class:`DocumentTable`) print the
success measures before the items, and the board's meetings and the contacts after them.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.shared import Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph

SCRUTINY_MONITORING = "scrutiny_monitoring"
ACTION_PLAN = "action_plan"
WORK_PLAN = "work_plan"
SCRUTINY_RESPONSE = "scrutiny_response"
SHAPES = (SCRUTINY_MONITORING, ACTION_PLAN, WORK_PLAN, SCRUTINY_RESPONSE)

NOT_YET_RATED = "Not yet rated"
UPDATED_MARK = "Updated since the last review"
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
    # The date of the update each response comes from ("12 March 2026"), so a committee sees when it was given.
    initial_response_on: str = ""
    second_response_on: str = ""
    outstanding_actions_on: str = ""

    def dated(self, name: str) -> str:
        """A response with its date on the line before it; empty when there is no response."""
        text, on = getattr(self, name), getattr(self, f"{name}_on")
        if not text:
            return ""
        return f"{on}:\n{text}" if on else text

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
    updated_since_review: bool = False  # has an update since the last review closed (marked in the document)

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
    def criteria_list(self) -> list[str]:
        """The criteria, one per line: each its own bullet, never run together."""
        return [line.strip() for line in self.criteria.splitlines() if line.strip()]

    @property
    def heading(self) -> str:
        return f"{self.reference}. {self.title}" if self.reference else self.title


@dataclass
class DocumentTable:
    """A table the document prints under its own heading: the success measures, contacts, meetings.

    ``rows`` hold plain text, a line break per line; ``widths`` are relative column widths adding up
    to 100.
    """

    heading: str
    headers: tuple[str, ...]
    rows: list[list[str]]
    widths: tuple[int, ...]
    note: str = ""
    empty: str = ""  # said instead of the table when it has no rows

    def __post_init__(self) -> None:
        if len(self.headers) != len(self.widths) or sum(self.widths) != 100:
            raise ValueError(f"The columns of {self.heading} do not match their widths")


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
    tables_before: list[DocumentTable] = field(default_factory=list)  # after the summary, before the items
    tables_after: list[DocumentTable] = field(default_factory=list)  # after the items

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
    if item.updated_since_review:
        rows.insert(1, ("Since the last review", UPDATED_MARK))
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
#
# The body is written as WordprocessingML text and parsed once: python-docx's element-by-element
# API (style look-ups by name, child insertion by schema order) takes seconds for a 60-item plan,
# while the same XML written directly takes a small fraction of that. python-docx still makes the
# package (styles, footer with its page fields, page set-up) and reads the result back in the tests.

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A4_WIDTH, A4_HEIGHT, MARGIN = 11906, 16838, 1134  # twentieths of a point: A4 with 2 cm margins
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Relative column widths of each shape's tables (they add up to 100).
WIDTHS = {
    SCRUTINY_MONITORING: (30, 70),
    ACTION_PLAN: (26, 12, 10, 18, 26, 8),
    WORK_PLAN: (32, 12, 9, 39, 8),
    SCRUTINY_RESPONSE: (7, 23, 24, 22, 16, 8),
}
SMALL_WIDTHS = (40, 60)


def _run(text: str, *, bold: bool = False, italic: bool = False, strike: bool = False) -> str:
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + ("<w:strike/>" if strike else "")
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(_INVALID_XML.sub("", text))}</w:t></w:r>'


def _para(runs: str, style: str = "") -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}{runs}</w:p>"


def _lines(text: str, *, bold: bool = False, strike: bool = False) -> str:
    """Text as paragraphs, one per line (a cell must hold at least one paragraph)."""
    return "".join(_para(_run(line, bold=bold, strike=strike)) for line in (text.split("\n") if text else [""]))


def _cell(content: str, width: int, fill: str = "") -> str:
    shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}</w:tcPr>{content}</w:tc>'


class _Body:
    """Collects the body's XML; ``table`` writes a table whose first row is a repeating header row."""

    def __init__(
        self, content_width: int, heading_styles: dict[int, str], table_style: str, list_style: str = ""
    ) -> None:
        self.parts: list[str] = []
        self.content_width = content_width
        self.headings = heading_styles
        self.table_style = table_style
        self.list_style = list_style

    def heading(self, text: str, level: int, *, strike: bool = False) -> None:
        self.parts.append(_para(_run(text, strike=strike), self.headings[min(level, 4)]))

    def paragraph(self, runs: str) -> None:
        self.parts.append(_para(runs))

    def table(self, headers: tuple[str, ...], rows: list[list[tuple[str, str]]], ratios: tuple[int, ...]) -> None:
        """``rows``: for each row, (cell XML content, fill colour) per column."""
        widths = [self.content_width * r // 100 for r in ratios]
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        header = "".join(_cell(_lines(h, bold=True), w, "F3F2F1") for h, w in zip(headers, widths, strict=True))
        body = "".join(
            "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            + "".join(_cell(content, w, fill) for (content, fill), w in zip(row, widths, strict=True))
            + "</w:tr>"
            for row in rows
        )
        self.parts.append(
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{self.table_style}"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
            f'<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
            f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header}</w:tr>{body}</w:tbl>"
            f"{_para('')}"
        )

    def xml(self) -> str:
        return f'<w:body xmlns:w="{W_NS}">{"".join(self.parts)}</w:body>'


def _add_field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that the reader fills in when the document is laid out."""
    run = paragraph.add_run()
    for element in parse_xml(
        f'<w:r xmlns:w="{W_NS}"><w:fldChar w:fldCharType="begin"/><w:instrText xml:space="preserve"> {instruction} '
        '</w:instrText><w:fldChar w:fldCharType="separate"/><w:t>1</w:t><w:fldChar w:fldCharType="end"/></w:r>'
    ):
        run._r.append(element)


def _docx_counts(body: _Body, document: PlanDocument) -> None:
    body.heading("Summary of progress", 2)
    body.paragraph(_run(document.counts_sentence))
    rows = [[(_lines(c.label), ""), (_lines(str(c.count)), "")] for c in document.counts]
    body.table(COUNT_HEADERS, rows, SMALL_WIDTHS)


def _docx_key(body: _Body, document: PlanDocument) -> None:
    body.heading(f"Key: {document.scheme_name}", 2)
    rows = [[(_lines(e.display), e.colour), (_lines(e.description), "")] for e in document.key]
    body.table(KEY_HEADERS, rows, SMALL_WIDTHS)


def _item_cell(item: DocumentItem, text: str) -> str:
    content = _lines(text, strike=item.struck)
    if item.struck:
        content += _para(_run(item.status_note, italic=True))
    if item.updated_since_review:
        content += _para(_run(UPDATED_MARK, bold=True))
    return content


def _docx_monitoring(body: _Body, document: PlanDocument) -> None:
    headers = table_headers(document)
    for section in document.sections:
        if section.title:
            body.heading(section.heading, section.level)
        for item in section.items:
            body.heading(f"{document.item_noun} {item.reference}", section.level + 1, strike=item.struck)
            rows = []
            for index, (label, value) in enumerate(monitoring_rows(document, item)):
                fill = item.update.rating_colour if label.startswith("Assessment") else ""
                content = _lines(value, strike=item.struck and index == 0)
                rows.append([(_lines(label, bold=True), ""), (content, fill)])
            body.table(headers, rows, WIDTHS[SCRUTINY_MONITORING])


def _docx_tabular(body: _Body, document: PlanDocument) -> None:
    headers = table_headers(document)
    for section in document.sections:
        if section.title:
            body.heading(section.heading, section.level)
        if section.aim:
            body.paragraph(_run("Aim: ", bold=True) + _run(section.aim))
        if section.criteria:
            body.paragraph(_run("Criteria:", bold=True))
            for criterion in section.criteria_list:
                body.parts.append(_para(_run(criterion), body.list_style))
        if not section.items:
            continue
        rows = []
        for item in section.items:
            rating = (_lines(item.update.rating_text), item.update.rating_colour)
            if document.shape == ACTION_PLAN:
                row = [
                    (_item_cell(item, f"{item.reference} {item.text}"), ""),
                    (_lines(item.leads), ""),
                    (_lines(item.target_dates), ""),
                    (_lines(item.success_measure), ""),
                    (_lines(action_progress(item)), ""),
                    rating,
                ]
            elif document.shape == WORK_PLAN:
                row = [
                    (_item_cell(item, f"{item.reference} {item.text}"), ""),
                    (_lines(item.leads), ""),
                    (_lines(item.target_dates), ""),
                    (_lines("\n".join(progress_lines(item))), ""),
                    rating,
                ]
            else:
                row = [
                    (_lines(item.reference, strike=item.struck), ""),
                    (_item_cell(item, item.text), ""),
                    (_lines(item.update.dated("initial_response")), ""),
                    (_lines(item.update.dated("second_response")), ""),
                    (_lines(item.update.dated("outstanding_actions")), ""),
                    rating,
                ]
            rows.append(row)
        body.table(headers, rows, WIDTHS[document.shape])


def _docx_tables(body: _Body, tables: list[DocumentTable]) -> None:
    for table in tables:
        body.heading(table.heading, 2)
        if table.note:
            body.paragraph(_run(table.note))
        if not table.rows:
            body.paragraph(_run(table.empty))
            continue
        rows = [[(_lines(value), "") for value in row] for row in table.rows]
        body.table(table.headers, rows, table.widths)


def build_docx(document: PlanDocument) -> bytes:
    """The committee document as a Word file: real headings, header rows, page numbers in the footer."""
    doc = new_docx()
    styles = doc.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(10)
    heading_styles = {}
    for level in (1, 2, 3, 4):
        style = styles[f"Heading {level}"]
        style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
        heading_styles[level] = style.style_id
    section = doc.sections[0]
    landscape = document.shape != SCRUTINY_MONITORING
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (A4_HEIGHT, A4_WIDTH) if landscape else (A4_WIDTH, A4_HEIGHT)
    section.page_width, section.page_height = Twips(width), Twips(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Twips(MARGIN))
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _add_field(footer, "PAGE")
    footer.add_run(" of ")
    _add_field(footer, "NUMPAGES")

    body = _Body(width - 2 * MARGIN, heading_styles, styles["Table Grid"].style_id, styles["List Bullet"].style_id)
    body.heading(document.title, 1)
    for label, value in intro_lines(document):
        body.paragraph(_run(f"{label}: ", bold=True) + _run(value))
    if document.summary:
        body.paragraph(_run(document.summary))
    _docx_counts(body, document)
    if not document.key_at_end:
        _docx_key(body, document)
    _docx_tables(body, document.tables_before)
    if document.shape == SCRUTINY_MONITORING:
        _docx_monitoring(body, document)
    else:
        _docx_tabular(body, document)
    _docx_tables(body, document.tables_after)
    if document.key_at_end:
        _docx_key(body, document)
    sect_pr = doc.element.body.sectPr
    for element in list(parse_xml(body.xml())):
        sect_pr.addprevious(element)
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
            "widths": WIDTHS[document.shape],
            "small_widths": SMALL_WIDTHS,
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

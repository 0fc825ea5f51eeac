"""Committee documents for a plan and review round, as DOCX and PDF, written by ``onward.core.documents``.

``selectors.plan_document`` builds a :class:`PlanDocument`, a plain tree of dataclasses, from the
database with a fixed number of queries; :func:`to_document` turns it into the core document model
(headings, paragraphs, tables with header rows), which the core writers print as DOCX (python-docx)
and PDF (WeasyPrint). Nothing here touches the database, so the DOCX and the PDF always say the same thing.

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

from dataclasses import dataclass, field

from onward.core import documents as core_documents
from onward.core.documents import Cell, Document, Rich, Span

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

    def filename(self, extension: str) -> str:
        slug = "".join(c if c.isalnum() else "-" for c in f"{self.title} {self.round_label}".lower())
        slug = "-".join(part for part in slug.split("-") if part)
        return f"{slug[:80]}.{extension}"


# Column headers and relative widths of each shape's tables ----------------------------------------

COUNT_HEADERS = ("Rating", "Number of items")
KEY_HEADERS = ("Rating", "Meaning")
WIDTHS = {
    SCRUTINY_MONITORING: (30, 70),
    ACTION_PLAN: (26, 12, 10, 18, 26, 8),
    WORK_PLAN: (32, 12, 9, 39, 8),
    SCRUTINY_RESPONSE: (7, 23, 24, 22, 16, 8),
}
SMALL_WIDTHS = (40, 60)


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


# The committee document as blocks of the core document model ------------------------------------


def _item_cell(item: DocumentItem, text: str) -> Rich:
    """The item's text, struck through with the reason under it if superseded or withdrawn; the update mark."""
    spans = [Span(text, strike=item.struck)]
    if item.struck:
        spans.append(Span(item.status_note, italic=True))
    if item.updated_since_review:
        spans.append(Span(UPDATED_MARK, bold=True))
    return Rich(tuple(spans))


def _response(item: DocumentItem, name: str) -> Rich | str:
    """A scrutiny response with the date it was given, in bold, on the line before it."""
    text, on = getattr(item.update, name), getattr(item.update, f"{name}_on")
    if not text:
        return ""
    return Rich((Span(f"{on}:", bold=True), Span(text))) if on else Rich.of(text)


def _item_row(document: PlanDocument, item: DocumentItem) -> list[Cell]:
    rating = Rich.of(item.update.rating_text, fill=item.update.rating_colour)
    if document.shape == ACTION_PLAN:
        return [
            _item_cell(item, f"{item.reference} {item.text}"),
            item.leads,
            item.target_dates,
            item.success_measure,
            Rich.of(action_progress(item)),
            rating,
        ]
    if document.shape == WORK_PLAN:
        return [
            _item_cell(item, f"{item.reference} {item.text}"),
            item.leads,
            item.target_dates,
            Rich.of("\n".join(progress_lines(item))),
            rating,
        ]
    return [
        Rich.of(item.reference, strike=item.struck),
        _item_cell(item, item.text),
        _response(item, "initial_response"),
        _response(item, "second_response"),
        _response(item, "outstanding_actions"),
        rating,
    ]


def _key(doc: Document, document: PlanDocument) -> None:
    doc.heading(f"Key: {document.scheme_name}")
    rows: list[list[Cell]] = [[Rich.of(e.display, fill=e.colour), e.description] for e in document.key]
    doc.table("", KEY_HEADERS, rows, widths=SMALL_WIDTHS)


def _titled_tables(doc: Document, tables: list[DocumentTable]) -> None:
    for table in tables:
        doc.heading(table.heading)
        if table.note:
            doc.paragraph(table.note)
        if table.rows:
            rows = [[Rich.of(value) for value in row] for row in table.rows]
            doc.table("", table.headers, rows, widths=table.widths, row_headers=False)
        else:
            doc.paragraph(table.empty)


def _sections(doc: Document, document: PlanDocument) -> None:
    headers = table_headers(document)
    for section in document.sections:
        if section.title:
            doc.heading(section.heading, section.level)
        if document.shape == SCRUTINY_MONITORING:
            for item in section.items:
                doc.heading(f"{document.item_noun} {item.reference}", section.level + 1, strike=item.struck)
                rows: list[list[Cell]] = []
                for index, (label, value) in enumerate(monitoring_rows(document, item)):
                    fill = item.update.rating_colour if label.startswith("Assessment") else ""
                    rows.append([Rich.of(label, bold=True), Rich.of(value, fill, strike=item.struck and index == 0)])
                doc.table("", headers, rows, widths=WIDTHS[SCRUTINY_MONITORING])
            continue
        if section.aim:
            doc.paragraph(section.aim, label="Aim")
        if section.criteria:
            doc.paragraph("", label="Criteria")
            doc.bullets(section.criteria_list)
        if section.items:
            rows = [_item_row(document, item) for item in section.items]
            doc.table("", headers, rows, widths=WIDTHS[document.shape], row_headers=False)


def to_document(document: PlanDocument) -> Document:
    """The committee document as headings, paragraphs and tables, for the core writers: the title and intro,
    the counts by rating, the key (at the end for scrutiny monitoring), the titled tables and the items."""
    doc = Document(
        title=document.title,
        landscape=document.shape != SCRUTINY_MONITORING,
        title_level=1,
        page_total=True,
        dense=True,
    )
    for label, value in intro_lines(document):
        doc.paragraph(value, label=label)
    if document.summary:
        doc.paragraph(document.summary)
    doc.heading("Summary of progress")
    doc.paragraph(document.counts_sentence)
    counts = [[c.label, str(c.count)] for c in document.counts]
    doc.table("", COUNT_HEADERS, counts, numeric=frozenset({1}), widths=SMALL_WIDTHS)
    if not document.key_at_end:
        _key(doc, document)
    _titled_tables(doc, document.tables_before)
    _sections(doc, document)
    _titled_tables(doc, document.tables_after)
    if document.key_at_end:
        _key(doc, document)
    return doc


def render_html(document: PlanDocument) -> str:
    """The print HTML the PDF is made from (also useful to check the content by eye)."""
    return core_documents.to_html(to_document(document))


def build_docx(document: PlanDocument) -> bytes:
    """The committee document as a Word file: real headings, header rows, page numbers in the footer."""
    return core_documents.to_docx(to_document(document))


def build_pdf(document: PlanDocument) -> bytes:
    """The committee document as a PDF, laid out by WeasyPrint with page numbers from ``@page`` counters."""
    return core_documents.to_pdf(to_document(document))

"""Committee documents: DOCX and PDF in each of the four shapes say the same, complete thing."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from onward.audit.models import AuditEvent
from onward.plans import documents, selectors
from onward.plans.models import Item, Plan, Section, Update
from tests.conftest import Tenant, sign_in
from tests.plans.builders import Built, build_plan

KINDS = [
    Plan.Kind.SCRUTINY_MONITORING,
    Plan.Kind.ACTION_PLAN,
    Plan.Kind.QUALITY_MARK_WORK_PLAN,
    Plan.Kind.SCRUTINY_RESPONSE,
]
HEADERS = {
    Plan.Kind.SCRUTINY_MONITORING: ["Field", "Detail"],
    Plan.Kind.ACTION_PLAN: [
        "Action",
        "Lead officer",
        "Timescale",
        "How we will know it has worked",
        "Progress",
        "Rating",
    ],
    Plan.Kind.QUALITY_MARK_WORK_PLAN: ["Milestone or action", "Lead", "Timescale"],
    Plan.Kind.SCRUTINY_RESPONSE: [
        "Number",
        "Recommendation",
        "Initial response",
        "Second response",
        "Outstanding actions",
        "Rating",
    ],
}


def _flat(text: str) -> str:
    return " ".join(text.split())


def _built(world: dict[str, Tenant], kind: str) -> Built:
    tenant = world["A"]
    return build_plan(council=tenant.council, officer=tenant.users["performance_officer"], kind=kind)


def _expected_counts(built: Built) -> dict[str, int]:
    """Live items by the rating of their latest update in the current round, read straight from the rows."""
    scheme = built.plan.scheme()
    counts = {rating.display: 0 for rating in scheme.ratings}
    counts[documents.NOT_YET_RATED] = 0
    for item in Item.objects.filter(plan=built.plan):
        if item.is_struck_through:
            continue
        update = Update.objects.filter(item=item, round=built.current_round).exclude(rating="").first()
        counts[scheme.display_of(update.rating) if update else documents.NOT_YET_RATED] += 1
    return counts


def _docx(built: Built) -> Document:
    document = selectors.plan_document(built.plan, built.current_round)
    return Document(io.BytesIO(documents.build_docx(document)))


def _docx_text(doc: Document) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return _flat("\n".join(parts))


def _row_texts(doc: Document) -> list[tuple[object, str]]:
    return [(table, " | ".join(c.text for c in row.cells)) for table in doc.tables for row in table.rows]


@pytest.mark.parametrize("kind", KINDS)
def test_docx_has_headings_header_rows_every_item_latest_rating_counts_and_key(world, kind) -> None:
    """The Word document has the title and sections as real headings, header rows marked to repeat,
    every item's reference and text, each item's latest rating, the counts by rating and the key."""
    built = _built(world, kind)
    doc = _docx(built)
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == ("Heading 1", built.plan.title)
    assert ("Heading 2", "Summary of progress") in headings
    key_heading = ("Heading 2", f"Key: {built.plan.scheme().name}")
    assert key_heading in headings
    for section in built.plan.sections.all():
        assert ("Heading 2", f"{section.reference}. {section.title}") in headings
    if kind == Plan.Kind.SCRUTINY_MONITORING:
        # The grading key comes at the end, after the last recommendation, as in the councils' documents.
        assert headings[-1] == key_heading
        assert ("Heading 3", f"Recommendation {built.items[-1].reference}") in headings
    else:
        assert headings.index(key_heading) < 3

    for table in doc.tables:
        header = table.rows[0]
        assert header._tr.trPr is not None and header._tr.trPr.find(qn("w:tblHeader")) is not None
    item_tables = [t for t in doc.tables if [c.text for c in t.rows[0].cells][: len(HEADERS[kind])] == HEADERS[kind]]
    assert item_tables

    text = _docx_text(doc)
    for item in built.items:
        assert item.reference in text
        assert _flat(item.text) in text
    counts_table = doc.tables[0]
    assert [c.text for c in counts_table.rows[0].cells] == ["Rating", "Number of items"]
    shown = {row.cells[0].text: int(row.cells[1].text) for row in counts_table.rows[1:]}
    assert shown == _expected_counts(built)
    for rating in built.plan.scheme().ratings:
        assert rating.description in text

    scheme = built.plan.scheme()
    new, old = scheme.display_of(scheme.keys[0]), scheme.display_of(scheme.keys[-1])
    if kind == Plan.Kind.SCRUTINY_MONITORING:
        block = next(t for t, row in _row_texts(doc) if _flat(built.rerated.text) in _flat(row))
        assessment = next(r.cells[1].text for r in block.rows if r.cells[0].text.startswith("Assessment"))
        assert assessment.startswith(new)
        assert old not in assessment
    else:
        row = next(row for _t, row in _row_texts(doc) if _flat(built.rerated.text) in _flat(row))
        assert row.endswith(new)


@pytest.mark.parametrize("kind", KINDS)
def test_docx_strikes_through_superseded_and_withdrawn_items_with_their_reason(world, kind) -> None:
    """Superseded and withdrawn items stay in the document, struck through, with the reason beside them."""
    built = _built(world, kind)
    doc = _docx(built)
    struck = []
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    struck += [run.text for run in paragraph.runs if run.font.strike]
    struck_text = _flat(" ".join(struck))
    text = _docx_text(doc)
    for item in (built.superseded, built.withdrawn):
        assert _flat(item.text) in struck_text
        assert f"{item.get_status_display()}: {item.status_reason}" in text
    assert _flat(built.rerated.text) not in struck_text


def test_docx_numbers_its_pages_with_a_page_field_in_the_footer(world) -> None:
    """The footer holds "Page {PAGE} of {NUMPAGES}" fields that Word fills in."""
    doc = _docx(_built(world, Plan.Kind.ACTION_PLAN))
    footer = doc.sections[0].footer._element
    instructions = [e.text.strip() for e in footer.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert doc.sections[0].footer.paragraphs[0].text.startswith("Page ")


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_says_the_same_as_the_docx_and_numbers_its_pages(world, kind) -> None:
    """The PDF's text has the title, counts, every item, the key, the struck items' reasons and page numbers."""
    built = _built(world, kind)
    document = selectors.plan_document(built.plan, built.current_round)
    reader = PdfReader(io.BytesIO(documents.build_pdf(document)))
    pages = [page.extract_text() for page in reader.pages]
    text = _flat("\n".join(pages))
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    assert built.plan.title in text
    assert "Summary of progress" in text
    for label, count in _expected_counts(built).items():
        assert f"{label} {count}" in text
    for item in built.items:
        assert item.reference in text
        assert " ".join(item.text.split()[:5]) in text
    for rating in built.plan.scheme().ratings:
        assert rating.description in text
    for item in (built.superseded, built.withdrawn):
        assert _flat(f"{item.get_status_display()}: {item.status_reason}") in text
    html = documents.render_html(document)
    assert "<h1>" in html and '<th scope="col">' in html and '<th scope="row">' in html
    assert re.search(r"<del>[^<]*" + re.escape(built.superseded.reference), html)


def test_a_closed_round_shows_the_ratings_given_then(world) -> None:
    """The document for an earlier, closed round shows the ratings of that round, not today's."""
    built = _built(world, Plan.Kind.ACTION_PLAN)
    scheme = built.plan.scheme()
    document = selectors.plan_document(built.plan, built.earlier_round)
    rerated = next(i for i in document.items if i.reference == built.rerated.reference)
    assert rerated.update.rating_text == scheme.display_of(scheme.keys[-1])
    assert document.round_label == built.earlier_round.name


def test_the_document_is_built_in_a_fixed_number_of_queries(world) -> None:
    """A plan five times the size costs no more queries to turn into a document."""
    tenant = world["A"]
    officer = tenant.users["performance_officer"]
    small = build_plan(council=tenant.council, officer=officer, sections=2, per_section=3)
    large = build_plan(council=tenant.council, officer=officer, sections=5, per_section=6, seed=3)
    counts = []
    for built in (small, large):
        plan = Plan.objects.get(pk=built.plan.pk)
        with CaptureQueriesContext(connection) as queries:
            selectors.plan_document(plan, built.current_round)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_plan_reader_downloads_a_rounds_documents_and_the_export_is_audited(world) -> None:
    """A councillor downloads the DOCX and PDF of a round; each download is an export in the audit trail."""
    tenant = world["A"]
    built = build_plan(council=tenant.council, officer=tenant.users["performance_officer"], sections=1, per_section=4)
    client = sign_in(Client(), tenant.users["councillor"])
    for file_format, content_type in (("docx", "wordprocessingml"), ("pdf", "application/pdf")):
        url = reverse(
            "plans:round-document",
            kwargs={"pk": built.plan.pk, "round_pk": built.earlier_round.pk, "file_format": file_format},
        )
        response = client.get(url)
        assert response.status_code == 200
        assert content_type in response["Content-Type"]
        assert response["Content-Disposition"].startswith("attachment;")
    events = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_id=str(built.plan.pk))
    assert events.count() == 2
    assert built.earlier_round.name in events.first().summary


def test_documents_of_another_plans_round_or_another_council_are_not_found(world) -> None:
    """A round of a different plan, or a plan of another council, answers 404; an unknown format too."""
    tenant = world["A"]
    built = build_plan(council=tenant.council, officer=tenant.users["performance_officer"], sections=1, per_section=4)
    client = sign_in(Client(), tenant.users["councillor"])
    other_round = reverse(
        "plans:round-document",
        kwargs={"pk": tenant.plan.pk, "round_pk": built.current_round.pk, "file_format": "docx"},
    )
    assert client.get(other_round).status_code == 404
    other_council = reverse("plans:document", kwargs={"pk": world["B"].plan.pk, "file_format": "docx"})
    assert client.get(other_council).status_code == 404
    odd = reverse("plans:document", kwargs={"pk": built.plan.pk, "file_format": "odt"})
    assert client.get(odd).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_work_plans_objectives_sit_under_their_theme_with_their_criteria(world) -> None:
    """A theme is a level 2 heading and its objectives level 3 headings, each followed by its criteria and items."""
    tenant = world["A"]
    built = build_plan(
        council=tenant.council,
        officer=tenant.users["performance_officer"],
        kind=Plan.Kind.QUALITY_MARK_WORK_PLAN,
        sections=2,
        per_section=2,
    )
    theme = Section.objects.create(plan=built.plan, kind=Section.Kind.THEME, title="Support", order=0)
    objectives = list(built.plan.sections.exclude(pk=theme.pk))
    for objective in objectives:
        objective.parent, objective.kind = theme, Section.Kind.OBJECTIVE
        objective.criteria = "A named lead\nA yearly review"
        objective.save()
    doc = _docx(built)
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    start = headings.index(("Heading 2", "Support"))
    assert headings[start + 1 : start + 3] == [("Heading 3", f"{o.reference}. {o.title}") for o in objectives]
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert bullets[:2] == ["A named lead", "A yearly review"]
    html = documents.render_html(selectors.plan_document(built.plan, built.current_round))
    assert "<h2>Support</h2>" in html
    assert f"<h3>{objectives[0].reference}. {objectives[0].title}</h3>" in html


def test_the_response_table_carries_the_initial_response_forward_beside_the_second(world) -> None:
    """The initial response given in an earlier round stays in the table beside the current round's second response."""
    built = _built(world, Plan.Kind.SCRUTINY_RESPONSE)
    earlier = Update.objects.get(item=built.rerated, round=built.earlier_round)
    current = Update.objects.get(item=built.rerated, round=built.current_round)
    assert earlier.initial_response and not current.initial_response
    doc = _docx(built)
    row = next(
        r for t in doc.tables for r in t.rows if r.cells[0].text == built.rerated.reference and len(r.cells) == 6
    )
    # Each response carries the date of the update it was given in.
    assert [c.text for c in row.cells[2:5]] == [
        f"{earlier.dated:%-d %B %Y}:\n{earlier.initial_response}",
        f"{current.dated:%-d %B %Y}:\n{current.second_response}",
        f"{current.dated:%-d %B %Y}:\n{current.outstanding_actions}",
    ]

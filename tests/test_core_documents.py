"""The core document model's richer blocks: struck, bold and tinted cells, lists, labelled paragraphs and
fixed column widths, written the same way to DOCX and the PDF's HTML, with any text escaped."""

from __future__ import annotations

import io

import pytest
from docx import Document as WordDocument
from docx.oxml.ns import qn
from openpyxl import load_workbook

from onward.core import documents
from onward.core.documents import Rich, Span

HOSTILE = "<script>alert(1)</script> & =SUM(A1)"


def _document() -> documents.Document:
    doc = documents.Document(title="Committee paper", landscape=False, title_level=1, page_total=True)
    doc.paragraph("Alderley", label="Council")
    doc.heading("Superseded item", 3, strike=True)
    doc.bullets(["First criterion", HOSTILE])
    doc.table(
        "",
        ("Item", "Rating"),
        [
            [Rich((Span(HOSTILE, strike=True), Span("Superseded: merged", italic=True))), Rich.of("Green", "cce2d8")],
            ["Plain text", None],
        ],
        widths=(70, 30),
        row_headers=False,
    )
    return doc


def test_rich_cells_lists_and_labels_in_word() -> None:
    """Struck text is a struck run, a tint is cell shading, a list is Word's bullets, the footer says 'Page n of m'."""
    word = WordDocument(io.BytesIO(documents.to_docx(_document())))
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "Committee paper"), ("Heading 3", "Superseded item")]
    struck_heading = next(p for p in word.paragraphs if p.text == "Superseded item")
    assert all(run.font.strike for run in struck_heading.runs)
    assert [p.text for p in word.paragraphs if p.style.name == "List Bullet"] == ["First criterion", HOSTILE]
    labelled = next(p for p in word.paragraphs if p.text.startswith("Council"))
    assert labelled.text == "Council: Alderley" and labelled.runs[0].bold
    table = word.tables[0]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    item, rating = table.rows[1].cells
    assert item.text == f"{HOSTILE}\nSuperseded: merged"
    assert item.paragraphs[0].runs[0].font.strike and item.paragraphs[1].runs[0].italic
    assert rating._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "cce2d8"
    assert item.width > 2 * rating.width  # 70% and 30% of the page
    footer = word.sections[0].footer._element
    assert [e.text.strip() for e in footer.iter(qn("w:instrText"))] == ["PAGE", "NUMPAGES"]
    assert word.sections[0].page_height > word.sections[0].page_width  # portrait


def test_rich_cells_lists_and_labels_in_the_pdfs_html_escape_the_text() -> None:
    html = documents.to_html(_document())
    assert "<script>" not in html
    assert "<del>&lt;script&gt;alert(1)&lt;/script&gt; &amp; =SUM(A1)</del><br><em>Superseded: merged</em>" in html
    assert '<td style="background: #cce2d8">Green</td>' in html
    assert "<h3><del>Superseded item</del></h3>" in html
    assert "<p><strong>Council:</strong> Alderley</p>" in html
    assert "<li>&lt;script&gt;alert(1)&lt;/script&gt; &amp; =SUM(A1)</li>" in html
    assert '<col style="width: 70%">' in html and "size: A4 portrait" in html


def test_a_rich_cell_goes_into_a_workbook_as_its_text() -> None:
    workbook = load_workbook(io.BytesIO(documents.to_xlsx(_document())))
    sheet = workbook.worksheets[1]
    assert [c.value for c in sheet[1]] == ["Item", "Rating"]
    assert sheet["A2"].value == f"{HOSTILE}\nSuperseded: merged"
    assert sheet["B2"].value == "Green"


def test_widths_must_match_the_columns_and_add_up_to_100() -> None:
    with pytest.raises(ValueError, match="do not match their widths"):
        documents.Table("Counts", ("Rating", "Number"), [], widths=(50, 40))

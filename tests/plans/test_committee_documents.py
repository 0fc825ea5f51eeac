"""What committee documents print beyond the items: success measures with live and national figures,
contacts, updates since the last review, dated responses, the criteria as a list and board meetings."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from onward.core.indicators import IndicatorReading, IndicatorSource, register_indicator, unregister_indicator
from onward.plans import documents, selectors, services
from onward.plans.models import Measure, Plan
from tests.conftest import Tenant
from tests.plans.builders import Built, build_plan

D = Decimal


def _flat(text: str) -> str:
    return " ".join(text.split())


def _docx_text(document: documents.PlanDocument) -> str:
    doc = Document(io.BytesIO(documents.build_docx(document)))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _pdf_text(document: documents.PlanDocument) -> str:
    reader = PdfReader(io.BytesIO(documents.build_pdf(document)))
    return _flat("\n".join(page.extract_text() for page in reader.pages))


def _built(tenant: Tenant, kind: str = Plan.Kind.ACTION_PLAN, **options: int) -> Built:
    return build_plan(council=tenant.council, officer=tenant.users["performance_officer"], kind=kind, **options)


@pytest.fixture
def live_indicator() -> Iterator[str]:
    """A test indicator: 61.5% for any council, national 55%."""
    code = "test.he_rate"
    register_indicator(
        IndicatorSource(
            code=code,
            name="Test higher education rate",
            read=lambda council, as_at: IndicatorReading(value=D("61.5"), numerator=123, denominator=200, shown="62%"),
            national=lambda as_at: D("55"),
        )
    )
    yield code
    unregister_indicator(code)


def test_the_documents_print_each_measure_with_its_live_figure_the_national_figure_and_the_councils_target(
    world, live_indicator
) -> None:
    """A bound measure prints the live figure as published (62%), national 55% and the targets page's step."""
    from onward.performance import services as performance

    tenant = world["A"]
    officer = tenant.users["performance_officer"]
    built = _built(tenant, sections=1, per_section=3)
    item = built.items[-1]
    services.measure_save(
        acting_user=officer, item=item, measure=None, name="Care leavers at university", indicator_code=live_indicator
    )
    target = performance.target_save(
        acting_user=officer, council=tenant.council, target=None, indicator=live_indicator, tolerance=None
    )
    performance.target_step_add(
        acting_user=officer,
        target=target,
        by_date=datetime.date(2020, 4, 1),
        kind="absolute",
        value=D("60"),
        version=target.version,
    )
    document = selectors.plan_document(built.plan, built.current_round)
    today = timezone.localdate()
    expected = [
        item.reference,
        "Care leavers at university",
        f"62% on {today:%-d %B %Y} (live)",
        "55%",
        "60% by 1 April 2020",
        "",
        "Met",
    ]
    for text in (_docx_text(document), _pdf_text(document)):
        assert "Success measures" in text
    assert " | ".join(expected) in _docx_text(document)
    assert _flat(" ".join(e for e in expected if e)) in _pdf_text(document)


def test_a_plan_with_no_measures_prints_no_measures_table(world) -> None:
    built = _built(world["A"], sections=1, per_section=3)
    assert not Measure.objects.filter(item__plan=built.plan).exists()
    assert "Success measures" not in _docx_text(selectors.plan_document(built.plan, None))


def _pdf_raw(document: documents.PlanDocument) -> str:
    reader = PdfReader(io.BytesIO(documents.build_pdf(document)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_updates_since_the_last_review_are_marked_in_both_formats(world) -> None:
    """Items updated since the last review closed carry the mark; the intro says which review and how many."""
    built = _built(world["A"], sections=1, per_section=4)
    document = selectors.plan_document(built.plan, built.current_round)
    marked = {item.reference for item in document.items if item.updated_since_review}
    assert marked == {item.reference for item in built.items if item != built.unrated}
    closed = timezone.localdate(built.earlier_round.closed_at)
    intro = dict(document.intro)["Last review"]
    assert intro == (
        f"{built.earlier_round.name}, closed on {closed:%-d %B %Y}. 3 items updated since are marked "
        f"'{documents.UPDATED_MARK}'."
    )
    doc = Document(io.BytesIO(documents.build_docx(document)))
    cells = {
        row.cells[0].text.split(" ")[0]: row.cells[0].text for table in doc.tables for row in table.rows if row.cells
    }
    assert documents.UPDATED_MARK in cells[built.rerated.reference]
    assert documents.UPDATED_MARK not in cells[built.unrated.reference]
    assert _pdf_text(document).count(documents.UPDATED_MARK) == 3 + 1  # three items and the intro
    earlier = selectors.plan_document(built.plan, built.earlier_round)
    assert not any(item.updated_since_review for item in earlier.items)
    assert "Last review" not in dict(earlier.intro)


def test_the_contacts_table_names_the_owner_link_officers_and_leads_with_what_they_lead(world) -> None:
    tenant = world["A"]
    built = _built(tenant, sections=1, per_section=3)
    built.plan.link_officers = "Democratic services officer"
    built.plan.save()
    officer = tenant.users["performance_officer"]
    document = selectors.plan_document(built.plan, built.current_round)
    contacts = document.tables_after[0]
    assert contacts.heading == "Contacts"
    rows = {row[0]: row for row in contacts.rows}
    references = ", ".join(item.reference for item in built.items)
    assert rows[officer.full_name] == [
        officer.full_name,
        officer.job_title,
        f"Keeps the plan; Leads {references}",
        officer.email,
    ]
    assert rows["Democratic services officer"][2] == "Link officer"
    for item in built.items:
        assert rows[item.named_leads][2] == f"Leads {item.reference}"
    text = _docx_text(document)
    assert f"{officer.full_name} | {officer.job_title} | Keeps the plan; Leads {references} | {officer.email}" in text
    assert _flat(f"Keeps the plan; Leads {references}") in _pdf_text(document)


def test_the_quality_mark_criteria_are_a_list_not_run_together(world) -> None:
    """Each criterion is its own bullet in the PDF (and in Word), on its own line."""
    built = _built(world["A"], kind=Plan.Kind.QUALITY_MARK_WORK_PLAN, sections=1, per_section=3)
    section = built.plan.sections.get()
    section.criteria = "A named lead for education\nA yearly review of the offer\nYoung people's views sought"
    section.save()
    document = selectors.plan_document(built.plan, built.current_round)
    html = documents.render_html(document)
    assert (
        "<ul><li>A named lead for education</li><li>A yearly review of the offer</li>"
        "<li>Young people&#x27;s views sought</li></ul>"
    ) in html
    word = Document(io.BytesIO(documents.build_docx(document)))
    assert [p.text for p in word.paragraphs if p.style.name == "List Bullet"] == section.criteria.splitlines()
    lines = _pdf_raw(document).splitlines()
    for criterion in ("A named lead for education", "A yearly review of the offer"):
        assert sum(1 for line in lines if line.strip().endswith(criterion)) == 1
    assert not any("education A yearly" in line for line in lines)


def test_the_responses_carry_the_dates_they_were_given(world) -> None:
    """Recommendation and response: each response printed under the date of the update that gave it."""
    from onward.plans.models import Update

    built = _built(world["A"], kind=Plan.Kind.SCRUTINY_RESPONSE, sections=1, per_section=4)
    earlier = Update.objects.get(item=built.rerated, round=built.earlier_round)
    current = Update.objects.get(item=built.rerated, round=built.current_round)
    document = selectors.plan_document(built.plan, built.current_round)
    text = _pdf_text(document)
    assert _flat(f"{earlier.dated:%-d %B %Y}: {earlier.initial_response}") in text
    assert _flat(f"{current.dated:%-d %B %Y}: {current.second_response}") in text


def test_a_bound_measure_with_no_figure_yet_still_prints_the_national_figure(world) -> None:
    """An empty cohort has no figure to quote, but the committee still sees the national figure and the target."""
    from onward.core.indicators import register_indicator, unregister_indicator

    register_indicator(
        IndicatorSource(code="test.empty", name="Empty", read=lambda c, d: None, national=lambda d: D("54"))
    )
    try:
        tenant = world["A"]
        built = _built(tenant, sections=1, per_section=3)
        services.measure_save(
            acting_user=tenant.users["performance_officer"],
            item=built.items[0],
            measure=None,
            name="Nobody to count yet",
            indicator_code="test.empty",
        )
        row = selectors.plan_document(built.plan, None).tables_before[0].rows[0]
        assert row[1:5] == ["Nobody to count yet", "No figure yet", "54%", "None due yet"]
    finally:
        unregister_indicator("test.empty")

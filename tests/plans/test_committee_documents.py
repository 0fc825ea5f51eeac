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

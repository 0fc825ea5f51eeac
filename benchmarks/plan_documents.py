"""Benchmark: committee documents (DOCX and PDF) of a 60-item plan.

Target (plans issue, committee documents): a 60-item plan's DOCX in under 1 second and its PDF in
under 5 seconds, from the database to the finished file (the selector that reads the plan, then
python-docx or WeasyPrint). Each is the median of several runs, in each of the four shapes, and is
also given as a ratio to a baseline measured in the same run with the same library: a one-paragraph
document (python-docx) and a one-paragraph HTML page (WeasyPrint). Results go to benchmarks/results/.

    .venv/bin/python benchmarks/plan_documents.py [--runs 5]

It uses a throwaway SQLite database (or BENCH_DATABASE_URL if set, which it adds a council to).
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_TMP = tempfile.mkdtemp(prefix="onward-bench-plans-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{_TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("ONWARD_LOG_LEVEL", "ERROR")
os.environ.setdefault("ONWARD_REQUIRE_2FA", "false")

import django

django.setup()

from django.core.management import call_command
from django.db import transaction
from pypdf import PdfReader

from onward.accounts.models import User
from onward.accounts.services import council_create
from onward.plans import documents, selectors
from onward.plans.models import Plan, ReviewRound
from tests.plans.builders import build_plan

DOCX_TARGET_SECONDS = 1.0
PDF_TARGET_SECONDS = 5.0


def median_seconds(work: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``runs`` calls (CPU shows how much of the wall time was waiting)."""
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def baseline_docx() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph("A one-paragraph document.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def baseline_pdf() -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string="<!DOCTYPE html><html lang='en'><p>A one-paragraph document.</p></html>").write_pdf()
    return pdf


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    call_command("migrate", verbosity=0)
    stamp = datetime.datetime.now(datetime.UTC)
    with transaction.atomic():
        council = council_create(name=f"Bench plans council {stamp:%Y%m%d%H%M%S}")
    officer = User.objects.create(
        email=f"plans-bench-{stamp:%Y%m%d%H%M%S}@example.org",
        given_name="Bench",
        family_name="Officer",
        organisation=council,
    )
    # Warm both libraries (fonts, templates, imports) before anything is timed.
    baseline_docx()
    baseline_pdf()
    base_docx, _ = median_seconds(baseline_docx, args.runs)
    base_pdf, _ = median_seconds(baseline_pdf, args.runs)
    shapes = {}
    for kind in Plan.Kind.values:
        built = build_plan(council=council, officer=officer, kind=kind, sections=6, per_section=10)
        plan, review_round = built.plan, built.current_round
        if plan.items.count() != 60:
            raise SystemExit("the benchmark plan should have 60 items")

        def make_docx(plan: Plan = plan, review_round: ReviewRound = review_round) -> bytes:
            return documents.build_docx(selectors.plan_document(plan, review_round))

        def make_pdf(plan: Plan = plan, review_round: ReviewRound = review_round) -> bytes:
            return documents.build_pdf(selectors.plan_document(plan, review_round))

        pdf_pages = len(PdfReader(io.BytesIO(make_pdf())).pages)
        docx_seconds, docx_cpu = median_seconds(make_docx, args.runs)
        pdf_seconds, pdf_cpu = median_seconds(make_pdf, args.runs)
        shapes[kind] = {
            "items": 60,
            "docx_seconds": round(docx_seconds, 3),
            "docx_cpu_seconds": round(docx_cpu, 3),
            "pdf_seconds": round(pdf_seconds, 3),
            "pdf_cpu_seconds": round(pdf_cpu, 3),
            "docx_ratio_to_baseline": round(docx_seconds / base_docx, 1),
            "pdf_ratio_to_baseline": round(pdf_seconds / base_pdf, 1),
            "docx_bytes": len(make_docx()),
            "pdf_pages": pdf_pages,
            "passed": docx_seconds < DOCX_TARGET_SECONDS and pdf_seconds < PDF_TARGET_SECONDS,
            "passed_on_cpu_time": docx_cpu < DOCX_TARGET_SECONDS and pdf_cpu < PDF_TARGET_SECONDS,
        }
        print(f"{kind}: DOCX {docx_seconds:.3f} s, PDF {pdf_seconds:.3f} s ({pdf_pages} pages)", flush=True)
    result = {
        "benchmark": "plan_documents",
        "when": stamp.isoformat(timespec="seconds"),
        "database": "postgresql" if "postgres" in os.environ["DATABASE_URL"] else "sqlite",
        "runs_per_median": args.runs,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "baseline_docx_seconds": round(base_docx, 4),
        "baseline_pdf_seconds": round(base_pdf, 4),
        "shapes": shapes,
        "targets": {"docx_seconds_below": DOCX_TARGET_SECONDS, "pdf_seconds_below": PDF_TARGET_SECONDS},
        "passed": all(shape["passed"] for shape in shapes.values()),
        # On a shared machine the wall time includes waiting for a core; the CPU time does not.
        "passed_on_cpu_time": all(shape["passed_on_cpu_time"] for shape in shapes.values()),
    }
    out = ROOT / "benchmarks" / "results" / f"plan_documents-{stamp:%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

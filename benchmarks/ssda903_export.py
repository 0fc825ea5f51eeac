"""Benchmark: exporting the SSDA903 care leavers return for the national-scale data set.

Target (SSDA903 issue): OC3 (with header, episodes and UASC) for all 250,000 young people in at most
60 seconds, on PostgreSQL. Measured beside a plain SQL count of the same young people in the same run.

    .venv/bin/python benchmarks/ssda903_export.py
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault(
    "DATABASE_URL", os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onward_bench")
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("ONWARD_LOG_LEVEL", "ERROR")

import django

django.setup()

from django.db import connection
from django.utils import timezone

from onward.accounts.models import Organisation
from onward.returns.selectors import build_return


def main() -> int:
    today = timezone.localdate()
    year = today.year + 1 if today.month >= 4 else today.year
    councils = list(Organisation.objects.filter(name__startswith="National ", kind="council").order_by("name"))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM people_youngperson p JOIN accounts_organisation o ON o.id = p.council_id WHERE o.name LIKE 'National %%'"
        )
        people = cursor.fetchone()[0]
    count_seconds = time.perf_counter() - started
    started = time.perf_counter()
    rows = issues = 0
    for council in councils:
        result = build_return(council=council, year=year)
        rows += len(result.oc3)
        issues += len(result.issues)
        result.files()
    export_seconds = time.perf_counter() - started
    result_json = {
        "benchmark": "ssda903_export",
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "collection_year": year,
        "councils": len(councils),
        "young_people": people,
        "oc3_rows": rows,
        "left_out_for_data_quality": issues,
        "export_seconds": round(export_seconds, 2),
        "plain_count_seconds": round(count_seconds, 4),
        "target_seconds_at_most": 60,
        "passed": export_seconds <= 60 and people >= 250000,
    }
    out = ROOT / "benchmarks" / "results" / f"ssda903_export-{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(result_json, indent=2) + "\n")
    print(json.dumps(result_json, indent=2))
    return 0 if result_json["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())

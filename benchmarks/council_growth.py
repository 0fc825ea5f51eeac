"""Benchmark: the at-risk-of-NEET list and the performance dashboard as a council grows tenfold.

Two generated councils in the benchmark database, of 2,000 and 20,000 young people (made once by
``generate_cohort``; 11 of the trend's month ends stored once, the last taken by the dashboard's
first view; then today's kept figures made, as the nightly ``keep_figures_current`` does, ADR 36). For each
council a performance officer (who sees every young person of the council, and its indicators)
is signed in, and each page is loaded by wrk (2 connections, one a core; 15 s a page) against gunicorn
(``deploy/gunicorn.conf.py``, 2 workers of 4 threads): a trivial signed-in page, the first page
of the at-risk list for everyone in the council, and the dashboard. Server time is gunicorn's.

The 15 s are taken in ``BENCH_ROUNDS`` (3) rounds, each page for both councils in turn, the order of
the councils changing from round to round: the machine's speed drifts by a third within minutes,
and measured one council after the other, the drift would be counted as growth.

Targets (production issue): the at-risk list p95 at most 300 ms at 20,000; each page's p95 at
20,000 at most 1.5 times its p95 at 2,000.

    BENCH_DATABASE_URL=postgres://... .venv/bin/python benchmarks/council_growth.py
"""

from __future__ import annotations

import os
import sys

from harness import (
    DATABASE_URL,
    GROWTH_COUNCILS,
    RESULTS,
    ensure_growth_councils,
    gunicorn,
    load_average,
    manage,
    server_times_of,
    sessions,
    shell,
    write_result,
    wrk,
)

PORT = 8011
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "2"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TARGET_AT_RISK_P95_MS = 300
TARGET_GROWTH = 1.5
PAGES = {"trivial": "/account/", "at_risk": "/people/at-risk/", "dashboard": "/performance/"}

SNAPSHOTS = """
import json
from onward.accounts.models import Organisation
from onward.people.selectors import today
from onward.performance import indicators, services
from onward.performance.models import IndicatorSnapshot
taken = 0
for name in NAMES:
    council = Organisation.objects.get(name=name)
    for end in indicators.month_ends_before(today(), 12)[:-1]:
        if not IndicatorSnapshot.objects.filter(council=council, month_end=end).exists():
            services.snapshot_take(councils=[council], month_end=end)
            taken += 1
print(json.dumps(taken))
"""


def main() -> int:
    counts = ensure_growth_councils()
    shell(f"NAMES = {list(GROWTH_COUNCILS)!r}\n" + SNAPSHOTS)
    for name in GROWTH_COUNCILS:  # the nightly job: today's kept figures (ADR 36)
        manage("keep_figures_current", "--council", name)
    signed = sessions(
        {
            name: (name, f"growth-{size}@bench.example", ["performance_officer"])
            for name, (size, _seed) in GROWTH_COUNCILS.items()
        }
    )
    access_log = RESULTS / ".gunicorn-growth.log"
    load_before = load_average()
    lines: dict[tuple[str, str], list[str]] = {(name, page): [] for name in GROWTH_COUNCILS for page in PAGES}
    clients: dict[tuple[str, str], list[dict[str, object]]] = {key: [] for key in lines}
    url = f"http://127.0.0.1:{PORT}"
    seconds = max(1, SECONDS // ROUNDS)
    with gunicorn(PORT, access_log):
        for name in GROWTH_COUNCILS:
            # Warm up (not measured; the first views of the day may be slow, so errors are let pass).
            for page in PAGES.values():
                wrk(url + page, signed[name]["cookies"], seconds=3, connections=CONNECTIONS, keep_errors=True)
        for round_ in range(ROUNDS):
            order = list(GROWTH_COUNCILS)[:: 1 if round_ % 2 == 0 else -1]
            for page, path in PAGES.items():
                for name in order:
                    access_log.write_text("")
                    client = wrk(url + path, signed[name]["cookies"], seconds=seconds, connections=CONNECTIONS)
                    clients[(name, page)].append(client)
                    lines[(name, page)] += access_log.read_text().splitlines()
    access_log.unlink(missing_ok=True)
    measured: dict[str, dict[str, object]] = {
        name: {
            page: {**server_times_of(lines[(name, page)], path), "client_rounds": clients[(name, page)]}
            for page, path in PAGES.items()
        }
        for name in GROWTH_COUNCILS
    }
    small, large = (measured[name] for name in GROWTH_COUNCILS)

    def p95(figures: dict[str, object], page: str) -> float:
        return float(figures[page]["p95_ms"])  # type: ignore[index]

    growth = {page: round(p95(large, page) / p95(small, page), 2) for page in ("at_risk", "dashboard")}
    result = {
        "benchmark": "council_growth",
        "database": DATABASE_URL.rsplit("/", 1)[-1],
        "councils": {name: counts[name] for name in GROWTH_COUNCILS},
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "connections": CONNECTIONS,
        "seconds_each": SECONDS,
        "rounds": ROUNDS,
        "pages": measured,
        "p95_growth_2000_to_20000": growth,
        "at_risk_p95_ms_at_20000": p95(large, "at_risk"),
        "targets": {"at_risk_p95_ms_at_20000": TARGET_AT_RISK_P95_MS, "growth_at_most": TARGET_GROWTH},
    }
    result["passed"] = {
        "at_risk_p95": p95(large, "at_risk") <= TARGET_AT_RISK_P95_MS,
        "at_risk_growth": growth["at_risk"] <= TARGET_GROWTH,
        "dashboard_growth": growth["dashboard"] <= TARGET_GROWTH,
    }
    write_result("council_growth", result)
    return 0 if all(result["passed"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())

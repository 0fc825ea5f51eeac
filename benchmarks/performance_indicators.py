"""Benchmark: the indicators on the national-scale data set (250,000 young people in 125 councils).

Targets (indicators issue, item 8), on PostgreSQL:

- one council's headline dashboard (about 2,000 young people) in at most 300 ms p95 server time;
- the same over every council at once in at most 2 s;
- a monthly snapshot for all 250,000 in at most 60 s.

Each is also given as a ratio to a plain SQL count over the same rows in the same run. The
dashboard is served in-process by Django's test client (the whole request: middleware, the
view's queries and the page), signed in as a performance officer of ``National 001``, with the
last 12 month ends stored as snapshots (as the monthly job keeps them), live figures for the
chosen date. "Every council at once" is measured two ways: the headline figures of all 125
councils computed live in one query (the median of 5 runs), and read from the month's stored
snapshot. The monthly
snapshot is timed for the live method (headline and every breakdown) and, separately, for the
statutory return method (which builds each council's return). Results go to benchmarks/results/.

    .venv/bin/python benchmarks/performance_indicators.py
"""

from __future__ import annotations

import datetime
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault(
    "DATABASE_URL", os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onward_bench")
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-not-for-production")
os.environ.setdefault("ONWARD_LOG_LEVEL", "ERROR")

import django

django.setup()

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from onward.accounts import services as account_services
from onward.accounts.models import Organisation, User
from onward.people.models import YoungPerson
from onward.people.selectors import today
from onward.performance import indicators, live, services
from onward.performance.forms import query
from onward.performance.models import IndicatorSnapshot, Method

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))


def percentile(times: list[float], p: float) -> float:
    ordered = sorted(times)
    return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000, 2)


def timed(action: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def plain_count(where: str = "", params: tuple[Any, ...] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM people_youngperson {where}", params)  # noqa: S608 - constant
        cursor.fetchone()


def ensure_data() -> None:
    call_command("migrate", verbosity=0)
    if YoungPerson.objects.count() < 250000:
        print("Generating the national-scale data set (250,000 young people); this takes some minutes", flush=True)
        call_command(
            "generate_cohort",
            "--council",
            "National",
            "--size",
            "250000",
            "--seed",
            "1",
            "--councils",
            "125",
            "--replace",
        )


def signed_in_client(council: Organisation) -> Client:
    email = "performance@national001.example"
    user = User.objects.filter(email=email).first() or account_services.user_create(
        acting_user=None,
        organisation=council,
        email=email,
        given_name="Bench",
        family_name="Mark",
        role_keys={"performance_officer"},
    )
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def main() -> int:
    ensure_data()
    day = today()
    month_end = indicators.month_ends_before(day, 1)[0]
    councils = list(Organisation.objects.filter(name__startswith="National ", kind="council").order_by("name"))
    council = councils[0]
    people = YoungPerson.objects.count()
    council_people = YoungPerson.objects.filter(council=council).count()

    # The monthly snapshot for everyone.
    count_all = timed(plain_count, 3)
    live_snapshot = timed(
        lambda: services.snapshot_take(councils=councils, month_end=month_end, methods=[Method.SNAPSHOT]), 1
    )[0]
    stored_rows = IndicatorSnapshot.objects.filter(month_end=month_end, method=Method.SNAPSHOT).count()
    return_snapshot = timed(
        lambda: services.snapshot_take(councils=councils, month_end=month_end, methods=[Method.RETURN]), 1
    )[0]

    # The snapshots just replaced a month's rows: settle the table as autovacuum would, so that its
    # work does not share the two cores with the timings below.
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {IndicatorSnapshot._meta.db_table}")

    # One council's dashboard, its trend from stored month ends.
    for end in indicators.month_ends_before(day, 12)[:-1]:
        if not IndicatorSnapshot.objects.filter(council=council, month_end=end).exists():
            services.snapshot_take(councils=[council], month_end=end)
    client = signed_in_client(council)
    url = reverse("performance:dashboard") + "?" + query(day, Method.SNAPSHOT)

    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"The dashboard answered {response.status_code}")

    get()  # warm up
    dashboard = timed(get, REQUESTS)
    council_count = timed(lambda: plain_count("WHERE council_id = %s", (council.pk,)), REQUESTS)

    # Every council at once: live in one query, and from the month's stored snapshot.
    every_live = timed(lambda: live.live_counts(YoungPerson.objects.all(), day), 5)
    every_stored = timed(
        lambda: list(IndicatorSnapshot.objects.filter(month_end=month_end, method=Method.SNAPSHOT, breakdown="")), 5
    )

    dashboard_p95 = percentile(dashboard, 95)
    every_live_s = statistics.median(every_live)
    every_stored_s = max(every_stored)
    plain_all_s = min(count_all)
    result = {
        "benchmark": "performance_indicators",
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "young_people": people,
        "councils": len(councils),
        "council_young_people": council_people,
        "as_at": day.isoformat(),
        "month_end": month_end.isoformat(),
        "one_council_dashboard": {
            "requests": REQUESTS,
            "p50_ms": percentile(dashboard, 50),
            "p95_ms": dashboard_p95,
            "plain_count_p95_ms": percentile(council_count, 95),
            "ratio_to_plain_count": round(dashboard_p95 / max(percentile(council_count, 95), 0.001), 1),
        },
        "every_council_headline": {
            "live_seconds": round(every_live_s, 2),  # the median of 5
            "live_seconds_fastest": round(min(every_live), 2),
            "from_stored_snapshot_seconds": round(every_stored_s, 3),
            "plain_count_seconds": round(plain_all_s, 3),
            "live_ratio_to_plain_count": round(every_live_s / plain_all_s, 1),
            "stored_ratio_to_plain_count": round(every_stored_s / plain_all_s, 1),
        },
        "monthly_snapshot_everyone": {
            "live_method_seconds": round(live_snapshot, 2),
            "rows_stored": stored_rows,
            "return_method_seconds": round(return_snapshot, 2),
            "plain_count_seconds": round(plain_all_s, 3),
            "live_ratio_to_plain_count": round(live_snapshot / plain_all_s, 1),
        },
        "targets": {"one_council_dashboard_p95_ms": 300, "every_council_seconds": 2, "monthly_snapshot_seconds": 60},
    }
    result["passed"] = {
        "one_council_dashboard": dashboard_p95 <= 300,
        "every_council_live": every_live_s <= 2,
        "every_council_from_snapshot": every_stored_s <= 2,
        "monthly_snapshot_live_method": live_snapshot <= 60,
        "monthly_snapshot_both_methods": live_snapshot + return_snapshot <= 60,
    }
    out = (
        ROOT
        / "benchmarks"
        / "results"
        / f"performance_indicators-{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%S}.json"
    )
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0 if all(result["passed"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())

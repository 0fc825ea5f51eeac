"""Benchmark: 50 signed-in users at once, on one gunicorn or on two behind HAProxy.

Fifty staff of one council (2,000 young people, the ``Growth 2000`` council of the benchmark
database, with 150 referrals awaiting triage) are signed in, each with their own session. All
fifty load a trivial signed-in page (``/account/``) for ``BENCH_TRIVIAL_SECONDS`` (32 s) and work
through the mix for ``BENCH_SECONDS`` (120 s): the caseload, a young person's page (five
different young people), the performance dashboard, the referral list and the triage queue, in
turn. The two are taken in ``BENCH_ROUNDS`` rounds (4: 8 s of the trivial page, then 30 s of the
mix), so that the machine's drift in speed, which on the 2-core machines these run on moved the
trivial page's own rate by a third within ten minutes, falls on both sides of the share rather
than between them; each round's share is reported beside the whole run's. Every answer's status
is checked (``latency.lua``): a redirect to sign-in, any other non-2xx answer, or a socket error
fails the run. The database is vacuumed and analysed before the run, and the sessions and audit
tables again before each phase (``harness.settle``): PostgreSQL runs here with autovacuum off,
and each request rewrites its session row.

``--scale-out`` serves the same from two gunicorn instances (each from ``deploy/gunicorn.conf.py``)
behind HAProxy (``deploy/haproxy.cfg``, to the instance with fewest requests in hand), on the one
PostgreSQL, and reports how many requests each instance served.

Reported: p50 and p95 server time a page (gunicorn's), the client p50 and p95 (wrk's, every
user's requests pooled; and the slowest user's alone), throughput of the mix and of the trivial
page (and the share in each round), and the database connections (sampled every second from
pg_stat_activity through every round: the most seen,
and how many when idle after the run). Connections are bounded: each gunicorn thread keeps at
most one (``CONN_MAX_AGE``), so at most instances x workers x threads.

Targets (production issue): p95 at most 1 s, the mix at least half the trivial page's throughput
in the same run, 0 errors.

    BENCH_DATABASE_URL=postgres://... .venv/bin/python benchmarks/load.py [--scale-out]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from harness import (
    RESULTS,
    ROOT,
    database_connections,
    database_name,
    ensure_growth_councils,
    gunicorn,
    load_average,
    server_times_of,
    sessions,
    settle,
    shell,
    wait_until_up,
    write_result,
    wrk,
    wrk_groups,
    wrk_summary,
)

USERS = int(os.environ.get("BENCH_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "120"))
TRIVIAL_SECONDS = int(os.environ.get("BENCH_TRIVIAL_SECONDS", "32"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
COUNCIL = "Growth 2000"
ROLES = ["personal_adviser", "team_manager", "performance_officer", "triage_coordinator"]
TARGET_P95_MS = 1000
TARGET_THROUGHPUT_SHARE = 0.5
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
BALANCER_PORT = 8020
INSTANCE_PORTS = (8021, 8022)

# What every signed-in request writes (its session) and every list or record view (an audit entry):
# settled before each phase (``harness.settle``), as a council's autovacuum would keep them.
WRITTEN_EACH_REQUEST = ("django_session", "audit_auditevent")

# Referrals awaiting triage for the queue and the referral list, and five young people with long
# histories for the young person's page.
DATA = """
import json, datetime
from django.db.models import Count
from onward.accounts.models import Organisation, User
from onward.people.models import YoungPerson
from onward.referrals.models import Referral
council = Organisation.objects.get(name=COUNCIL)
maker = User.objects.get(pk=MAKER)
have = Referral.objects.filter(council=council).count()
people = list(YoungPerson.objects.filter(council=council).order_by("pk")[: 150 - have]) if have < 150 else []
for n, person in enumerate(people):
    Referral.objects.create(council=council, person=person, made_by=maker, needs=["job_search"],
                            triage_due=datetime.date.today() + datetime.timedelta(days=n % 10))
rich = list(YoungPerson.objects.filter(council=council).annotate(n=Count("eet_spells")).order_by("-n", "pk")
            .values_list("pk", flat=True)[:5])
print(json.dumps({"people": rich, "referrals": Referral.objects.filter(council=council).count()}))
"""


def haproxy_config() -> str:
    """deploy/haproxy.cfg with the two instances' loopback addresses and the benchmark's port."""
    text = (ROOT / "deploy" / "haproxy.cfg").read_text()
    return (
        text.replace("bind :8000", f"bind 127.0.0.1:{BALANCER_PORT}")
        .replace("server web1 web1:8000", f"server web1 127.0.0.1:{INSTANCE_PORTS[0]}")
        .replace("server web2 web2:8000", f"server web2 127.0.0.1:{INSTANCE_PORTS[1]}")
        .replace("/usr/local/etc/haproxy/errors/", f"{ROOT}/onward/static/errors/")
    )


@contextmanager
def haproxy() -> Iterator[None]:
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    config = RESULTS / ".haproxy.cfg"
    config.write_text(haproxy_config())
    check = subprocess.run([binary, "-c", "-f", str(config)], capture_output=True, text=True, check=False)
    if check.returncode != 0:
        raise SystemExit(f"HAProxy refused deploy/haproxy.cfg: {check.stderr or check.stdout}")
    proc = subprocess.Popen([binary, "-db", "-f", str(config)], start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{BALANCER_PORT}/healthz")
        yield
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        config.unlink(missing_ok=True)


class ConnectionSampler(threading.Thread):
    """Samples the database's open connections every second while the load runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[dict[str, int]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(1.0):
            self.samples.append(database_connections(database_name()))

    def summary(self) -> dict[str, Any]:
        totals = [s["total"] for s in self.samples] or [0]
        active = [s.get("active", 0) for s in self.samples] or [0]
        return {"samples": len(self.samples), "most_open": max(totals), "most_active": max(active)}


def run(scale_out: bool) -> dict[str, Any]:
    ensure_growth_councils()
    spec = {f"user{n:02d}": (COUNCIL, f"load{n:02d}@bench.example", ROLES) for n in range(USERS)}
    signed = sessions(spec)
    cookies = [signed[key]["cookies"][0] for key in sorted(signed)]
    data = shell(f"COUNCIL = {COUNCIL!r}\nMAKER = {signed['user00']['user']}\n" + DATA)
    person_pages = [f"/people/{pk}/" for pk in data["people"]]
    mix = []
    for person in person_pages:  # each user cycles through every page; five young people in turn
        mix += ["/people/", person, "/performance/", "/referrals/", "/referrals/triage/"]
    logs = [RESULTS / f".gunicorn-load-{port}.log" for port in (INSTANCE_PORTS if scale_out else (8012,))]
    settled: dict[str, Any] = {"before_run": settle()}
    load_before = load_average()
    with ExitStack() as stack:
        if scale_out:
            for port, log in zip(INSTANCE_PORTS, logs, strict=True):
                stack.enter_context(gunicorn(port, log, workers=WORKERS, threads=THREADS))
            stack.enter_context(haproxy())
            url = f"http://127.0.0.1:{BALANCER_PORT}"
        else:
            stack.enter_context(gunicorn(8012, logs[0], workers=WORKERS, threads=THREADS))
            url = "http://127.0.0.1:8012"
        # Warm up: every page once by every user, so each worker has its connection and templates.
        wrk(url + "/account/", cookies, seconds=5, connections=USERS, threads=1, paths=mix, keep_errors=True)
        idle_before = database_connections(database_name())
        sampler = ConnectionSampler()
        sampler.start()
        trivial_runs: list[list[dict[str, Any]]] = []
        mix_runs: list[list[dict[str, Any]]] = []
        trivial_lines: list[str] = []
        mix_lines: list[list[str]] = [[] for _ in logs]
        settled["rounds"] = []
        elapsed = 0.0
        # In rounds, each the trivial page then the mix, so that the machine's drift in speed falls
        # on both sides of the share rather than between them.
        for _ in range(ROUNDS):
            before_trivial = settle(*WRITTEN_EACH_REQUEST)
            _take(logs)
            trivial_runs.append(
                wrk_groups(url + "/account/", cookies, seconds=TRIVIAL_SECONDS // ROUNDS, connections=USERS, threads=1)
            )
            trivial_lines += [line for lines in _take(logs) for line in lines]
            before_mix = settle(*WRITTEN_EACH_REQUEST)
            _take(logs)
            started = time.perf_counter()
            mix_runs.append(
                wrk_groups(
                    url + "/people/", cookies, seconds=SECONDS // ROUNDS, connections=USERS, threads=1, paths=mix
                )
            )
            elapsed += time.perf_counter() - started
            for kept, lines in zip(mix_lines, _take(logs), strict=True):
                kept += lines
            settled["rounds"].append({"before_trivial": before_trivial, "before_mix": before_mix})
        sampler.stopping.set()
        sampler.join()
        trivial = wrk_summary(url + "/account/", trivial_runs, keep_errors=True)
        trivial_server = server_times_of(trivial_lines)
        mixed = wrk_summary(url + "/people/", mix_runs, keep_errors=True)
        rounds = [
            {
                "trivial_requests_per_second": wrk_summary(url, [t], keep_errors=True)["requests_per_second"],
                "mix_requests_per_second": wrk_summary(url, [m], keep_errors=True)["requests_per_second"],
            }
            for t, m in zip(trivial_runs, mix_runs, strict=True)
        ]
        for one in rounds:
            one["share"] = round(one["mix_requests_per_second"] / one["trivial_requests_per_second"], 2)
        every_line = [line for lines in mix_lines for line in lines]
        per_page = {
            "caseload": _of(every_line, "/people/"),
            "young_person": _of(every_line, *person_pages),
            "dashboard": _of(every_line, "/performance/"),
            "referral_list": _of(every_line, "/referrals/"),
            "triage_queue": _of(every_line, "/referrals/triage/"),
        }
        every = server_times_of(every_line)
        per_instance = {f"instance_{n + 1}": len(lines) for n, lines in enumerate(mix_lines)}
        idle_after = database_connections(database_name())
    for log in logs:
        log.unlink(missing_ok=True)
    share = round(mixed["requests_per_second"] / trivial["requests_per_second"], 2)
    worst_page_p95 = max(page["p95_ms"] for page in per_page.values())
    result: dict[str, Any] = {
        "benchmark": "load_scale_out" if scale_out else "load",
        "council": COUNCIL,
        "users": USERS,
        "seconds": SECONDS,
        "mix_seconds_measured": round(elapsed, 1),
        "instances": len(logs),
        "gunicorn": {"workers_each": WORKERS, "threads_each": THREADS},
        "load_average_before": load_before,
        "settled": settled,
        "load_average_after": load_average(),
        "trivial": {"client": trivial, "server": trivial_server},
        "mix": {"client": mixed, "server": every, "pages": per_page},
        "requests_per_instance": per_instance,
        "throughput_share_of_trivial": share,
        "rounds": rounds,
        "database_connections": {
            "idle_before_run": idle_before,
            "during_run": sampler.summary(),
            "after_run": idle_after,
            "bound": len(logs) * WORKERS * THREADS,
        },
        "targets": {"p95_ms": TARGET_P95_MS, "throughput_share_at_least": TARGET_THROUGHPUT_SHARE, "errors": 0},
    }
    result["passed"] = {
        "server_p95": worst_page_p95 <= TARGET_P95_MS,
        "client_p95": mixed["client_p95_ms"] <= TARGET_P95_MS,
        "throughput": share >= TARGET_THROUGHPUT_SHARE,
        "errors": mixed["errors"] == 0 and mixed["non2xx"] == 0 and trivial["errors"] == 0,
        "connections_bounded": sampler.summary()["most_open"] <= result["database_connections"]["bound"] + 2,
    }
    return result


def _take(logs: list[Path]) -> list[list[str]]:
    """The lines each instance's access log holds, the logs then emptied."""
    taken = []
    for log in logs:
        taken.append(log.read_text().splitlines())
        log.write_text("")
    return taken


def _of(lines: list[str], *paths: str) -> dict[str, Any]:
    """Server times of the requests in access log ``lines`` to any of ``paths``."""
    return server_times_of([line for line in lines if line.split(" ", 1)[0] in paths])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale-out", action="store_true", help="two gunicorn instances behind HAProxy")
    args = parser.parse_args()
    result = run(args.scale_out)
    write_result(result["benchmark"], result)
    return 0 if all(result["passed"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())

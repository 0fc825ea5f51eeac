"""What the web benchmarks share: the data set, signed-in sessions, gunicorn, wrk and the figures.

Onward is served as a council runs it: gunicorn from ``deploy/gunicorn.conf.py`` (threaded
workers) with production settings over loopback HTTP (``config.settings.bench``), against
PostgreSQL. Load comes from wrk with ``benchmarks/latency.lua``, which checks every answer's status:
a redirect to the sign-in page, or any other non-2xx answer, fails the run rather than being timed
as a fast page. Server time is gunicorn's own (``%(D)s`` in its access log, one line a request),
so queueing in front of the workers is not counted in it; wrk's client-side figures are kept too.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onward_bench")
ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_SETTINGS_MODULE": "config.settings.bench",
    "DJANGO_SECRET_KEY": "benchmark-only-secret-key-not-for-production",
    "ONWARD_LOG_LEVEL": "ERROR",
}
GROWTH_COUNCILS = {"Growth 2000": (2000, 7), "Growth 20000": (20000, 8)}

# Signs in a user of a council (made once, with the given roles) and prints a session cookie.
SESSION = """
import json, sys
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from onward.accounts import services
from onward.accounts.models import Organisation, User
from onward.people.models import YoungPerson

spec = SPEC
out = {}
for key, (council_name, email, roles) in spec.items():
    council = Organisation.objects.get(name=council_name)
    user = User.objects.filter(email=email).first() or services.user_create(
        acting_user=None, organisation=council, email=email,
        given_name="Bench", family_name="Mark", role_keys=set(roles))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True)
    sessions = []
    for _ in range(COUNT):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.set_expiry(60 * 60 * 4)
        session.save()
        sessions.append("sessionid=" + session.session_key)
    out[key] = {"cookies": sessions, "user": user.pk, "council": council.pk,
                "people": YoungPerson.objects.filter(council=council).count()}
print(json.dumps(out))
"""


def manage(*args: str, capture: bool = False, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env or ENV,
        cwd=ROOT,
        check=True,
        capture_output=capture,
        text=True,
    )
    return done.stdout if capture else ""


def shell(code: str) -> Any:
    """Run ``code`` in ``manage.py shell``; its last line of output, as JSON."""
    return json.loads(manage("shell", "-c", code, capture=True).strip().splitlines()[-1])


def ensure_growth_councils() -> dict[str, int]:
    """The two councils the growth figures compare (2,000 and 20,000 young people), generated once."""
    manage("migrate", "-v0")
    counts: dict[str, int] = shell(
        "import json; from onward.people.models import YoungPerson; "
        f"print(json.dumps({{n: YoungPerson.objects.filter(council__name=n).count() for n in {list(GROWTH_COUNCILS)!r}}}))"
    )
    for name, (size, seed) in GROWTH_COUNCILS.items():
        if counts.get(name, 0) < size:
            print(f"Generating {name} ({size:,} young people)", flush=True)
            manage("generate_cohort", "--council", name, "--size", str(size), "--seed", str(seed), "--replace")
            counts[name] = size
    return counts


def sessions(spec: dict[str, tuple[str, str, list[str]]], count: int = 1) -> dict[str, Any]:
    """Signed-in sessions (``count`` each), two-factor done, for each ``key: (council, email, roles)``."""
    return shell(f"SPEC = {spec!r}\nCOUNT = {count}\n" + SESSION)  # type: ignore[no-any-return]


def load_average() -> list[float]:
    return [round(n, 2) for n in os.getloadavg()]


def database_connections(database: str) -> dict[str, int]:
    """Connections open to ``database`` now, by state (from pg_stat_activity), this one not counted."""
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT coalesce(state, 'none'), count(*) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid() GROUP BY 1",
            [database],
        ).fetchall()
    counts = {state: int(n) for state, n in rows}
    counts["total"] = sum(counts.values())
    return counts


def settle(*tables: str) -> dict[str, Any]:
    """``VACUUM ANALYZE`` the benchmark database (or only ``tables``), as autovacuum would have.

    The machines these benchmarks run on keep PostgreSQL's autovacuum off, and every signed-in
    request rewrites its session row (``SESSION_SAVE_EVERY_REQUEST``; the row's indexed expiry
    changes, so no update is HOT). Unsettled, the mix once ran with about 26,000 dead versions of
    some 200 session rows, and the database's processes took 0.78 of a core rather than 0.3. A
    council's server runs autovacuum, which settles such a table within seconds. Returns the
    database's dead row versions before, and whether autovacuum is on, for the record.
    """
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        dead = conn.execute("SELECT coalesce(sum(n_dead_tup), 0) FROM pg_stat_user_tables").fetchone()
        autovacuum = conn.execute("SHOW autovacuum").fetchone()
        conn.execute("VACUUM ANALYZE " + ", ".join(tables) if tables else "VACUUM ANALYZE")
    return {"dead_row_versions_before": int(dead[0]) if dead else 0, "autovacuum": autovacuum[0] if autovacuum else ""}


def database_name() -> str:
    return DATABASE_URL.rsplit("/", 1)[-1].split("?")[0]


@contextmanager
def gunicorn(
    port: int, access_log: Path, *, workers: int = 2, threads: int = 4, extra_env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn from deploy/gunicorn.conf.py on ``port``, logging ``path microseconds status`` a request."""
    access_log.unlink(missing_ok=True)
    env = {
        **ENV,
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_LOG_LEVEL": "error",
        # No worker recycling during a measurement: a recycled worker starts again from cold (its
        # PDF engine, templates and database connection) in the middle of the figures.
        "GUNICORN_MAX_REQUESTS": "0",
        **(extra_env or {}),
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(U)s %(D)s %(s)s",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
        yield server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def wait_until_up(url: str) -> None:
    for _ in range(120):
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"Nothing answered at {url}")


def pooled_percentile(results: list[dict[str, Any]], percent: float) -> float:
    """The latency below which ``percent`` of all the requests of several wrk runs were answered.

    Each run reports its latency at every half percentile (``latency.lua``); each of those points
    stands for a 200th of that run's requests, and the points of every run are pooled by weight.
    """
    points = sorted(
        (float(value), result["requests"] / len(result["quantiles_ms"]))
        for result in results
        for value in result["quantiles_ms"]
    )
    wanted = percent / 100 * sum(weight for _, weight in points)
    seen = 0.0
    for value, weight in points:
        seen += weight
        if seen >= wanted - 1e-9:
            return round(value, 2)
    return round(points[-1][0], 2) if points else 0.0


def wrk(url: str, cookies: list[str], *, keep_errors: bool = False, **run: Any) -> dict[str, Any]:
    """wrk against ``url`` (``run``: :func:`wrk_groups`'s options); stops the run on any non-2xx answer,
    and on any socket error or timeout unless ``keep_errors`` (the caller then counts them against
    its target)."""
    return wrk_summary(url, [wrk_groups(url, cookies, **run)], keep_errors=keep_errors)


def wrk_groups(
    url: str,
    cookies: list[str],
    *,
    seconds: int,
    connections: int,
    threads: int = 2,
    paths: list[str] | None = None,
) -> list[dict[str, Any]]:
    """One wrk run, as each wrk process reported it (``latency.lua``), unchecked: see :func:`wrk_summary`.

    wrk sends one cookie header for every connection, so several sessions are spread over
    separate wrk processes, each with its share of the connections.
    """
    groups = min(len(cookies), connections)
    per_group = [connections // groups + (1 if n < connections % groups else 0) for n in range(groups)]
    procs = []
    for cookie, count in zip(cookies, per_group, strict=False):
        env = {**ENV, "BENCH_COOKIE": cookie, "BENCH_PATHS": " ".join(paths or [])}
        procs.append(
            subprocess.Popen(
                [
                    "wrk",
                    f"-t{max(1, min(threads, count))}",
                    f"-c{count}",
                    f"-d{seconds}s",
                    "--timeout",
                    "10s",
                    "-s",
                    str(ROOT / "benchmarks" / "latency.lua"),
                    url,
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=seconds + 60)
        if proc.returncode != 0:
            raise SystemExit(f"wrk failed: {err}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def wrk_summary(url: str, runs: list[list[dict[str, Any]]], *, keep_errors: bool = False) -> dict[str, Any]:
    """The requests of one or more wrk runs (each as :func:`wrk_groups` returned it) taken together:
    counts, the rate over the runs' time, and client percentiles. Stops on any non-2xx answer, and on
    any socket error or timeout unless ``keep_errors``."""
    results = [result for run in runs for result in run]
    total = {key: sum(r[key] for r in results) for key in ("requests", "ok", "non2xx", "redirects", "errors")}
    total["seconds"] = round(sum(max(r["seconds"] for r in run) for run in runs), 2)
    total["requests_per_second"] = round(total["requests"] / total["seconds"], 2)
    # Client-side percentiles of every request (every wrk process's distribution pooled), and of the
    # slowest process alone.
    total["client_p50_ms"] = pooled_percentile(results, 50)
    total["client_p95_ms"] = pooled_percentile(results, 95)
    total["client_p50_ms_max"] = max(r["p50_ms"] for r in results)
    total["client_p95_ms_max"] = max(r["p95_ms"] for r in results)
    message = (
        f"{url}: {total['non2xx']} non-2xx answers ({total['redirects']} redirects) and "
        f"{total['errors']} socket errors or timeouts in {total['requests']} requests"
    )
    if total["non2xx"] or (total["errors"] and not keep_errors):
        raise SystemExit(message)
    if total["errors"]:
        print(message, file=sys.stderr)
    return total


def server_times(log: Path, path: str | None = None) -> dict[str, Any]:
    """p50 and p95 server time of the requests in ``log`` (to ``path``, if given), and their statuses."""
    return server_times_of(log.read_text().splitlines(), path)


def server_times_of(lines: list[str], path: str | None = None) -> dict[str, Any]:
    """p50 and p95 server time of the requests in access log ``lines`` (to ``path``, if given)."""
    times = []
    statuses: dict[str, int] = {}
    for line in lines:
        parts = line.split()
        if len(parts) != 3 or (path is not None and parts[0] != path):
            continue
        times.append(int(parts[1]) / 1000)
        statuses[parts[2]] = statuses.get(parts[2], 0) + 1
    if not times:
        raise SystemExit(f"No requests to {path or 'any page'} in the server's log")
    times.sort()

    def percentile(p: float) -> float:
        return round(times[min(len(times) - 1, int(p / 100 * len(times)))], 2)

    return {"requests": len(times), "p50_ms": percentile(50), "p95_ms": percentile(95), "statuses": statuses}


def write_result(name: str, result: dict[str, Any]) -> Path:
    import datetime

    out = RESULTS / f"{name}-{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return out

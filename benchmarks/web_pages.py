"""Benchmark: caseload and young person pages on the national-scale data set, under concurrent load.

Serves Onward with gunicorn (production settings over loopback HTTP) against PostgreSQL holding
250,000 generated young people in 125 councils, loads it with wrk (8 connections, loopback only,
bounded in time), and takes p50 and p95 server time (gunicorn's own request time, so queueing in
front of the 2 workers is not counted; wrk's client-side figures are kept beside them) of a
trivial signed-in page, the first page of a filtered caseload, and a young person's page, each as
a ratio to the trivial page in the same run.

Targets (cohort register issue): caseload p95 <= 250 ms; young person page p95 <= 150 ms; both
within 5 times the trivial page. Results are written to benchmarks/results/.

    .venv/bin/python benchmarks/web_pages.py
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onward_bench")
PORT = 8001
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_SETTINGS_MODULE": "config.settings.bench",
    "DJANGO_SECRET_KEY": "benchmark-only-secret-key-not-for-production",
    "ONWARD_LOG_LEVEL": "ERROR",
}
SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from onward.accounts import services
from onward.accounts.models import Organisation, User
from onward.people.models import YoungPerson

council = Organisation.objects.get(name="National 001")
user = User.objects.filter(email="bench@national001.example").first() or services.user_create(
    acting_user=None, organisation=council, email="bench@national001.example",
    given_name="Bench", family_name="Mark", role_keys={"team_manager", "performance_officer"})
device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.set_expiry(60 * 60 * 4)
session.save()
person = (YoungPerson.objects.filter(council=council).annotate(n=Count("eet_spells")).order_by("-n", "pk").first())
print(json.dumps({"cookie": "sessionid=" + session.session_key, "person": person.pk, "people": YoungPerson.objects.count(), "council_people": YoungPerson.objects.filter(council=council).count()}))
"""


def manage(*args: str, capture: bool = False) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=ENV,
        cwd=ROOT,
        check=True,
        capture_output=capture,
        text=True,
    )
    return done.stdout if capture else ""


def ensure_data() -> None:
    count = manage(
        "shell", "-c", "from onward.people.models import YoungPerson; print(YoungPerson.objects.count())", capture=True
    )
    if int(count.strip().splitlines()[-1]) < 250000:
        print("Generating the national-scale data set (250,000 young people); this takes some minutes", flush=True)
        manage(
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


def wrk(path: str, cookie: str) -> dict[str, float]:
    out = subprocess.run(
        [
            "/usr/bin/wrk",
            "-t2",
            "-c8",
            f"-d{SECONDS}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "benchmarks" / "latency.lua"),
            f"http://127.0.0.1:{PORT}{path}",
        ],
        env={**ENV, "BENCH_COOKIE": cookie},
        capture_output=True,
        text=True,
        check=True,
        timeout=SECONDS + 60,
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    if result["non2xx"] or result["errors"]:
        raise SystemExit(f"{path}: {result['non2xx']} non-2xx answers and {result['errors']} errors")
    return result


def server_times(log: Path, path: str) -> dict[str, float]:
    """p50 and p95 of the time gunicorn spent on each request to ``path`` (its %(D)s, in microseconds)."""
    times = sorted(
        int(line.split()[1]) / 1000 for line in log.read_text().splitlines() if line.split() and line.split()[0] == path
    )
    if not times:
        raise SystemExit(f"No requests to {path} in the server's log")

    def percentile(p: float) -> float:
        return round(times[min(len(times) - 1, int(p / 100 * len(times)))], 2)

    return {"requests": len(times), "p50_ms": percentile(50), "p95_ms": percentile(95)}


def main() -> int:
    manage("migrate", "-v0")
    ensure_data()
    setup = json.loads(manage("shell", "-c", SETUP, capture=True).strip().splitlines()[-1])
    access_log = ROOT / "benchmarks" / "results" / ".gunicorn-access.log"
    access_log.unlink(missing_ok=True)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            "2",
            "--log-level",
            "error",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(U)s %(D)s",
        ],
        env=ENV,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        pages = {
            "trivial": "/account/",
            "caseload": "/people/?scope=all&status=neet&age_band=19_21",
            "young_person": f"/people/{setup['person']}/",
        }
        wrk(pages["trivial"], setup["cookie"])  # warm up
        access_log.write_text("")
        measured = {}
        for name, path in pages.items():
            client = wrk(path, setup["cookie"])
            measured[name] = {**server_times(access_log, path.split("?")[0]), "client": client}
            access_log.write_text("")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        access_log.unlink(missing_ok=True)
    trivial = measured["trivial"]["p95_ms"]
    result = {
        "benchmark": "web_pages",
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "young_people": setup["people"],
        "council_young_people": setup["council_people"],
        "connections": 8,
        "seconds_each": SECONDS,
        "pages": measured,
        "caseload_p95_ratio": round(measured["caseload"]["p95_ms"] / trivial, 2),
        "young_person_p95_ratio": round(measured["young_person"]["p95_ms"] / trivial, 2),
        "targets": {"caseload_p95_ms": 250, "young_person_p95_ms": 150, "ratio_at_most": 5},
    }
    result["passed"] = (
        measured["caseload"]["p95_ms"] <= 250
        and measured["young_person"]["p95_ms"] <= 150
        and result["caseload_p95_ratio"] <= 5
        and result["young_person_p95_ratio"] <= 5
    )
    out = ROOT / "benchmarks" / "results" / f"web_pages-{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())

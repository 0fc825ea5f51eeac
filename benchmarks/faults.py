"""`make faults`: Onward broken on purpose, as an operator's bad day would break it, and checked to lose nothing.

On a private PostgreSQL cluster that the suite makes itself (``scripts/private_postgres.py``: initdb
in a temporary directory, its own port, loopback only; the shared server at 127.0.0.1:5432 is
never touched, let alone restarted), with gunicorn from `deploy/gunicorn.conf.py` and two background
workers (`manage.py db_worker`), all on the loopback address:

1. **worker_kill_check**: an SSDA903 import of ``--children`` children is queued; the worker checking
   it is killed (SIGKILL) in the middle of the check. The other worker must take the task back and
   finish the check by itself, within a minute, with the register unchanged.
2. **worker_kill_save**: the same import is saved; the worker saving it is killed in the middle of
   the save's transaction. Right after the kill nothing of it may be in the register; then it must
   be saved by itself within a minute, once: every child once, one audit entry for the import.
3. **web_kill_during_saves**: signed-in users record contacts as fast as they can while a gunicorn
   worker process is killed. Afterwards: 0 contacts without their audit entry and 0 audit entries
   without their contact.
4. **stalled_uploads**: three clients start an upload, send part of the body and stall, while
   ``/healthz`` is timed. Then twice as many stalled clients as gunicorn has threads in all, to find
   where worker sizing stops being enough. And one upload declaring more than the limit, which must
   be refused at once without anything written to the temporary directory.
5. **database_restart**: signed-in users record contacts as fast as they can while the database is
   restarted (``pg_ctl restart -m fast``), and then stopped at once, as in a crash
   (``-m immediate``), for a few seconds while an import is being checked in the background. While
   it is down, ``/healthz`` must answer 503 naming the database within a second with and without a
   session cookie, and a signed-in page must be Onward's static 503 page. Once it is back: saves
   succeed again within a minute (the recovery time), the import finishes by itself, the workers
   are still running, and every save a client was told of is there once, with its audit entry.

Each result is written to ``benchmarks/results/faults-<scenario>-<time>.json`` with the rows before
and after, errors, and the recovery time; the run fails if any scenario does. Bounded in time (each
wait has a limit; about six minutes in all); everything it starts it stops, and it removes its cluster.

    .venv/bin/python benchmarks/faults.py [--children 30000] [--only worker_kill_check,...]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
RESULTS = ROOT / "benchmarks" / "results"
YEAR = 2025
RECOVERY_LIMIT = 60.0  # seconds from the fault to a final state
# Short leases, so that a killed worker's task is taken back within seconds (production: 30 s and 5 s).
LEASE_SECONDS, RENEW_SECONDS = 10, 1
DOWN_SECONDS = 5.0  # how long the database is left stopped


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None  # noqa: S101
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


prod_check = _load("prod_check", ROOT / "scripts" / "prod_check.py")
from scripts import private_postgres

ssda903_import = _load("ssda903_import", ROOT / "benchmarks" / "ssda903_import.py")


def say(message: str) -> None:
    print(f"faults: {message}", flush=True)


def stamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S")


def wait_for(check: Callable[[], Any], limit: float, step: float = 0.05) -> Any:
    """Poll ``check`` until it answers something true, or ``limit`` seconds pass (then None)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(step)
    return None


class Processes:
    """The workers and gunicorn: each in its own session, so a whole one can be killed."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        self.server: subprocess.Popen[bytes] | None = None

    def start_worker(self, worker_id: str) -> None:
        with (self.logs / f"worker-{worker_id}.log").open("a") as out:
            self.workers[worker_id] = subprocess.Popen(
                [
                    PYTHON,
                    "manage.py",
                    "db_worker",
                    "--worker-id",
                    worker_id,
                    "--interval",
                    "0.2",
                    "--no-startup-delay",
                    "--no-reload",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill_worker(self, worker_id: str) -> None:
        process = self.workers.pop(worker_id)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def start_server(self, port: int, **extra: str) -> None:
        with (self.logs / "gunicorn.log").open("a") as out:
            self.server = subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
                cwd=ROOT,
                env={**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}", **extra},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        ready = wait_for(lambda: healthz(port, timeout=1.0)[0] == 200, 60, step=0.3)
        if not ready:
            raise RuntimeError("gunicorn did not start: " + (self.logs / "gunicorn.log").read_text()[-2000:])

    def server_workers(self) -> list[int]:
        assert self.server is not None  # noqa: S101
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.server.pid)], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in out.stdout.split()]

    def stop(self) -> None:
        for process in [*self.workers.values(), *([self.server] if self.server else [])]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.workers.values(), *([self.server] if self.server else [])]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.workers, self.server = {}, None


def healthz(port: int, timeout: float = 5.0) -> tuple[int, float]:
    """(status, seconds) of one GET /healthz; status 0 if it did not answer within ``timeout``."""
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            head = sock.recv(64)
        status = int(head.split()[1]) if head.startswith(b"HTTP/") else 0
    except (OSError, ValueError, IndexError):
        status = 0
    return status, time.monotonic() - started


def write_result(scenario: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"faults-{scenario}-{stamp()}.json"
    path.write_text(json.dumps({"benchmark": "faults", "scenario": scenario, **result}, indent=2, default=str) + "\n")
    return path


# Setting up ----------------------------------------------------------------------------------------


def setup_data(people: int) -> dict[str, Any]:
    """A council with a performance officer and a personal adviser (each with a TOTP device), and
    ``people`` young people allocated to the adviser, for the web saves."""
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from faker import Faker

    from onward.accounts.models import Organisation, User
    from onward.people.models import YoungPerson

    fake = Faker("en_GB")
    Faker.seed(30)
    council = Organisation.objects.create(name="Faultbury Borough Council", kind=Organisation.Kind.COUNCIL)
    password = secrets.token_urlsafe(16)
    accounts = {}
    for role in ("performance_officer", "personal_adviser"):
        user = User.objects.create_user(
            email=f"{role}@faultbury.example",
            password=password,
            organisation=council,
            given_name=fake.first_name(),
            family_name=fake.last_name(),
        )
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        device = TOTPDevice.objects.create(user=user, name="faults", confirmed=True)
        accounts[role] = {"user": user, "email": user.email, "password": password, "device": device}
    adviser = accounts["personal_adviser"]["user"]
    YoungPerson.objects.bulk_create(
        YoungPerson(
            council=council,
            child_id=f"W{i:05d}",
            legal_given_name=fake.first_name(),
            legal_family_name=fake.last_name(),
            date_of_birth=datetime.date(2005, 1 + i % 12, 1 + i % 28),
            sex="F" if i % 2 else "M",
            personal_adviser=adviser,
        )
        for i in range(people)
    )
    return {"council": council, "accounts": accounts}


def sign_in(port: int, account: dict[str, Any]) -> Any:
    browser = prod_check.Browser(port)
    _, _, html = browser.request("GET", "/sign-in/")
    form = {"csrfmiddlewaretoken": browser.csrf_token(html), "username": account["email"]}
    _, path, html = browser.request("POST", "/sign-in/", {**form, "password": account["password"]})
    if "two-factor" in path:
        token = {"csrfmiddlewaretoken": browser.csrf_token(html), "token": prod_check._totp(account["device"])}
        _, path, html = browser.request("POST", path, token)
    if "sign-in" in path or "two-factor" in path:
        raise RuntimeError(f"could not sign in as {account['email']}: ended at {path}")
    return browser


# The import under a killed worker ----------------------------------------------------------------------


def _register_counts(council: Any) -> dict[str, int]:
    from onward.people.models import CareEpisode, YoungPerson

    people = YoungPerson.objects.filter(council=council)
    return {
        "young_people": people.count(),
        "distinct_child_ids": people.values("child_id").distinct().count(),
        "care_episodes": CareEpisode.objects.filter(person__council=council).count(),
    }


def _task_of(run_id: int) -> Any:
    from django_tasks_db.models import DBTaskResult

    from onward.returns.models import ImportRun

    task_id = ImportRun.objects.filter(pk=run_id).values_list("task_id", flat=True).first()
    return DBTaskResult.objects.filter(pk=task_id).first() if task_id else None


def _kill_during(procs: Processes, run_id: int, status: str, into: float) -> dict[str, Any]:
    """Wait until the run's task is RUNNING in ``status``, let it work ``into`` seconds, kill its worker."""
    from onward.returns.models import ImportRun

    def running() -> Any:
        task = _task_of(run_id)
        run = ImportRun.objects.get(pk=run_id)
        return task if task is not None and task.status == "RUNNING" and run.status == status else None

    task = wait_for(running, 60)
    if task is None:
        return {"killed": False, "why": f"the task never ran while the import was {status}"}
    time.sleep(into)
    run = ImportRun.objects.get(pk=run_id)
    if run.status != status:
        return {"killed": False, "why": f"the {status} finished within {into} s, before the kill"}
    worker = task.worker_ids[-1]
    procs.kill_worker(worker)
    return {
        "killed": True,
        "worker": worker,
        "at": time.monotonic(),
        "at_clock": datetime.datetime.now(datetime.UTC),
        "progress_at_kill": run.progress,
    }


def _split(task: Any, fault: dict[str, Any]) -> dict[str, float | None]:
    """Where the recovery time went: from the kill until a live worker claimed the task again (the
    lease running out, then the next poll), and that worker's run from the start to the end."""
    if task is None or task.started_at is None or task.finished_at is None:
        return {"claimed_again_after_seconds": None, "rerun_seconds": None}
    return {
        "claimed_again_after_seconds": round((task.started_at - fault["at_clock"]).total_seconds(), 2),
        "rerun_seconds": round((task.finished_at - task.started_at).total_seconds(), 2),
    }


def _finished_task(run_id: int) -> Any:
    """The run's task once its worker has recorded its end (just after the run's own final state)."""
    return wait_for(lambda: (task := _task_of(run_id)) is not None and task.finished_at and task, 15) or _task_of(
        run_id
    )


def _await_final(run_id: int, finals: tuple[str, ...], since: float) -> tuple[str, float | None]:
    from onward.returns.models import ImportRun

    final = wait_for(
        lambda: (s := ImportRun.objects.get(pk=run_id).status) in finals and s, RECOVERY_LIMIT + 30, step=0.2
    )
    return (final or ImportRun.objects.get(pk=run_id).status), (time.monotonic() - since if final else None)


def worker_kill_check(procs: Processes, data: dict[str, Any], files: dict[str, str]) -> dict[str, Any]:
    from onward.returns import services

    council, officer = data["council"], data["accounts"]["performance_officer"]["user"]
    before = _register_counts(council)
    run = services.ssda903_preview(acting_user=officer, council=council, year=YEAR, files=files)
    fault = _kill_during(procs, run.pk, "checking", 1.0)
    if not fault["killed"]:
        return {"passed": False, "fault": fault, "rows_before": before}
    procs.start_worker(fault["worker"] + "-restarted")  # as a supervisor would; the live one takes it back
    final, recovery = _await_final(run.pk, ("previewed", "rejected", "failed"), fault["at"])
    after = _register_counts(council)
    task = _finished_task(run.pk)
    result = {
        "run": run.pk,
        "rows_in_files": services.row_count(files),
        "fault": {k: v for k, v in fault.items() if k not in ("at", "at_clock")},
        **_split(task, fault),
        "final_status": final,
        "recovery_seconds": round(recovery, 2) if recovery is not None else None,
        "task_status": task.status if task else None,
        "claimed_by": task.worker_ids if task else [],
        "rows_before": before,
        "rows_after": after,
    }
    result["passed"] = bool(
        final == "previewed" and recovery is not None and recovery <= RECOVERY_LIMIT and before == after
    )
    return result


def worker_kill_save(procs: Processes, data: dict[str, Any], files: dict[str, str]) -> dict[str, Any]:
    from onward.audit.models import AuditEvent
    from onward.returns import services
    from onward.returns.models import ImportRun

    council, officer = data["council"], data["accounts"]["performance_officer"]["user"]
    run = ImportRun.objects.filter(council=council, status="previewed").latest("pk")
    before = _register_counts(council)
    services.ssda903_save(acting_user=officer, run=run)
    fault = _kill_during(procs, run.pk, "saving", 1.5)
    if not fault["killed"]:
        return {"passed": False, "fault": fault, "rows_before": before}
    right_after_kill = _register_counts(council)
    procs.start_worker(fault["worker"] + "-restarted")
    final, recovery = _await_final(run.pk, ("committed", "rejected", "failed"), fault["at"])
    after = _register_counts(council)
    task = _finished_task(run.pk)
    children = len(files["header.csv"].splitlines()) - 1
    audits = AuditEvent.objects.filter(
        object_type="returns.ImportRun", object_id=str(run.pk), summary__startswith="Imported"
    )
    result = {
        "run": run.pk,
        "fault": {k: v for k, v in fault.items() if k not in ("at", "at_clock")},
        **_split(task, fault),
        "final_status": final,
        "recovery_seconds": round(recovery, 2) if recovery is not None else None,
        "task_status": task.status if task else None,
        "claimed_by": task.worker_ids if task else [],
        "rows_before": before,
        "rows_right_after_kill": right_after_kill,
        "rows_after": after,
        "children_in_files": children,
        "import_audit_entries": audits.count(),
    }
    result["passed"] = bool(
        final == "committed"
        and recovery is not None
        and recovery <= RECOVERY_LIMIT
        and right_after_kill == before  # nothing half-written
        and after["young_people"] == before["young_people"] + children
        and after["distinct_child_ids"] == after["young_people"]  # nothing duplicated
        and audits.count() == 1
    )
    return result


# Web processes killed during saves ---------------------------------------------------------------------


def web_kill_during_saves(procs: Processes, data: dict[str, Any], port: int, seconds: float) -> dict[str, Any]:
    from django.utils import timezone

    from onward.audit.models import AuditEvent
    from onward.people.models import Contact, YoungPerson

    council = data["council"]
    account = data["accounts"]["personal_adviser"]
    # The adviser's own caseload (the imported children are not theirs), and only this run's records:
    # an SSDA903 import records its contacts in bulk under one audit entry for the import.
    people = list(YoungPerson.objects.filter(personal_adviser=account["user"]).values_list("pk", flat=True))
    contacts = Contact.objects.filter(person__council=council)
    contacts_before = contacts.count()
    started = timezone.now()
    outcomes: dict[str, int] = {"saved": 0, "refused_or_lost": 0}
    lock = threading.Lock()
    stop = threading.Event()
    today = timezone.localdate()  # the forms' today, in Europe/London

    def saver(n: int) -> None:
        browser = prod_check.Browser(port)
        browser.cookies = dict(data["cookies"])
        i = 0
        while not stop.is_set():
            person = people[(n * 7919 + i) % len(people)]
            i += 1
            path = f"/people/{person}/record/contact/"
            try:
                _, _, html = browser.request("GET", path)
                form = {
                    "csrfmiddlewaretoken": browser.csrf_token(html),
                    "date_0": str(today.day),
                    "date_1": str(today.month),
                    "date_2": str(today.year),
                    "method": "phone",
                    "in_touch": "YES",
                    "note": f"fault run {n}-{i}",
                }
                status, final, _ = browser.request("POST", path, form)
                ok = status == 200 and final == f"/people/{person}/"
            except (OSError, RuntimeError, ConnectionError):
                ok = False
            with lock:
                outcomes["saved" if ok else "refused_or_lost"] += 1

    threads = [threading.Thread(target=saver, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(seconds / 2)
    killed = procs.server_workers()[:1]
    for pid in killed:
        os.kill(pid, signal.SIGKILL)
    time.sleep(seconds / 2)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    every_contact = {str(pk) for pk in contacts.values_list("pk", flat=True)}
    contact_ids = {str(pk) for pk in contacts.filter(note__startswith="fault run").values_list("pk", flat=True)}
    audit_entries = AuditEvent.objects.filter(
        council=council, object_type="people.Contact", action="create", occurred_at__gte=started
    )
    audited = set(audit_entries.values_list("object_id", flat=True))
    result = {
        "seconds": seconds,
        "client_threads": len(threads),
        "web_workers_killed": len(killed),
        "requests": outcomes,
        "contacts_before": contacts_before,
        "contacts_after": len(every_contact),
        "contacts_recorded_by_this_run": len(contact_ids),
        "audit_entries_of_this_run": audit_entries.count(),
        "contacts_without_audit": len(contact_ids - audited),
        "audit_without_contact": len(audited - every_contact),
        "health_after": healthz(port)[0],
    }
    result["passed"] = bool(
        killed
        and outcomes["saved"] > 0
        and result["contacts_without_audit"] == 0
        and result["audit_without_contact"] == 0
        and len(contact_ids) >= outcomes["saved"]
        and len(every_contact) - contacts_before == len(contact_ids)
        and result["health_after"] == 200
    )
    return result


# Stalled uploads ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def stalled_uploads(port: int, count: int, declared: int, sent: int) -> Iterator[list[socket.socket]]:
    """``count`` clients that start a multipart upload declaring ``declared`` bytes, send ``sent`` and stall."""
    boundary = "faultsboundary"
    head = (
        f"POST /returns/imports/new/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {declared}\r\n\r\n"
    ).encode()
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="uploads"; filename="header.csv"\r\n\r\n'.encode()
    sockets = []
    try:
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(head + part + b"x" * max(sent - len(part), 0))
            sockets.append(sock)
        yield sockets
    finally:
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.close()


def _probe(port: int, probes: int, timeout: float) -> dict[str, Any]:
    timings, statuses = [], []
    for _ in range(probes):
        status, took = healthz(port, timeout=timeout)
        statuses.append(status)
        timings.append(took)
        time.sleep(0.2)
    return {
        "probes": probes,
        "answered": sum(1 for s in statuses if s == 200),
        "max_seconds": round(max(timings), 3),
        "median_seconds": round(statistics.median(timings), 3),
    }


def _dir_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def stalled(port: int, slots: int, temp_dir: Path) -> dict[str, Any]:
    baseline = _probe(port, 5, 5.0)
    with stalled_uploads(port, 3, declared=5 * 1024 * 1024, sent=256 * 1024):
        time.sleep(1.0)
        three = _probe(port, 15, 5.0)
    time.sleep(1.0)
    # Twice as many as there are threads: connections are shared unevenly between the worker
    # processes, so exactly as many can leave a few threads free in one process by chance.
    with stalled_uploads(port, 2 * slots, declared=5 * 1024 * 1024, sent=256 * 1024):
        time.sleep(1.0)
        all_threads = _probe(port, 3, 5.0)
    time.sleep(2.0)
    recovered = _probe(port, 3, 5.0)
    # One client declaring more than the limit: refused at once, nothing written to the temporary directory.
    biggest = 0
    with stalled_uploads(port, 1, declared=200 * 1024 * 1024, sent=1024 * 1024) as (sock,):
        started = time.monotonic()
        sock.settimeout(5)
        try:
            answer = sock.recv(64)
        except OSError:
            answer = b""
        refused_in = time.monotonic() - started
        biggest = _dir_bytes(temp_dir)
    refused_status = int(answer.split()[1]) if answer.startswith(b"HTTP/") else 0
    result = {
        "gunicorn_slots": slots,
        "healthz_alone": baseline,
        "healthz_with_3_stalled": three,
        f"healthz_with_{2 * slots}_stalled": all_threads,
        "healthz_after_they_left": recovered,
        "oversized_upload": {
            "declared_mb": 200,
            "status": refused_status,
            "answered_in_seconds": round(refused_in, 3),
            "temp_dir_bytes": biggest,
        },
    }
    result["passed"] = bool(
        three["answered"] == three["probes"]
        and three["max_seconds"] < 1.0
        and recovered["answered"] == recovered["probes"]
        and refused_status == 413
        and biggest == 0
    )
    result["sizing_enough_for_a_handful"] = three["max_seconds"] < 1.0
    result["starved_when_every_thread_stalls"] = all_threads["answered"] < all_threads["probes"]
    return result


# The database restarted and stopped under load ------------------------------------------------------------


def probe(port: int, path: str, cookies: dict[str, str] | None = None, timeout: float = 5.0) -> dict[str, Any]:
    """One GET: its status (0 if it did not answer within ``timeout``), time, body and headers."""
    started = time.monotonic()
    headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        connection.close()
        status, found = response.status, {k.lower(): v for k, v in response.getheaders()}
    except (OSError, http.client.HTTPException):
        status, body, found = 0, "", {}
    return {"status": status, "seconds": time.monotonic() - started, "body": body, "headers": found}


class Savers:
    """Signed-in clients recording contacts as fast as they can, each save noted with its own text
    and timed, so that afterwards every save the client was told of can be found, once."""

    def __init__(self, port: int, cookies: dict[str, str], people: list[int], threads: int = 4) -> None:
        self.port, self.cookies, self.people = port, cookies, people
        self.log: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.save, args=(n,)) for n in range(threads)]

    def __enter__(self) -> Savers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def save(self, n: int) -> None:
        from django.utils import timezone

        today = timezone.localdate()
        browser = prod_check.Browser(self.port)
        browser.cookies = dict(self.cookies)
        i = 0
        while not self.stopping.is_set():
            person = self.people[(n * 7919 + i) % len(self.people)]
            i += 1
            note = f"restart run {n}-{i}"
            path = f"/people/{person}/record/contact/"
            started = time.monotonic()
            status = 0
            try:
                status, _, html = browser.request("GET", path)
                if status == 200:
                    form = {
                        "csrfmiddlewaretoken": browser.csrf_token(html),
                        "date_0": str(today.day),
                        "date_1": str(today.month),
                        "date_2": str(today.year),
                        "method": "phone",
                        "in_touch": "YES",
                        "note": note,
                    }
                    status, location = self.post(browser, path, form)
                    ok = status == 302 and location.endswith(f"/people/{person}/")
                else:
                    ok = False
            except (OSError, RuntimeError, http.client.HTTPException):
                ok = False
            with self.lock:
                self.log.append(
                    {"note": note, "ok": ok, "status": status, "started": started, "ended": time.monotonic()}
                )
            if not ok:
                time.sleep(0.2)  # as a person would, before trying again

    def post(self, browser: Any, path: str, form: dict[str, str]) -> tuple[int, str]:
        """POST the form and answer (status, Location) without following the redirect: the save's own
        answer (a redirect to the person's page once it is committed), not the next page's."""
        from urllib.parse import urlencode

        headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            "Referer": f"https://127.0.0.1{path}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items()),
        }
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("POST", path, body=urlencode(form), headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status, response.getheader("Location") or ""
        finally:
            connection.close()

    def window(self, start: float, end: float) -> dict[str, Any]:
        """The saves that started between ``start`` and ``end``: how many, and the errors by status."""
        with self.lock:
            inside = [entry for entry in self.log if start <= entry["started"] < end]
        errors: dict[str, int] = {}
        for entry in inside:
            if not entry["ok"]:
                key = str(entry["status"] or "no answer")
                errors[key] = errors.get(key, 0) + 1
        return {"saves": sum(1 for e in inside if e["ok"]), "errors": errors}

    def recovered_after(self, back: float) -> float | None:
        """Seconds from ``back`` to the end of the first save, started after it, that was saved."""
        with self.lock:
            ends = [e["ended"] for e in self.log if e["ok"] and e["started"] >= back]
        return round(min(ends) - back, 2) if ends else None


def _while_down(port: int, cookies: dict[str, str], until: float) -> dict[str, Any]:
    """While the database is down: /healthz without and with the session cookie, and a signed-in page."""
    static_503 = (ROOT / "onward" / "static" / "errors" / "503.html").read_text()
    seen: dict[str, list[dict[str, Any]]] = {"healthz": [], "healthz_signed_in": [], "page_signed_in": []}
    while time.monotonic() < until:
        for key, path, jar in (
            ("healthz", "/healthz", None),
            ("healthz_signed_in", "/healthz", cookies),
            ("page_signed_in", "/people/", cookies),
        ):
            seen[key].append(probe(port, path, jar))
        time.sleep(0.3)

    def summary(answers: list[dict[str, Any]]) -> dict[str, Any]:
        statuses: dict[str, int] = {}
        for answer in answers:
            statuses[str(answer["status"])] = statuses.get(str(answer["status"]), 0) + 1
        return {
            "probes": len(answers),
            "statuses": statuses,
            "max_seconds": round(max((a["seconds"] for a in answers), default=0), 3),
        }

    health = {key: summary(seen[key]) for key in ("healthz", "healthz_signed_in")}
    for key in health:
        bodies = {a["body"] for a in seen[key] if a["status"] == 503}
        health[key]["bodies"] = sorted(bodies)
    pages = seen["page_signed_in"]
    page = summary(pages)
    page["onwards_static_page"] = sum(1 for a in pages if a["status"] == 503 and a["body"] == static_503)
    page["retry_after"] = sorted({a["headers"].get("retry-after", "") for a in pages if a["status"] == 503})
    # gunicorn's own page, if the application had failed to answer at all.
    page["bare_server_pages"] = sum(1 for a in pages if "<h1><p>Internal Server Error</p></h1>" in a["body"])
    return {**health, "page_signed_in": page}


def database_restart(
    procs: Processes, data: dict[str, Any], port: int, cluster: Any, files: dict[str, str], down_seconds: float
) -> dict[str, Any]:
    """Saves under load while the private cluster is restarted (``pg_ctl restart -m fast``), then
    stopped at once (``-m immediate``, as a crash would) for ``down_seconds`` with an import being
    checked in the background, then started again."""
    from django.db import connections

    from onward.audit.models import AuditEvent
    from onward.people.models import Contact, YoungPerson
    from onward.returns import services

    council = data["council"]
    account = data["accounts"]["personal_adviser"]
    officer = data["accounts"]["performance_officer"]["user"]
    people = list(YoungPerson.objects.filter(personal_adviser=account["user"]).values_list("pk", flat=True))
    contacts = Contact.objects.filter(person__council=council)
    before = {"contacts": contacts.count(), "register": _register_counts(council)}
    cookies = data["cookies"]
    started_at = datetime.datetime.now(datetime.UTC)
    outages: dict[str, dict[str, Any]] = {}
    with Savers(port, cookies, people) as savers:
        time.sleep(3)
        # 1. An operator's restart: connections are ended, the server comes straight back.
        fault = time.monotonic()
        cluster.restart("fast")
        back = time.monotonic()
        connections.close_all()  # this process's own connection was ended with the others
        wait_for(lambda: savers.recovered_after(back) is not None, RECOVERY_LIMIT, step=0.2)
        time.sleep(3)
        outages["restart"] = {
            "mode": "pg_ctl restart -m fast",
            "down_seconds": round(back - fault, 2),
            "recovery_seconds": savers.recovered_after(back),
            "during": savers.window(fault, back),
            "after": savers.window(back, time.monotonic()),
        }
        # 2. A crash: stopped at once (no checkpoint), left down, then started (crash recovery).
        run = services.ssda903_preview(acting_user=officer, council=council, year=YEAR, files=files)
        wait_for(lambda: (task := _task_of(run.pk)) is not None and task.status == "RUNNING", 60, step=0.1)
        time.sleep(1.0)
        fault = time.monotonic()
        cluster.stop("immediate")
        connections.close_all()
        while_down = _while_down(port, cookies, fault + down_seconds)
        cluster.start()
        back = time.monotonic()
        wait_for(lambda: savers.recovered_after(back) is not None, RECOVERY_LIMIT, step=0.2)
        final, recovery = _await_final(run.pk, ("previewed", "rejected", "failed"), back)
        time.sleep(3)
        outages["stop"] = {
            "mode": "pg_ctl stop -m immediate, then start",
            "down_seconds": round(back - fault, 2),
            "recovery_seconds": savers.recovered_after(back),
            "during": savers.window(fault, back),
            "after": savers.window(back, time.monotonic()),
            "while_down": while_down,
            "import_checked_in_background": {
                "run": run.pk,
                "final_status": final,
                "seconds_after_the_database_was_back": round(recovery, 2) if recovery is not None else None,
                "claimed_by": (task.worker_ids if (task := _task_of(run.pk)) else []),
            },
        }
    acknowledged = {entry["note"] for entry in savers.log if entry["ok"]}
    told_failed = {entry["note"] for entry in savers.log if not entry["ok"]}
    notes = list(contacts.filter(note__startswith="restart run").values_list("note", flat=True))
    ids = {str(pk) for pk in contacts.filter(note__startswith="restart run").values_list("pk", flat=True)}
    every_contact = {str(pk) for pk in contacts.values_list("pk", flat=True)}
    audited = set(
        AuditEvent.objects.filter(
            council=council, object_type="people.Contact", action="create", occurred_at__gte=started_at
        ).values_list("object_id", flat=True)
    )
    integrity = {
        "saves_acknowledged": len(acknowledged),
        "saves_refused_or_lost": len(told_failed),
        "contacts_recorded": len(notes),
        "acknowledged_but_missing": len(acknowledged - set(notes)),
        "duplicated": len(notes) - len(set(notes)),
        "saved_though_the_client_saw_an_error": len(set(notes) & told_failed),
        "contacts_without_audit": len(ids - audited),
        "audit_without_contact": len(audited - every_contact),
    }
    after = {"contacts": contacts.count(), "register": _register_counts(council)}
    workers_alive = {name: process.poll() is None for name, process in procs.workers.items()}
    result = {
        "down_seconds_asked": down_seconds,
        "client_threads": len(savers.threads),
        "rows_before": before,
        "rows_after": after,
        "outages": outages,
        "integrity": integrity,
        "workers_alive_after": workers_alive,
        "health_after": healthz(port)[0],
    }
    down = outages["stop"]["while_down"]
    health_ok = all(
        down[key]["probes"] > 0
        and down[key]["statuses"] == {"503": down[key]["probes"]}
        and down[key]["max_seconds"] < 1.0
        and all('"database": "unavailable"' in body for body in down[key]["bodies"])
        for key in ("healthz", "healthz_signed_in")
    )
    page = down["page_signed_in"]
    checked = outages["stop"]["import_checked_in_background"]
    result["checks"] = {
        "healthz_503_within_1s_with_and_without_a_cookie": health_ok,
        "signed_in_page_is_onwards_static_503": page["probes"] > 0 and page["onwards_static_page"] == page["probes"],
        "saves_recovered_within_a_minute": all(
            o["recovery_seconds"] is not None and o["recovery_seconds"] <= RECOVERY_LIMIT for o in outages.values()
        ),
        "background_import_finished_within_a_minute": checked["final_status"] == "previewed"
        and checked["seconds_after_the_database_was_back"] is not None
        and checked["seconds_after_the_database_was_back"] <= RECOVERY_LIMIT,
        "nothing_lost_duplicated_or_half_written": integrity["acknowledged_but_missing"] == 0
        and integrity["duplicated"] == 0
        and integrity["contacts_without_audit"] == 0
        and integrity["audit_without_contact"] == 0
        and after["contacts"] - before["contacts"] == len(notes)
        and after["register"] == before["register"],
        "workers_outlived_the_database": bool(workers_alive) and all(workers_alive.values()),
        "healthz_200_after": result["health_after"] == 200,
    }
    result["passed"] = all(result["checks"].values())
    return result


# The run -----------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--children", type=int, default=30000, help="children in the SSDA903 import")
    parser.add_argument("--only", default="", help="comma-separated scenarios to run (default: all)")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))

    def wanted(name: str) -> bool:
        return not only or name in only

    workdir = Path(tempfile.mkdtemp(prefix="onward-faults-"))
    (workdir / "uploads").mkdir()
    say(f"a private PostgreSQL cluster in {workdir}")
    cluster = private_postgres.create(
        workdir,
        "postgres",
        {"max_connections": "120", "shared_buffers": "'128MB'", "timezone": "'UTC'"},
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.bench",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": cluster.url,
            "ONWARD_BACKGROUND_IMPORT_ROWS": "1000",
            "ONWARD_TASK_LEASE_SECONDS": str(LEASE_SECONDS),
            "ONWARD_TASK_LEASE_RENEW_SECONDS": str(RENEW_SECONDS),
            "ONWARD_UPLOAD_TEMP_DIR": str(workdir / "uploads"),
            "ONWARD_LOG_LEVEL": "WARNING",
        }
    )
    os.environ.update(env)
    procs = Processes(env, workdir)
    failures: list[str] = []
    try:
        say(f"migrating its database (127.0.0.1:{cluster.port})")
        subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
        data = setup_data(people=40)
        ssda903_import.write_files(workdir, args.children)
        files = {name: (workdir / name).read_text() for name in ("header.csv", "episodes.csv", "oc3.csv")}
        procs.start_worker("worker-1")
        procs.start_worker("worker-2")
        common = {"lease_seconds": LEASE_SECONDS, "renew_seconds": RENEW_SECONDS, "when": stamp()}
        load = os.getloadavg()[0]
        if wanted("worker_kill_check") or wanted("worker_kill_save"):
            say(f"worker_kill_check: {args.children} children; killing the worker during the check")
            result = worker_kill_check(procs, data, files)
            failures += [] if result["passed"] else ["worker_kill_check"]
            say(
                f"  {result.get('final_status')} in {result.get('recovery_seconds')} s: {write_result('worker_kill_check', {**common, 'load_average': load, **result})}"
            )
            if wanted("worker_kill_save") and result.get("final_status") == "previewed":
                say("worker_kill_save: killing the worker during the save")
                result = worker_kill_save(procs, data, files)
                failures += [] if result["passed"] else ["worker_kill_save"]
                say(
                    f"  {result.get('final_status')} in {result.get('recovery_seconds')} s: {write_result('worker_kill_save', {**common, 'load_average': os.getloadavg()[0], **result})}"
                )
            elif wanted("worker_kill_save"):
                failures.append("worker_kill_save (the check never finished)")
        port = private_postgres.free_port()
        procs.start_server(port)
        data["cookies"] = sign_in(port, data["accounts"]["personal_adviser"]).cookies  # a TOTP code works once
        import multiprocessing

        slots = int(os.environ.get("GUNICORN_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 9))) * int(
            os.environ.get("GUNICORN_THREADS", "4")
        )
        if wanted("web_kill_during_saves"):
            say("web_kill_during_saves: recording contacts while a gunicorn worker is killed")
            result = web_kill_during_saves(procs, data, port, seconds=12)
            failures += [] if result["passed"] else ["web_kill_during_saves"]
            say(
                f"  {result['requests']}, {result['contacts_without_audit']} contacts without audit, {result['audit_without_contact']} audit without contact: {write_result('web_kill_during_saves', {**common, 'load_average': os.getloadavg()[0], **result})}"
            )
        if wanted("stalled_uploads"):
            say(f"stalled_uploads: 3, then {2 * slots} stalled clients, while /healthz is timed")
            result = stalled(port, slots, workdir / "uploads")
            failures += [] if result["passed"] else ["stalled_uploads"]
            say(
                f"  3 stalled: /healthz max {result['healthz_with_3_stalled']['max_seconds']} s; {2 * slots} stalled: {result[f'healthz_with_{2 * slots}_stalled']['answered']} of 3 answered: {write_result('stalled_uploads', {**common, 'load_average': os.getloadavg()[0], **result})}"
            )
        if wanted("database_restart"):
            say(f"database_restart: saves under load while the database restarts, then is down {DOWN_SECONDS:.0f} s")
            (workdir / "small").mkdir()
            ssda903_import.write_files(workdir / "small", 5000)
            small = {name: (workdir / "small" / name).read_text() for name in files}
            result = database_restart(procs, data, port, cluster, small, DOWN_SECONDS)
            failures += [] if result["passed"] else ["database_restart"]
            stop = result["outages"]["stop"]
            say(
                f"  saves back {result['outages']['restart']['recovery_seconds']} s after the restart and "
                f"{stop['recovery_seconds']} s after the stop; /healthz while down: "
                f"{stop['while_down']['healthz']['statuses']} (max {stop['while_down']['healthz']['max_seconds']} s), "
                f"signed in {stop['while_down']['healthz_signed_in']['statuses']}: "
                f"{write_result('database_restart', {**common, 'load_average': os.getloadavg()[0], **result})}"
            )
    finally:
        procs.stop()
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        cluster.stop("immediate")
        shutil.rmtree(cluster.data, ignore_errors=True)
        if not failures:
            shutil.rmtree(workdir, ignore_errors=True)
    for failure in failures:
        say(f"FAILED {failure} (logs in {workdir})")
    if not failures:
        say("passed: every fault ended in a final state by itself, nothing half-written, nothing duplicated")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

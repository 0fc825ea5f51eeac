"""`make restore-drill`: a point-in-time restore of Onward's PostgreSQL database, proved row by row.

It uses PostgreSQL's own backup tools, as `compose.yaml` configures them for a deployment: WAL
archiving (`archive_command` copies each finished WAL segment to an archive) and a base backup
(`pg_basebackup`). Everything runs on a PRIVATE cluster that the drill makes itself with `initdb`
under a temporary directory, on a free loopback port with a random password; it never touches
another PostgreSQL server.

1. A private cluster with WAL archiving (`archive_timeout` of a few seconds); Onward's migrations
   and a generated council (`generate_cohort`) are loaded into it.
2. A base backup (`pg_basebackup`) is taken.
3. Onward keeps writing through its own services: a contact with a young person (with its audit
   entry) several times a second, and every fourth write an import with its uploaded file (uploaded
   files are held in the database, in ``returns_importrun.files``).
4. The target time is noted; the row count and a checksum of every table are taken at that point.
   The writes go on for longer, then the primary is stopped at once (`pg_ctl -m immediate`), as a
   lost server would: WAL not yet archived is gone.
5. Restore to the target time: the base backup is copied into a fresh data directory, recovery
   replays the archive to `recovery_target_time` and promotes. Every table's row count and checksum
   must equal those taken at the target, every write before the target must be there and none after.
6. Restore to the latest point the archive holds, as after a real loss: the writes that did not
   survive are the recovery point (the data that would be lost), which `archive_timeout` bounds.

Results (the restore time, recovery point and recovery time) go to
``benchmarks/results/restore_drill-<time>.json``. It exits non-zero if any check fails.

    .venv/bin/python scripts/restore_drill.py [--size 1000] [--before 5] [--after 10] [--keep]

Run as root, the clusters run as the ``postgres`` user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.private_postgres import Cluster, Host, bindir, create, free_port  # noqa: E402
from scripts.private_postgres import settings as _settings  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
ARCHIVE_TIMEOUT_SECONDS = 3


def _say(message: str) -> None:
    print(f"restore-drill: {message}", flush=True)


def table_states(conninfo: str) -> dict[str, dict[str, Any]]:
    """Every table in Onward's schema: its row count and an order-independent checksum of its rows."""
    import psycopg

    states: dict[str, dict[str, Any]] = {}
    with psycopg.connect(conninfo, autocommit=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        for table in tables:
            count, checksum = connection.execute(
                f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), ',' ORDER BY md5(t::text)), '')) FROM \"{table}\" t"  # noqa: S608
            ).fetchone()  # type: ignore[misc]
            states[table] = {"rows": count, "checksum": checksum}
    return states


def differences(expected: dict[str, dict[str, Any]], found: dict[str, dict[str, Any]]) -> list[str]:
    """Each table whose rows differ, in words; empty when every table matches."""
    problems = []
    for table in sorted(set(expected) | set(found)):
        if table not in found:
            problems.append(f"{table}: missing after the restore")
        elif table not in expected:
            problems.append(f"{table}: not there at the target time")
        elif expected[table] != found[table]:
            problems.append(
                f"{table}: {found[table]['rows']} rows (checksum {found[table]['checksum'][:8]}), "
                f"expected {expected[table]['rows']} (checksum {expected[table]['checksum'][:8]})"
            )
    return problems


@dataclass
class Write:
    """One write the drill made, and the database's clock when it had committed."""

    contact_id: int
    import_id: int | None
    committed: datetime.datetime


class Writer:
    """Writes to Onward through its services, as people using it would: contacts and imports."""

    def __init__(self) -> None:
        from onward.accounts.models import Organisation, User
        from onward.people.models import YoungPerson

        self.council = Organisation.objects.get(name=COUNCIL)
        self.user = User.objects.filter(organisation=self.council).order_by("pk").first()
        self.people = list(YoungPerson.objects.filter(council=self.council).order_by("pk")[:200])
        self.count = 0

    def write(self, phase: str) -> Write:
        from django.db import connection, transaction
        from django.utils import timezone

        from onward.audit.models import AuditEvent
        from onward.audit.services import audit_record
        from onward.people.services import contact_record
        from onward.returns.models import ImportRun

        self.count += 1
        person = self.people[self.count % len(self.people)]
        with transaction.atomic():
            contact = contact_record(
                acting_user=self.user,
                person=person,
                date=timezone.localdate(),
                method="phone",
                in_touch="YES",
                note=f"Restore drill: write {self.count} ({phase})",
            )
            run = None
            if self.count % 4 == 0:
                name = f"drill-{self.count}.csv"
                run = ImportRun.objects.create(
                    council=self.council,
                    kind=ImportRun.Kind.CASE_SYSTEM,
                    status=ImportRun.Status.DISCARDED,
                    created_by=self.user,
                    file_names=[name],
                    files={name: f"child_id,date\nG{self.count:07d},{timezone.localdate():%Y-%m-%d}\n"},
                )
                audit_record(actor=self.user, action=AuditEvent.Action.CREATE, council=self.council, obj=run)
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            committed = cursor.fetchone()[0]
        return Write(contact.pk, run.pk if run else None, committed)


COUNCIL = "Restore Drill Council"


def write_for(writer: Writer, seconds: float, phase: str) -> list[Write]:
    writes = []
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        writes.append(writer.write(phase))
        time.sleep(0.2)
    return writes


def present(conninfo: str, writes: Sequence[Write]) -> list[bool]:
    """For each write, whether its contact (and its import, if any) is in the database."""
    import psycopg

    with psycopg.connect(conninfo, autocommit=True) as connection:
        contacts = {r[0] for r in connection.execute("SELECT id FROM people_contact WHERE note LIKE 'Restore drill:%'")}
        imports = {r[0] for r in connection.execute("SELECT id FROM returns_importrun")}
    answers = []
    for write in writes:
        contact = write.contact_id in contacts
        if write.import_id is not None and (write.import_id in imports) != contact:
            raise SystemExit(f"restore-drill: write {write.contact_id} is half restored: not one transaction")
        answers.append(contact)
    return answers


def restore(
    host: Host, base: Path, archive: Path, into: Path, socket_dir: Path, target: str | None
) -> tuple[Cluster, float]:
    """Restore the base backup into ``into`` and replay the archive (to ``target``, or to its end)."""
    started = time.perf_counter()
    host.run("cp", "-a", str(base), str(into))
    cluster = Cluster(host, into, free_port(), into.parent / f"{into.name}.log")
    settings = {
        "archive_mode": "off",  # a restored cluster must never write into the archive it came from
        "restore_command": f"'cp {archive}/%f %p'",
    }
    if target:
        settings |= {"recovery_target_time": f"'{target}'", "recovery_target_action": "'promote'"}
    with (into / "postgresql.auto.conf").open("a") as conf:
        conf.write(_settings(cluster, socket_dir, settings))
    (into / "recovery.signal").touch()
    host.own(into)
    cluster.start()
    import psycopg

    for _ in range(600):
        try:
            with psycopg.connect(cluster.conninfo("postgres"), autocommit=True) as connection:
                if not connection.execute("SELECT pg_is_in_recovery()").fetchone()[0]:  # type: ignore[index]
                    break
        except psycopg.OperationalError:
            if not (into / "postmaster.pid").exists():
                log = cluster.log.read_text().splitlines()[-5:] if cluster.log.exists() else []
                raise SystemExit(f"restore-drill: the restore into {into.name} stopped:\n" + "\n".join(log)) from None
        time.sleep(0.1)
    else:
        raise SystemExit(f"restore-drill: the restore into {into.name} did not finish: see {cluster.log}")
    return cluster, time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=1000, help="young people in the generated council")
    parser.add_argument("--before", type=float, default=5.0, help="seconds of writes between the backup and the target")
    parser.add_argument("--after", type=float, default=10.0, help="seconds of writes after the target")
    parser.add_argument("--keep", action="store_true", help="keep the temporary clusters and archive")
    parser.add_argument("--results", type=Path, default=RESULTS)
    options = parser.parse_args(argv)
    if options.after < 2 * ARCHIVE_TIMEOUT_SECONDS + 1:
        parser.error(f"--after must be at least {2 * ARCHIVE_TIMEOUT_SECONDS + 1} seconds")

    # Stopped from outside: still stop the clusters and remove the temporary directory.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    host = Host(bindir(), secrets.token_urlsafe(24))
    work = Path(tempfile.mkdtemp(prefix="onward-restore-drill-"))
    archive, base = work / "archive", work / "base"
    archive.mkdir()
    clusters: list[Cluster] = []
    figures: dict[str, Any] = {}
    failures: list[str] = []
    try:
        primary = create(
            work,
            "primary",
            {
                "wal_level": "replica",
                "archive_mode": "on",
                # Copied under another name, then renamed: a copy cut short never looks
                # like a whole segment to a restore.
                "archive_command": f"'test ! -f {archive}/%f && cp %p {archive}/%f.part && mv {archive}/%f.part {archive}/%f'",
                "archive_timeout": str(ARCHIVE_TIMEOUT_SECONDS),
                "max_wal_senders": "4",
                "timezone": "'UTC'",
            },
            host,
        )
        clusters.append(primary)
        _say(f"private cluster in {work} on 127.0.0.1:{primary.port} ({host.bindir})")
        import psycopg

        os.environ["DATABASE_URL"] = primary.url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        os.environ.setdefault("ONWARD_LOG_LEVEL", "ERROR")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        started = time.perf_counter()
        call_command("migrate", "--no-input", verbosity=0)
        call_command("generate_cohort", council=COUNCIL, size=options.size, seed=7, stdout=open(os.devnull, "w"))  # noqa: SIM115
        figures["load_seconds"] = round(time.perf_counter() - started, 1)
        loaded = table_states(primary.conninfo())
        figures["rows_loaded"] = sum(t["rows"] for t in loaded.values())
        _say(f"generated council of {options.size} young people: {figures['rows_loaded']} rows in {len(loaded)} tables")

        started = time.perf_counter()
        host.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-D", str(base),
                 "-X", "stream", "-c", "fast")  # fmt: skip
        figures["base_backup_seconds"] = round(time.perf_counter() - started, 2)
        figures["base_backup_megabytes"] = round(
            sum(f.stat().st_size for f in base.rglob("*") if f.is_file()) / 2**20, 1
        )
        _say(f"base backup: {figures['base_backup_megabytes']} MB in {figures['base_backup_seconds']} s")

        writer = Writer()
        before = write_for(writer, options.before, "before the target")
        at_target = table_states(primary.conninfo())
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            target_time: datetime.datetime = cursor.fetchone()[0]
        target = target_time.isoformat()
        _say(f"{len(before)} writes; target time {target}")
        time.sleep(1.0)
        after = write_for(writer, options.after, "after the target")
        # Recovery to the target stops at the first commit after it: make sure one is archived.
        with psycopg.connect(primary.conninfo(), autocommit=True) as connection:
            for _ in range(100):
                archived = connection.execute("SELECT last_archived_time FROM pg_stat_archiver").fetchone()[0]  # type: ignore[index]
                if archived is not None and archived > after[0].committed:
                    break
                time.sleep(0.1)
        at_end = table_states(primary.conninfo())
        # Writing goes on until the server is lost: what was not archived by then is the recovery point.
        after += write_for(writer, ARCHIVE_TIMEOUT_SECONDS + 1, "as the server is lost")
        connections.close_all()
        _say(f"{len(after)} writes after the target; the primary is lost (immediate stop)")
        primary.stop("immediate")
        figures["archived_wal_segments"] = len([f for f in archive.iterdir() if len(f.name) == 24])
        for part in archive.glob("*.part"):
            part.unlink()  # a copy the lost server never finished: never renamed, never restored

        restored, seconds = restore(host, base, archive, work / "restored-to-target", work, target)
        clusters.append(restored)
        figures["restore_to_target_seconds"] = round(seconds, 2)
        found = table_states(restored.conninfo())
        failures += differences(at_target, found)
        if not differences(at_target, at_end):
            failures.append("the writes after the target changed no table: the drill proves nothing")
        if not all(present(restored.conninfo(), before)):
            failures.append("a write made before the target is missing after the restore")
        if any(present(restored.conninfo(), after)):
            failures.append("a write made after the target is present after the restore")
        _say(f"restored to the target in {seconds:.1f} s: {len(found)} tables compared")
        restored.stop()

        latest, seconds = restore(host, base, archive, work / "restored-to-latest", work, None)
        clusters.append(latest)
        figures["restore_to_latest_seconds"] = round(seconds, 2)
        survived = present(latest.conninfo(), before + after)
        kept = [w for w, ok in zip(before + after, survived, strict=True) if ok]
        if survived != sorted(survived, reverse=True):
            failures.append("the latest restore has a gap: a write is missing while a later one is present")
        last_kept = kept[-1].committed if kept else target_time
        last_made = after[-1].committed
        figures["recovery_point_seconds"] = round((last_made - last_kept).total_seconds(), 2)
        figures["writes_lost"] = len(survived) - len(kept)
        if figures["recovery_point_seconds"] > ARCHIVE_TIMEOUT_SECONDS + 2:
            failures.append(
                f"{figures['recovery_point_seconds']} s of writes lost, more than archive_timeout "
                f"({ARCHIVE_TIMEOUT_SECONDS} s) allows"
            )
        _say(
            f"restored to the end of the archive in {seconds:.1f} s: {figures['writes_lost']} of "
            f"{len(survived)} writes lost ({figures['recovery_point_seconds']} s)"
        )
        latest.stop()

        figures |= {
            "young_people": options.size,
            "tables_compared": len(found),
            "rows_at_target": sum(t["rows"] for t in at_target.values()),
            "writes_before_target": len(before),
            "writes_after_target": len(after),
            "target_time": target,
            "archive_timeout_seconds": ARCHIVE_TIMEOUT_SECONDS,
            "recovery_time_seconds": figures["restore_to_target_seconds"],
        }
    finally:
        for cluster in clusters:
            try:
                cluster.stop("immediate")
            except subprocess.CalledProcessError:
                _say(f"could not stop the cluster in {cluster.data}")
        if options.keep:
            _say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S")
    result = {
        "benchmark": "restore_drill",
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg(), "python": platform.python_version()},
        "postgresql": str(host.bindir),
        "passed": not failures,
        "failures": failures,
        "figures": figures,
        "meaning": {
            "recovery_time_seconds": "from copying the base backup to a promoted database at the target time",
            "recovery_point_seconds": "writes lost when the primary is lost: the WAL not yet archived (archive_timeout bounds it)",
        },
    }
    options.results.mkdir(parents=True, exist_ok=True)
    path = options.results / f"restore_drill-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    _say(f"results in {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    for failure in failures:
        _say(f"FAILED: {failure}")
    if not failures:
        _say(
            f"passed: every one of {figures['tables_compared']} tables matches at the target; "
            f"recovery time {figures['recovery_time_seconds']} s, recovery point {figures['recovery_point_seconds']} s"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

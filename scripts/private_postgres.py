"""A private PostgreSQL cluster for a drill: made with ``initdb`` under a temporary directory, on a
free loopback port, with a random password; it never touches another PostgreSQL server.

Used by `make restore-drill` (scripts/restore_drill.py) and `make faults` (benchmarks/faults.py),
which stop, restart and restore their own cluster and so must never do it to a shared one. Run as
root, PostgreSQL's programs run as the ``postgres`` user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bindir() -> Path:
    """The directory of the PostgreSQL server programs (initdb, pg_ctl, pg_basebackup)."""
    found = shutil.which("pg_config")
    if found:
        folder = Path(subprocess.run([found, "--bindir"], capture_output=True, text=True, check=True).stdout.strip())  # noqa: S603
        if (folder / "initdb").exists():
            return folder
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if candidates:
        return candidates[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise SystemExit("PostgreSQL's server programs (initdb, pg_ctl) are needed: install postgresql.")


@dataclass
class Host:
    """Runs PostgreSQL's programs as a user PostgreSQL accepts (``postgres`` when we are root)."""

    bindir: Path
    password: str
    as_postgres: bool = field(default_factory=lambda: os.geteuid() == 0)

    def run(self, program: str, *args: str, quiet: bool = False) -> None:
        command = [str(self.bindir / program) if (self.bindir / program).exists() else program, *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        env = {**os.environ, "PGPASSWORD": self.password}
        subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL if quiet else None)  # noqa: S603

    def own(self, path: Path) -> None:
        if self.as_postgres:
            entry = pwd.getpwnam("postgres")
            for folder, dirs, files in os.walk(path):
                for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
                    os.chown(name, entry.pw_uid, entry.pw_gid)


@dataclass
class Cluster:
    host: Host
    data: Path
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"postgres://postgres:{self.host.password}@127.0.0.1:{self.port}/onward"

    def start(self) -> None:
        self.host.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "300", "start", quiet=True)

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            self.host.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", quiet=True)

    def restart(self, mode: str = "fast") -> None:
        self.host.run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", mode, "-w", "-t", "300", "restart", quiet=True
        )

    def conninfo(self, dbname: str = "onward") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres password={self.host.password} dbname={dbname}"


def settings(cluster: Cluster, socket_dir: Path, extra: dict[str, str]) -> str:
    """postgresql.conf lines: the cluster's port, loopback only, its socket in ``socket_dir``."""
    lines = {
        "port": str(cluster.port),
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": f"'{socket_dir}'",
        "max_connections": "20",
        "shared_buffers": "'64MB'",
        "fsync": "on",
        **extra,
    }
    return "".join(f"{key} = {value}\n" for key, value in lines.items())


def create(work: Path, name: str, extra: dict[str, str] | None = None, host: Host | None = None) -> Cluster:
    """initdb a cluster in ``work/name``, configured with :func:`settings` and ``extra``, start it and
    create its ``onward`` database. ``work`` must exist; it is handed to ``postgres`` when we are root."""
    host = host or Host(bindir(), secrets.token_urlsafe(24))
    password_file = work / f"{name}.password"
    password_file.write_text(host.password + "\n")
    host.own(work)
    cluster = Cluster(host, work / name, free_port(), work / f"{name}.log")
    try:
        host.run(
            "initdb", "-D", str(cluster.data), "-U", "postgres", "--auth-local=peer", "--auth-host=scram-sha-256",
            f"--pwfile={password_file}", "-E", "UTF8", "--locale=C.UTF-8", quiet=True,
        )  # fmt: skip
    finally:
        password_file.unlink()
    with (cluster.data / "postgresql.conf").open("a") as conf:
        conf.write(settings(cluster, work, extra or {}))
    cluster.start()
    import psycopg

    try:
        with psycopg.connect(cluster.conninfo("postgres"), autocommit=True) as connection:
            connection.execute("CREATE DATABASE onward")
    except BaseException:
        cluster.stop("immediate")
        raise
    return cluster

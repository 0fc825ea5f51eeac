"""gunicorn's worker as deploy/gunicorn.conf.py runs it: capped at the requests in hand, and never stuck.

The shipped settings cap each worker at one request more than its threads (ADR 38). gunicorn 23's
own threaded worker, so capped, stops answering once it holds that many connections that have not
sent a request (its loop waits on an empty set of requests and never polls again). These tests
serve a tiny WSGI application from this module with the shipped worker and settings.
"""

from __future__ import annotations

import os
import runpy
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from config.gunicorn_worker import ThreadWorker

CONF = Path(settings.BASE_DIR, "deploy", "gunicorn.conf.py")


def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """The application gunicorn serves in these tests."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "6")])
    return [b"served"]


def shipped(threads: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("GUNICORN_THREADS", str(threads))
    return runpy.run_path(str(CONF))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def get(port: int) -> bytes:
    with connect(port) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := client.recv(4096):
            answer += chunk
        return answer


@contextmanager
def serving(config: dict[str, Any], tmp_path: Path) -> Iterator[int]:
    """One worker of the shipped class, threads, cap and keep-alive, serving ``app``."""
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603 - gunicorn from this environment, fixed arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                f"--bind=127.0.0.1:{port}",
                "--workers=1",
                f"--worker-class={config['worker_class']}",
                f"--threads={config['threads']}",
                f"--worker-connections={config['worker_connections']}",
                f"--keep-alive={config['keepalive']}",
                "tests.test_gunicorn_worker:app",
            ],
            cwd=settings.BASE_DIR,
            env={**os.environ, "PYTHONPATH": str(settings.BASE_DIR)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(port).endswith(b"served"):
                    break
            except OSError:
                pass
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "gunicorn did not start:\n" + log.read_text()
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_shipped_worker_caps_each_worker_one_request_above_its_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    config = shipped(4, monkeypatch)
    assert config["worker_class"] == "config.gunicorn_worker.ThreadWorker"
    assert config["worker_connections"] == 5
    assert config["keepalive"] == 0


def test_a_capped_worker_answers_while_it_holds_connections_that_have_sent_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """More connections than the cap, none of them sending a request, then a real request: answered."""
    config = shipped(1, monkeypatch)
    with serving(config, tmp_path) as port, ExitStack() as idle:
        for _ in range(config["worker_connections"] + 2):
            idle.enter_context(connect(port))
        time.sleep(0.5)  # the worker's loop accepts them all before the request below arrives
        assert get(port).endswith(b"served")


def test_only_requests_in_hand_count_towards_the_cap() -> None:
    """Accepted connections that have sent nothing, or are kept alive, leave room for a request."""
    worker = ThreadWorker.__new__(ThreadWorker)
    worker.futures = deque(["handling", "queued for a thread"])
    worker._keep = deque(["kept alive"])
    worker.nr_conns = 7  # gunicorn's own count as it accepts: ignored
    assert worker.nr_conns == 2
    worker.futures.popleft()
    assert worker.nr_conns == 1

"""gunicorn's threaded worker, made to take a connection only when it can serve it soon.

gunicorn's ``gthread`` worker accepts connections while it holds fewer than ``worker_connections``
of them (1,000 by default). Under load one worker can then accept far more requests than it has
threads, and they wait in its queue while another worker's threads are idle: in the 50-user load
test the slowest user's median wait was 1.4 times everyone's, and the p95 twice the median.

Capping ``worker_connections`` near the thread count makes waiting fair (a request not taken stays
in the kernel's queue for whichever worker is free first), but gunicorn 23 counts every accepted
connection, including those that have not yet sent their request. When every connection it holds
is of that kind, its main loop takes the branch that waits for a request to finish, there is none,
the wait returns at once, and the loop never polls the connections again: the worker spins at full
processor time and answers nothing (see docs/adr/0038-a-fair-gunicorn-worker.md).

This worker counts only what occupies its threads: the requests it is handling (queued for or
running on a thread). A connection that has been accepted but has not sent its request, or is kept
alive between requests, is not counted, so the loop keeps polling it. The loop waits for a request
to finish only when it holds at least ``worker_connections`` of them, so that wait is never on an
empty set. Nothing else of gunicorn's worker changes. Onward runs it with keep-alive off, behind a
proxy that keeps its own connections to browsers (deploy/gunicorn.conf.py).
"""

from __future__ import annotations

from gunicorn.workers import gthread


class ThreadWorker(gthread.ThreadWorker):  # type: ignore[misc]  # gunicorn has no type hints
    """``gthread`` with ``worker_connections`` meaning "requests in hand" (see the module's note)."""

    @property
    def nr_conns(self) -> int:
        """The requests this worker is handling: queued for a thread, or running on one."""
        return len(self.futures)

    @nr_conns.setter
    def nr_conns(self, value: int) -> None:
        """gunicorn's own count of accepted connections is not kept: it is worked out above."""

"""gunicorn's settings for Onward (`gunicorn -c deploy/gunicorn.conf.py config.wsgi`).

Threaded workers (gthread): most of a request's time is spent waiting for PostgreSQL, so each
worker process serves several requests at once. Sized from the CPU count unless the environment
says otherwise. The access log is one line a request on standard output, with the request id
Onward gives every response (``X-Request-ID``), so a line in the access log can be matched with
the application's JSON log lines for the same request.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 9)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request slower than this is ended (and logged); large imports run in the background worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# worker_connections stays at gunicorn's 1,000. Capped at the thread count (with keep-alive off), a
# worker would take a connection only when a thread is free, which made waiting fairer under load
# (the 50-user test's p95 fell by a third), but gunicorn 23's threaded worker can then hang: when
# its connections are all accepted and none has sent its request yet, its main loop waits on an
# empty set of requests, returns at once and never polls the connections again, spinning at full
# processor time. Within three minutes at 100 requests a second no worker answered.
# Restart workers now and then, so a slow leak can never grow without bound (0: never).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Where it runs behind a proxy: trust X-Forwarded-* only from these addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'


def post_worker_init(worker: object) -> None:
    """Load the PDF engine in each worker before it takes requests: the first committee document
    would otherwise wait seconds for WeasyPrint and its fonts to load."""
    from onward.core.documents import warm_pdf_engine

    warm_pdf_engine()

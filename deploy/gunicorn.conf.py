"""gunicorn's settings for Onward (`gunicorn -c deploy/gunicorn.conf.py config.wsgi`).

Threaded workers (gthread): most of a request's time is spent waiting for PostgreSQL, so each
worker process serves several requests at once. Sized from the CPU count unless the environment
says otherwise. The access log is one line a request on standard output, with the request id
Onward gives every response (``X-Request-ID``), so a line in the access log can be matched with
the application's JSON log lines for the same request.
"""

from __future__ import annotations

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# gunicorn's threaded worker (gthread), counting only the requests in hand (config/gunicorn_worker.py).
worker_class = "config.gunicorn_worker.ThreadWorker"
workers = int(os.environ.get("GUNICORN_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 9)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A worker takes a new request only while it has fewer than this in hand, one more than its threads
# so that a thread finishing never waits for the next accept. A request not yet taken waits in the
# kernel's queue for whichever worker is free first, so no user waits behind a busy worker while
# another is idle (ADR 38: the 50-user load test's p95 fell from 1.61 to 1.31 s).
worker_connections = threads + 1
# A connection carries one request. Keep-alive would tie a client to one worker; in production the
# proxy in front keeps the browsers' connections open and opens one to gunicorn a request.
keepalive = 0
# A request slower than this is ended (and logged); large imports run in the background worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
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
    """Ready each worker before it takes requests.

    - The PDF engine is loaded: the first committee document would otherwise wait seconds for
      WeasyPrint and its fonts.
    - Every view is imported (the URL patterns resolved).
    - What is loaded by then lives as long as the worker, so it is set aside from the garbage
      collector (``gc.freeze``). The collector's full passes would otherwise walk those 160,000 or so
      objects again every few requests: in-process, 1 to 3 ms a request.
    """
    from django.urls import get_resolver

    from onward.core.documents import warm_pdf_engine

    warm_pdf_engine()
    get_resolver().url_patterns  # noqa: B018 - imports every view
    gc.collect()
    gc.freeze()

"""The health check: whether Onward and what it depends on answer.

Answered by :class:`onward.core.middleware.HealthCheckMiddleware` before any middleware that needs
the database or the session, so that with the database down it still answers (503, naming what is
down) within a second, whatever cookies the request carries.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

PATH = "/healthz"


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return False
    return True


def task_detail() -> dict[str, object]:
    """The background queue: "ok", or "stuck" with how many tasks no worker is moving (ADR 0018).
    A stuck task does not make Onward unhealthy (pages still answer), so it does not turn 200 into 503."""
    from onward.core.tasks import queue_summary

    try:
        counts = queue_summary()
    except DatabaseError:
        logger.exception("Health check: the task queue could not be read")
        return {"status": "unavailable"}
    return {"status": "stuck" if counts["stuck"] else "ok", **counts}


def health_response() -> JsonResponse:
    """200 with every dependency "ok", or 503 naming the one that is "unavailable"."""
    if database_answers():
        response = JsonResponse({"status": "ok", "database": "ok", "tasks": task_detail()})
    else:
        response = JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    add_never_cache_headers(response)
    return response

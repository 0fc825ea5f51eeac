from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from onward.accounts import access
from onward.accounts.models import User
from onward.core import contributions, health
from onward.core.navigation import navigation_for

logger = logging.getLogger(__name__)


@access.require_perm()
def home(request: HttpRequest) -> HttpResponse:
    """What each of the user's roles works on, with the pages each can use today: the summary and
    tasks come from the apps that registered them (``core.contributions``)."""
    user: User = request.user  # type: ignore[assignment]
    pages = [item for item in navigation_for(user, request.path) if item["url_name"] != "core:home"]
    day = timezone.localdate()
    return render(
        request,
        "core/home.html",
        {
            "roles": user.roles,
            "pages": pages,
            "teams": user.teams.all() if user.is_council_staff else [],
            "summary": contributions.home_summary(user, day),
            "tasks": contributions.home_tasks(user, day),
        },
    )


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """Whether the service and its database answer (``core.health``): normally answered by
    ``HealthCheckMiddleware`` before this view is reached; here for the URL's name."""
    return health.health_response()


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@login_not_required
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "core/cookies.html")


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


# The 500 and 503 pages are static files, the same ones the proxy serves (deploy/haproxy.cfg).
ERROR_PAGES = Path(__file__).resolve().parent.parent / "static" / "errors"
# How long a browser is told to wait before trying again when the database does not answer.
RETRY_AFTER_SECONDS = 30


@functools.cache
def error_page(status: int) -> bytes:
    return (ERROR_PAGES / f"{status}.html").read_bytes()


def error_500(request: HttpRequest) -> HttpResponse:
    """The server error page: a static file, with no template, database, session or signed-in user,
    any of which may be what failed. When the error is the database not answering (it is down or
    restarting), the page says the service is unavailable (503) and when to try again."""
    failed = sys.exc_info()[1]  # Django calls this while handling the error
    status = 503 if isinstance(failed, OperationalError | InterfaceError) else 500
    response = HttpResponse(error_page(status), status=status, content_type="text/html; charset=utf-8")
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone

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


def error_500(request: HttpRequest) -> HttpResponse:
    """The 500 page needs nothing but the template: no database, session or signed-in user, which
    may be what failed."""
    return HttpResponse(loader.render_to_string("500.html"), status=500)

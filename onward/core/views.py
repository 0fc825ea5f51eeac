from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.core import health
from onward.core.navigation import navigation_for
from onward.opportunities import selectors as opportunity_selectors
from onward.people import selectors as people_selectors
from onward.people.cohort import NEET_POPULATION, neet_cohort
from onward.plans import selectors as plan_selectors
from onward.referrals import selectors as referral_selectors

PEOPLE_PERMS = (Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    """What each of the user's roles works on, with the pages each can use today."""
    user: User = request.user  # type: ignore[assignment]
    pages = [item for item in navigation_for(user, request.path) if item["url_name"] != "core:home"]
    summary = None
    if user.can_any(PEOPLE_PERMS):
        scope = people_selectors.default_scope(user)
        day = people_selectors.today()
        in_scope = people_selectors.people_in_scope(user, scope)
        summary = {
            "scope": scope,
            "label": people_selectors.SCOPES[scope],
            **people_selectors.caseload_summary(in_scope, day),
            "neet": neet_cohort(in_scope, day).count(),
            "neet_population": NEET_POPULATION,
        }
    tasks = referral_selectors.tasks_for(
        user, access.referrals_visible_to(user), access.sends_received_by(user), people_selectors.today()
    )
    if user.can_any(PEOPLE_PERMS):
        waiting, late = people_selectors.open_support_request_counts(
            access.people_visible_to(user), people_selectors.today()
        )
        if waiting:
            tasks.append(
                referral_selectors.Task(
                    f"{waiting} request{'s' if waiting != 1 else ''} for support from returners to assess"
                    + (f" ({late} late)" if late else ""),
                    reverse("people:support-requests"),
                    waiting,
                    bool(late),
                )
            )
    if user.can(Perm.MANAGE_OPPORTUNITIES):
        due = opportunity_selectors.checks_due(access.applications_visible_to(user), people_selectors.today()).count()
        if due:
            tasks.append(
                referral_selectors.Task(
                    f"{due} sustainment check{'s' if due != 1 else ''} due",
                    reverse("opportunities:checks"),
                    due,
                    True,
                )
            )
    if user.can(Perm.ANSWER_PARTNERSHIPS):
        invited = access.partnerships_visible_to(user).filter(status="invited").count()
        if invited:
            tasks.append(
                referral_selectors.Task(
                    f"{invited} council invitation{'s' if invited != 1 else ''} waiting for your answer",
                    reverse("accounts:partnership-list"),
                    invited,
                    True,
                )
            )
    if user.can(Perm.VIEW_PLANS):
        tasks += [
            referral_selectors.Task(task.text, task.url, task.count, task.urgent)
            for task in plan_selectors.tasks_for(user, access.plans_visible_to(user), people_selectors.today())
        ]
    return render(
        request,
        "core/home.html",
        {
            "roles": user.roles,
            "pages": pages,
            "teams": user.teams.all() if user.is_council_staff else [],
            "summary": summary,
            "tasks": tasks,
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

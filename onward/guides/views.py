"""The guides: an index (the reader's own roles first), a page per role, a page per task, a glossary.

Guides hold no personal data and nothing of a council's: any signed-in user may read any of them.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from onward.accounts import access
from onward.accounts.permissions import ROLES, ROLES_BY_KEY
from onward.guides import catalogue


@access.require_perm()
def index(request: HttpRequest) -> HttpResponse:
    own = set(request.user.role_keys)  # type: ignore[union-attr]
    return render(
        request,
        "guides/index.html",
        {
            "own_roles": [role for role in ROLES if role.key in own],
            "other_roles": [role for role in ROLES if role.key not in own],
        },
    )


@access.require_perm()
def role_guide(request: HttpRequest, role: str) -> HttpResponse:
    found = ROLES_BY_KEY.get(role)
    if found is None:
        raise Http404("No such role")
    return render(request, "guides/role.html", {"role": found, "guides": catalogue.guides_for_role(role)})


@access.require_perm()
def guide(request: HttpRequest, slug: str) -> HttpResponse:
    found = catalogue.GUIDES_BY_SLUG.get(slug)
    if found is None:
        raise Http404("No such guide")
    roles = [ROLES_BY_KEY[key] for key in found.roles]
    context = {"guide": found, "roles": roles, "triage_days": settings.ONWARD_TRIAGE_WORKING_DAYS}
    return render(request, found.template, context)


@access.require_perm()
def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "guides/glossary.html", {"terms": catalogue.GLOSSARY})

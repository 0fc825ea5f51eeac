from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from onward.api import views
from onward.api.api import api
from onward.api.http import Problem, problem_response

app_name = "integrations"

urlpatterns = [
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/revoke/", views.token_revoke, name="token-revoke"),
    path("webhooks/", views.webhook_list, name="webhook-list"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook-detail"),
    path("webhooks/<int:pk>/switch-off/", views.webhook_disable, name="webhook-disable"),
]


def _problem_405(view: Any) -> Any:
    """A method the address does not take answers problem details too (ninja's own 405 is plain text)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type", "").startswith("text/html"):
            problem = Problem(405, f"This address does not take {request.method}", headers={"Allow": response["Allow"]})
            return problem_response(request, problem)
        return response

    wrapped.login_required = False  # type: ignore[attr-defined]
    return wrapped


def _open(patterns: list[Any]) -> list[Any]:
    """The API answers bearer tokens, never a browser's session: its views need no sign-in page."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _open(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = _problem_405(pattern.callback)
    return patterns


api_patterns, api_app_name, api_namespace = api.urls
api_urls = (_open(list(api_patterns)), api_app_name, api_namespace)

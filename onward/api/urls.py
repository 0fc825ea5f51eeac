from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, path

from onward.api import views
from onward.api.api import api

app_name = "integrations"

urlpatterns = [
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/revoke/", views.token_revoke, name="token-revoke"),
    path("webhooks/", views.webhook_list, name="webhook-list"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook-detail"),
    path("webhooks/<int:pk>/switch-off/", views.webhook_disable, name="webhook-disable"),
]


def _open(patterns: list[Any]) -> list[Any]:
    """The API answers bearer tokens, never a browser's session: its views need no sign-in page."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _open(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback.login_required = False  # type: ignore[attr-defined]
    return patterns


api_patterns, api_app_name, api_namespace = api.urls
api_urls = (_open(list(api_patterns)), api_app_name, api_namespace)

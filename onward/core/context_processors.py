from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from onward.core.help import help_href
from onward.core.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shell needs: service name, the header's organisation, navigation, session timings."""
    user = getattr(request, "user", None)
    context: dict[str, Any] = {
        "service_name": settings.ONWARD_SERVICE_NAME,
        "service_phase": settings.ONWARD_PHASE,
        "feedback_email": settings.ONWARD_FEEDBACK_EMAIL,
        "navigation": [],
        "header_organisation": None,
        "session_timeout_seconds": settings.SESSION_COOKIE_AGE,
        "session_warning_seconds": settings.SESSION_WARNING_MINUTES * 60,
        "help_href": None,
    }
    if user is not None and user.is_authenticated:
        context["header_organisation"] = user.organisation
        verified = not settings.ONWARD_REQUIRE_2FA or user.is_verified()
        if verified:
            context["navigation"] = navigation_for(user, request.path)
            match = request.resolver_match
            if match is not None:
                context["help_href"] = help_href(match.view_name, match.kwargs)
    return context
